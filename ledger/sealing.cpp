#include "ledger/sealing.hpp"

#include "crypto/hash.hpp"
#include "crypto/offline_kdf.hpp"

namespace rl::ledger::sealing {
namespace {

// Domain tag, then each part NUL-terminated (ids and names hold no NUL), then binary tails.
Bytes tagged(std::string_view domain, std::initializer_list<std::string_view> parts) {
  Bytes out(domain.begin(), domain.end());
  out.push_back(0);
  for (auto p : parts) {
    out.insert(out.end(), p.begin(), p.end());
    out.push_back(0);
  }
  return out;
}

void append(Bytes& out, ByteView b) {
  out.insert(out.end(), b.begin(), b.end());
}

}  // namespace

Bytes document_aad(const SealContext& c) {
  Bytes out = tagged("regledger/sealed/document/v1", {c.chain_id, c.org, c.submitter, c.t_policy});
  append(out, c.seal_id);
  return out;
}

Bytes share_aad(const SealContext& c, std::string_view service, std::uint32_t x) {
  Bytes out =
      tagged("regledger/sealed/share/v1", {c.chain_id, c.org, c.submitter, c.t_policy, service});
  append_u64_be(out, x);
  append(out, c.seal_id);
  return out;
}

Bytes release_aad(std::string_view chain_id, std::string_view report_id, std::string_view service,
                  std::string_view reader, std::uint32_t x) {
  Bytes out = tagged("regledger/sealed/release/v1", {chain_id, report_id, service, reader});
  append_u64_be(out, x);
  return out;
}

Bytes release_sign_bytes(std::string_view chain_id, std::string_view service,
                         std::string_view report_id, std::int64_t signed_at_ms, ByteView nonce) {
  Bytes out = tagged("regledger/key-release/v1", {chain_id, service, report_id});
  append_u64_be(out, static_cast<std::uint64_t>(signed_at_ms));
  append(out, nonce);
  return out;
}

Bytes key_check(crypto::Suite suite, ByteView seal_id, ByteView data_key) {
  Bytes in = tagged("regledger/sealed/key-check/v1", {});
  append(in, seal_id);
  append(in, data_key);
  return crypto::hash(suite, in);
}

Result<Bytes> search_key(crypto::Suite suite, ByteView seal_id, ByteView data_key) {
  static constexpr std::string_view kInfo = "regledger/sealed/search/v1";
  return crypto::suite_hkdf(suite, data_key, seal_id, as_bytes(kInfo), 32);
}

Result<Bytes> keyword_tag(crypto::Suite suite, ByteView search_key, std::string_view keyword) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!keyword.empty() && space(keyword.front())) keyword.remove_prefix(1);
  while (!keyword.empty() && space(keyword.back())) keyword.remove_suffix(1);
  if (keyword.empty() || keyword.size() > kMaxKeywordBytes) {
    return make_error("bad_keyword", "a keyword is 1-64 bytes (surrounding whitespace removed)");
  }
  std::string normal(keyword);
  for (char& c : normal) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return crypto::suite_hmac(suite, search_key, as_bytes(normal));
}

Bytes key_id(crypto::Suite suite, ByteView spki_der) {
  return crypto::hash(suite, spki_der);
}

}  // namespace rl::ledger::sealing
