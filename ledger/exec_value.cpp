// IssueValue: the governance action by which value enters the ledger (docs/offline.md "Value
// on the ledger"). Validated when proposed and again when executed, like every action.

#include "ledger/exec_internal.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/value_ledger.hpp"

namespace rl::ledger::exec {

Status check_issue_value(const StateOverlay& state, const pb::IssueValue& a) {
  if (!valid_id(a.org_id()))
    return make_error("bad_field", "org_id must be 1-64 of [A-Za-z0-9._-]");
  if (a.amount() <= 0 || a.amount() > value::kMaxSupply) {
    return make_error("bad_amount", "an issued amount is 1 .. 2^62 minor units");
  }
  RL_ASSIGN_OR_RETURN(auto org, state.get(keys::org(a.org_id())));
  if (!org) return make_error("not_found", "organization " + a.org_id() + " is unknown");
  RL_ASSIGN_OR_RETURN(auto s, value::supply(state));
  if (s.issued() > value::kMaxSupply - a.amount()) {
    return make_error("supply_exhausted", "the total issued would pass 2^62 minor units");
  }
  return {};
}

Status execute_issue_value(StateOverlay& state, const pb::IssueValue& a, const BlockContext& ctx) {
  return value::issue(state, a.org_id(), a.amount(), ctx.height);
}

}  // namespace rl::ledger::exec
