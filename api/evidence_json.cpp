#include "api/evidence_json.hpp"

#include "common/bytes.hpp"

namespace rl::api {
namespace {

Error bad(const std::string& why) {
  return make_error("bad_evidence_json", why);
}

Result<std::uint64_t> u64_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return bad(std::string(key) + " is not a count");
  return it->get<std::uint64_t>();
}

Result<std::string> text_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return bad(std::string(key) + " is not a string");
  return it->get<std::string>();
}

Result<std::string> hex_at(const nlohmann::json& j, const char* key) {
  RL_ASSIGN_OR_RETURN(auto text, text_at(j, key));
  auto bytes = from_hex(text);
  if (!bytes.ok()) return bad(std::string(key) + " is not hex");
  return to_string(*bytes);
}

}  // namespace

nlohmann::json evidence_record_to_json(const ::regledger::v1::EvidenceRecord& r) {
  return {{"height", r.height()},
          {"round", r.round()},
          {"vote_type", r.vote_type()},
          {"validator_index", r.validator_index()},
          {"validator_key", to_hex(as_bytes(r.validator_key()))},
          {"first_value_hash", to_hex(as_bytes(r.first_value_hash()))},
          {"second_value_hash", to_hex(as_bytes(r.second_value_hash()))},
          {"recorded_height", r.recorded_height()},
          {"evidence", to_base64(as_bytes(r.evidence()))}};
}

Result<::regledger::v1::EvidenceRecord> evidence_record_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return bad("an evidence item is not an object");
  ::regledger::v1::EvidenceRecord r;
  RL_ASSIGN_OR_RETURN(auto height, u64_at(j, "height"));
  RL_ASSIGN_OR_RETURN(auto round, u64_at(j, "round"));
  RL_ASSIGN_OR_RETURN(auto validator, u64_at(j, "validator_index"));
  RL_ASSIGN_OR_RETURN(auto recorded, u64_at(j, "recorded_height"));
  if (round > UINT32_MAX || validator > UINT32_MAX) return bad("round or validator out of range");
  RL_ASSIGN_OR_RETURN(auto type, text_at(j, "vote_type"));
  RL_ASSIGN_OR_RETURN(auto key, hex_at(j, "validator_key"));
  RL_ASSIGN_OR_RETURN(auto first, hex_at(j, "first_value_hash"));
  RL_ASSIGN_OR_RETURN(auto second, hex_at(j, "second_value_hash"));
  RL_ASSIGN_OR_RETURN(auto proof_text, text_at(j, "evidence"));
  auto proof = from_base64(proof_text);
  if (!proof.ok()) return bad("evidence is not base64");
  r.set_height(height);
  r.set_round(static_cast<std::uint32_t>(round));
  r.set_vote_type(type);
  r.set_validator_index(static_cast<std::uint32_t>(validator));
  r.set_validator_key(key);
  r.set_first_value_hash(first);
  r.set_second_value_hash(second);
  r.set_recorded_height(recorded);
  r.set_evidence(to_string(*proof));
  return r;
}

}  // namespace rl::api
