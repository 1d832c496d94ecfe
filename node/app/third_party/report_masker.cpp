#include "node/app/third_party/report_masker.hpp"

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/tx.hpp"

namespace rl::node::third_party {

Result<ReportMasker> ReportMasker::load(const ledger::Chain& chain,
                                        const ledger::pb::ThirdPartyGrantRecord& grant,
                                        ByteView mask_key) {
  ReportMasker m(chain);
  for (const auto& id : grant.scope().templates()) {
    RL_ASSIGN_OR_RETURN(auto raw, chain.state_value(ledger::keys::tmpl(id)));
    ledger::pb::TemplateRecord t;
    if (!raw || !t.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
      return make_error("state_corrupt", "template " + id + " of grant " + grant.grant_id());
    }
    m.templates_.emplace(id, std::move(t));
  }
  m.key_.suite = chain.anchor().suite;
  RL_ASSIGN_OR_RETURN(m.key_.key,
                      ledger::masking::token_key(m.key_.suite, mask_key, grant.grant_id()));
  return m;
}

bool ReportMasker::masks(const std::string& field) const {
  for (const auto& [id, t] : templates_) {
    for (const auto& rule : t.masks()) {
      if (rule.field() == field && !rule.has_drop()) return true;
    }
  }
  return false;
}

std::vector<ledger::pb::FieldMask> ReportMasker::rules_for(const std::string& template_id) const {
  std::vector<ledger::pb::FieldMask> out;
  auto it = templates_.find(template_id);
  if (it == templates_.end()) return out;  // no rules: every field is dropped
  for (const auto& rule : it->second.masks()) {
    if (rule.has_drop() || (fields_ && !fields_->contains(rule.field()))) continue;
    out.push_back(rule);
  }
  return out;
}

Result<MaskedReport> ReportMasker::mask(const ledger::pb::ReportRecord& report) const {
  auto id = from_hex(report.report_id());
  if (!id.ok()) return make_error("storage_corrupt", "report id is not hex");
  RL_ASSIGN_OR_RETURN(auto raw, chain_->tx_bytes(*id));
  if (!raw) return make_error("storage_corrupt", "the transaction of report " + report.report_id());
  auto tx = ledger::decode_tx(chain_->anchor().suite, *raw);
  if (!tx.ok() || !tx->body.has_submit_report()) {
    return make_error("storage_corrupt", "the transaction of report " + report.report_id());
  }
  RL_ASSIGN_OR_RETURN(auto masked,
                      ledger::masking::mask_payload(tx->body.submit_report().payload(),
                                                    rules_for(report.template_id()), key_));
  // Submitter, batch, data level and the raw payload's hash are left out: the first name a
  // person, and a hash of the raw payload would let a guess of its values be confirmed.
  nlohmann::json row = {{"report_id", report.report_id()},
                        {"org", report.org_id()},
                        {"template", report.template_id()},
                        {"period", report.period()},
                        {"height", report.height()},
                        {"submitted_at_ms", report.submitted_at_ms()},
                        {"payload", nlohmann::json::parse(masked, nullptr, false)}};
  // The hash is over the payload exactly as it is written in the answer.
  const std::string payload_text = row["payload"].dump();
  MaskedReport out;
  out.payload_hash = to_hex(crypto::hash(chain_->anchor().suite, as_bytes(payload_text)));
  row["payload_hash"] = out.payload_hash;
  out.row_json = row.dump();
  return out;
}

}  // namespace rl::node::third_party
