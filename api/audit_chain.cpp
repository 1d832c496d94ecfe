#include "api/audit_chain.hpp"

#include "api/error_codes.hpp"
#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"

namespace rl::api {
namespace {

void append_field(Bytes& out, const std::string& s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), s.begin(), s.end());
}

Error tampered(std::uint64_t seq, const std::string& what) {
  return make_error(std::string(to_string(ApiError::kAuditTampered)),
                    "audit entry " + std::to_string(seq) + ": " + what);
}

}  // namespace

Bytes audit_genesis_hash() {
  return Bytes(32, 0);
}

Bytes audit_canonical(const AuditEntry& e) {
  static constexpr char kDomain[] = "regledger/audit/v1";
  Bytes out(kDomain, kDomain + sizeof(kDomain));  // includes the terminating NUL
  append_u64_be(out, e.seq);
  append_u64_be(out, static_cast<std::uint64_t>(e.time_ms));
  for (const auto* f : {&e.account, &e.event, &e.outcome, &e.code, &e.remote}) {
    append_field(out, *f);
  }
  if (!e.detail.empty()) append_field(out, e.detail);
  return out;
}

Bytes audit_entry_hash(ByteView prev_hash, const AuditEntry& e) {
  Bytes data(prev_hash.begin(), prev_hash.end());
  auto canon = audit_canonical(e);
  data.insert(data.end(), canon.begin(), canon.end());
  return crypto::sha256(data);
}

nlohmann::json audit_entry_to_json(const AuditEntry& e) {
  nlohmann::json j = {{"seq", e.seq},          {"time_ms", e.time_ms},
                      {"account", e.account},  {"event", e.event},
                      {"outcome", e.outcome},  {"code", e.code},
                      {"remote", e.remote},    {"prev_hash", to_hex(e.prev_hash)},
                      {"hash", to_hex(e.hash)}};
  if (!e.detail.empty()) j["detail"] = e.detail;
  return j;
}

Result<AuditEntry> audit_entry_from_json(const nlohmann::json& j) {
  auto bad = [] { return make_error("bad_audit_entry", "audit entry is malformed"); };
  if (!j.is_object()) return bad();
  AuditEntry e;
  try {
    e.seq = j.at("seq").get<std::uint64_t>();
    e.time_ms = j.at("time_ms").get<std::int64_t>();
    e.account = j.at("account").get<std::string>();
    e.event = j.at("event").get<std::string>();
    e.outcome = j.at("outcome").get<std::string>();
    e.code = j.at("code").get<std::string>();
    e.remote = j.at("remote").get<std::string>();
    if (j.contains("detail")) e.detail = j.at("detail").get<std::string>();
    auto prev = from_hex(j.at("prev_hash").get<std::string>());
    auto hash = from_hex(j.at("hash").get<std::string>());
    if (!prev.ok() || !hash.ok()) return bad();
    e.prev_hash = std::move(prev).value();
    e.hash = std::move(hash).value();
  } catch (const nlohmann::json::exception&) {
    return bad();
  }
  return e;
}

Result<Bytes> audit_verify_entries(const std::vector<AuditEntry>& entries, ByteView prev_hash) {
  Bytes prev(prev_hash.begin(), prev_hash.end());
  std::uint64_t expect_seq = entries.empty() ? 0 : entries.front().seq;
  for (const auto& e : entries) {
    if (e.seq != expect_seq) return tampered(e.seq, "sequence gap");
    if (!crypto::equal_ct(e.prev_hash, prev))
      return tampered(e.seq, "does not link to its predecessor");
    if (!crypto::equal_ct(audit_entry_hash(prev, e), e.hash)) {
      return tampered(e.seq, "hash does not match its fields");
    }
    prev = e.hash;
    ++expect_seq;
  }
  return prev;
}

}  // namespace rl::api
