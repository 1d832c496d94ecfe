#include "ledger/sealed_access.hpp"

#include "ledger/committed_record.hpp"
#include "ledger/permission.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger {

const pb::KeyServiceRecord* find_key_service(const pb::KeyServiceRegistry& registry,
                                             std::string_view name) {
  for (const auto& r : registry.services()) {
    if (r.name() == name) return &r;
  }
  return nullptr;
}

seal_policy::ReaderAttributes reader_attributes(const pb::AccountRecord& account,
                                                const pb::OrganizationRecord& org,
                                                const pb::AccountAttributes& granted) {
  seal_policy::ReaderAttributes r;
  r.org = account.org_id();
  r.org_kind = org.kind();
  r.role = account.role();
  r.department = account.department();
  auto perm = parse_permission_code(account.permission_code());
  r.level = perm.ok() ? perm->level : 0;
  for (const auto& g : granted.attributes()) r.granted.insert(g.attribute());
  return r;
}

std::string SealedVerdict::failed_levels() const {
  if (!t && !s) return "T and S";
  if (!t) return "T";
  if (!s) return "S";
  return "";
}

Result<SealedVerdict> evaluate_sealed(std::string_view t_policy, std::string_view s_policy,
                                      const seal_policy::ReaderAttributes& reader) {
  auto t = seal_policy::Policy::parse(t_policy);
  auto s = seal_policy::Policy::parse(s_policy);
  if (!t.ok() || !s.ok()) return make_error("state_corrupt", "a stored sealing policy");
  return SealedVerdict{t->allows(reader), s->allows(reader)};
}

Result<std::optional<SealedReport>> load_sealed_report(const Chain& chain,
                                                       const std::string& report_id) {
  RL_ASSIGN_OR_RETURN(
      auto sealed, load_committed<pb::SealedReportRecord>(chain, keys::sealed_report(report_id)));
  if (!sealed) return std::optional<SealedReport>();
  RL_ASSIGN_OR_RETURN(auto report,
                      load_committed<pb::ReportRecord>(chain, keys::report(report_id)));
  RL_ASSIGN_OR_RETURN(auto t, load_committed<pb::SealingPolicyRecord>(
                                  chain, keys::sealing_policy(sealed->seal().t_policy())));
  if (!report || !t) return make_error("state_corrupt", "sealed report " + report_id);
  return std::optional<SealedReport>(
      SealedReport{std::move(*report), std::move(*sealed), std::move(*t)});
}

Result<pb::KeyServiceRegistry> load_key_services(const Chain& chain) {
  RL_ASSIGN_OR_RETURN(auto reg,
                      load_committed<pb::KeyServiceRegistry>(chain, keys::key_services()));
  return reg.value_or(pb::KeyServiceRegistry{});
}

Result<std::optional<seal_policy::ReaderAttributes>> load_reader_attributes(
    const Chain& chain, std::string_view account) {
  using Out = std::optional<seal_policy::ReaderAttributes>;
  RL_ASSIGN_OR_RETURN(auto acct, load_committed<pb::AccountRecord>(chain, keys::account(account)));
  if (!acct) return Out();
  RL_ASSIGN_OR_RETURN(auto org,
                      load_committed<pb::OrganizationRecord>(chain, keys::org(acct->org_id())));
  if (!org) return make_error("state_corrupt", "account's organization is missing");
  RL_ASSIGN_OR_RETURN(auto granted,
                      load_committed<pb::AccountAttributes>(chain, keys::attributes(account)));
  return Out(reader_attributes(*acct, *org, granted.value_or(pb::AccountAttributes{})));
}

Result<SealedVerdict> sealed_verdict(const Chain& chain, const SealedReport& report,
                                     std::string_view account) {
  RL_ASSIGN_OR_RETURN(auto reader, load_reader_attributes(chain, account));
  if (!reader) return SealedVerdict{};
  return evaluate_sealed(report.t_policy.policy(), report.sealed.s_policy(), *reader);
}

sealing::SealContext seal_context(std::string_view chain_id, const SealedReport& r) {
  return {std::string(chain_id), r.report.org_id(), r.report.submitter(),
          to_bytes(r.sealed.seal().seal_id()), r.sealed.seal().t_policy()};
}

}  // namespace rl::ledger
