#pragma once
// Who may open a sealed report (docs/sealed.md "Who opens"): one rule, asked by the key services
// before they release a share, by the document routes before they serve a ciphertext, and by the
// keyword search before it answers. A reader opens a report when its attributes, as the committed
// ledger says now, satisfy both levels: T (the named sealing policy governance sets) and S (the
// report's own policy its organization sets).

#include <optional>
#include <string>
#include <string_view>

#include "ledger/chain.hpp"
#include "ledger/seal_policy.hpp"
#include "ledger/sealing.hpp"

namespace rl::ledger {

const pb::KeyServiceRecord* find_key_service(const pb::KeyServiceRegistry& registry,
                                             std::string_view name);

// What a sealing policy sees of an account: its organization, the organization's kind, its role,
// department and level, and the attributes governance granted it.
seal_policy::ReaderAttributes reader_attributes(const pb::AccountRecord& account,
                                                const pb::OrganizationRecord& org,
                                                const pb::AccountAttributes& granted);

struct SealedVerdict {
  bool t = false;  // level T holds
  bool s = false;  // level S holds
  bool allowed() const { return t && s; }
  // "T", "S" or "T and S": the levels that failed, and nothing about who would pass them.
  std::string failed_levels() const;
};

// Code: state_corrupt when a stored policy no longer parses (the ledger only stores ones that do).
Result<SealedVerdict> evaluate_sealed(std::string_view t_policy, std::string_view s_policy,
                                      const seal_policy::ReaderAttributes& reader);

// A sealed report as the committed ledger holds it now.
struct SealedReport {
  pb::ReportRecord report;
  pb::SealedReportRecord sealed;
  pb::SealingPolicyRecord t_policy;  // its current text and version
};

// nullopt when there is no such report or it is not sealed. Code: state_corrupt.
Result<std::optional<SealedReport>> load_sealed_report(const Chain& chain,
                                                       const std::string& report_id);
Result<pb::KeyServiceRegistry> load_key_services(const Chain& chain);
// nullopt when the account does not exist. Code: state_corrupt.
Result<std::optional<seal_policy::ReaderAttributes>> load_reader_attributes(
    const Chain& chain, std::string_view account);
// The verdict for `account` on `report` (a reader that does not exist holds no attribute).
Result<SealedVerdict> sealed_verdict(const Chain& chain, const SealedReport& report,
                                     std::string_view account);

sealing::SealContext seal_context(std::string_view chain_id, const SealedReport& r);

}  // namespace rl::ledger
