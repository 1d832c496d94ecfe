// `regledger evidence`: the equivocations recorded on the ledger (GET /v1/evidence, decision
// 0077), and with --genesis each proof re-verified offline against the validator set in force
// at its height, followed from genesis through the governance handoffs that /v1/headers serves.
#include <iostream>
#include <map>
#include <memory>

#include "api/evidence_json.hpp"
#include "api/query_string.hpp"
#include "api/routes.hpp"
#include "client/cli/context.hpp"
#include "ledger/evidence.hpp"
#include "ledger/receipt.hpp"

namespace rl::cli {
namespace {

struct EvidenceOpts {
  std::uint64_t from = 0;
  std::uint64_t limit = 100;
  bool all = false;
};

// The set in force at `height`, trusted from genesis: the handoffs a node serves are verified
// link by link (follow_handoffs), so a node can withhold a set change but not invent one.
Result<ledger::ValidatorKeys> trusted_set_at(client::NodeClient& c,
                                             const ledger::TrustAnchor& anchor,
                                             std::uint64_t height) {
  RL_ASSIGN_OR_RETURN(auto j,
                      c.get_json(api::route_path<api::Route::kHeader>(std::to_string(height))));
  if (!j.is_object() || !j.contains("validator_handoffs")) return anchor.genesis_keys;
  RL_ASSIGN_OR_RETURN(auto handoffs, ledger::handoffs_from_json(j["validator_handoffs"].dump()));
  RL_ASSIGN_OR_RETURN(auto trusted, ledger::follow_handoffs(anchor, handoffs));
  return std::move(trusted.keys);
}

std::string short_hex(const std::string& bytes) {
  if (bytes.empty()) return "nil";
  const std::string hex = to_hex(as_bytes(bytes));
  return hex.substr(0, 16) + "…";
}

int list_evidence(Globals& g, const EvidenceOpts& o) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  std::optional<ledger::TrustAnchor> anchor;
  if (!g.genesis_file.empty()) {
    auto a = load_trust_anchor(g.genesis_file);
    if (!a.ok()) return report_error(a.error());
    anchor = std::move(a).value();
  }
  std::map<std::uint64_t, ledger::ValidatorKeys> sets;  // by height, fetched once each
  nlohmann::json out = nlohmann::json::array();
  std::size_t verified = 0;
  std::size_t failed = 0;
  std::string after;
  do {
    api::QueryString query;
    query.add("from", o.from).add("limit", o.limit).add_if_set("after", after);
    auto page = c->get_json(api::route_path<api::Route::kEvidence>() + query.str());
    if (!page.ok()) return report_error(page.error());
    if (!page->contains("evidence") || !(*page)["evidence"].is_array()) {
      return report_error(make_error("bad_answer", "the node's /v1/evidence has no list"));
    }
    for (const auto& item : (*page)["evidence"]) {
      auto record = api::evidence_record_from_json(item);
      if (!record.ok()) return report_error(record.error());
      nlohmann::json row = item;
      std::string verdict;
      if (anchor) {
        auto it = sets.find(record->height());
        if (it == sets.end()) {
          auto set = trusted_set_at(*c, *anchor, record->height());
          if (!set.ok()) return report_error(set.error());
          it = sets.emplace(record->height(), std::move(set).value()).first;
        }
        auto st = ledger::verify_evidence_record(*anchor, it->second, *record);
        row["verified"] = st.ok();
        if (st.ok()) {
          ++verified;
          verdict = "  [proof verified against genesis]";
        } else {
          ++failed;
          row["verify_error"] = st.error().message;
          verdict = "  [NOT VERIFIED: " + st.error().message + "]";
        }
      }
      if (!g.json_output) {
        std::cout << "height " << record->height() << " round " << record->round() << " "
                  << record->vote_type() << ": validator " << record->validator_index()
                  << " signed both " << short_hex(record->first_value_hash()) << " and "
                  << short_hex(record->second_value_hash()) << "; recorded in block "
                  << record->recorded_height() << verdict << "\n";
      }
      out.push_back(std::move(row));
    }
    after = page->value("next", std::string());
  } while (o.all && !after.empty());
  if (g.json_output) {
    nlohmann::json j = {{"evidence", out}, {"count", out.size()}};
    if (!after.empty()) j["next"] = after;
    std::cout << j.dump() << "\n";
  } else if (out.empty()) {
    std::cout << "no equivocation is recorded" << (o.from > 0 ? " from that height" : "") << "\n";
  } else if (!after.empty()) {
    std::cout << "(more: --all, or --from a later height)\n";
  }
  if (anchor) {
    std::cerr << "verified against genesis: " << verified << " of " << out.size() << " proofs\n";
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

void add_evidence_commands(CLI::App& app, Globals& g) {
  auto o = std::make_shared<EvidenceOpts>();
  auto* ev = app.add_subcommand(
      "evidence",
      "List the equivocations recorded on the ledger: a validator that signed two conflicting "
      "votes for one (height, round, vote type). With --genesis each proof is re-verified "
      "offline against the validator set in force at its height (exit 1 if any does not "
      "verify)");
  ev->add_option("--from", o->from, "List votes from this height on (default 0)");
  ev->add_option("--limit", o->limit, "Items per page (1-1000, default 100)")
      ->check(CLI::Range(1, 1000));
  ev->add_flag("--all", o->all, "Follow every page");
  ev->callback([o, &g] { g.exit_code = list_evidence(g, *o); });
}

}  // namespace rl::cli
