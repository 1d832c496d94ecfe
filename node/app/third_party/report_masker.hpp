#pragma once
// A report as a third party sees it (decision 0060): non-sensitive metadata and the payload
// masked by its template's rules, narrowed to the fields the call may see. Loaded once per call.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "ledger/chain.hpp"
#include "ledger/masking.hpp"

namespace rl::node::third_party {

struct MaskedReport {
  std::string row_json;      // {"report_id",...,"payload":{masked},"payload_hash"}
  std::string payload_hash;  // hex suite hash of the masked payload's compact JSON
};

class ReportMasker {
 public:
  // The grant's templates and token key. Codes: state_corrupt, bad_mask_key, kdf_failed,
  // storage errors.
  static Result<ReportMasker> load(const ledger::Chain& chain,
                                   const ledger::pb::ThirdPartyGrantRecord& grant,
                                   ByteView mask_key);
  // The fields the call may see (nullopt, the default: every field the templates mask).
  void narrow_to(std::optional<std::set<std::string>> fields) { fields_ = std::move(fields); }

  // Whether some template of the grant masks `field` with a rule that shows something.
  bool masks(const std::string& field) const;
  // Code: storage_corrupt (the report's transaction is missing or does not decode).
  Result<MaskedReport> mask(const ledger::pb::ReportRecord& report) const;

 private:
  explicit ReportMasker(const ledger::Chain& chain) : chain_(&chain) {}
  std::vector<ledger::pb::FieldMask> rules_for(const std::string& template_id) const;

  const ledger::Chain* chain_;
  std::map<std::string, ledger::pb::TemplateRecord> templates_;
  std::optional<std::set<std::string>> fields_;
  ledger::masking::TokenKey key_;
};

}  // namespace rl::node::third_party
