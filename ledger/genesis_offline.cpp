#include "ledger/genesis_offline.hpp"

#include "common/file_io.hpp"
#include "crypto/hash.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::ledger {
namespace {

constexpr std::string_view kMasterKeyCheckTag = "regledger/offline/v1/master-key-check";

}  // namespace

Bytes master_key_check(crypto::Suite suite, ByteView master_key) {
  Bytes buf(kMasterKeyCheckTag.begin(), kMasterKeyCheckTag.end());
  buf.push_back(0);
  buf.insert(buf.end(), master_key.begin(), master_key.end());
  return crypto::hash(suite, buf);
}

Result<std::vector<crypto::PublicKey>> parse_issuer_keys(crypto::Suite suite,
                                                         const GenesisOffline& o) {
  std::vector<crypto::PublicKey> out;
  for (const auto& text : o.issuer_keys) {
    Result<crypto::PublicKey> key = make_error("bad_genesis", "");
    if (text.find("-----BEGIN") != std::string::npos) {
      key = crypto::PublicKey::from_pem(text);
    } else {
      auto der = from_base64(text);
      if (!der.ok()) return make_error("bad_genesis", "offline.issuer_keys: not PEM or base64");
      key = crypto::PublicKey::from_der(*der);
    }
    if (!key.ok()) {
      return make_error("bad_genesis", "offline.issuer_keys: " + key.error().message);
    }
    if (key->suite() != suite) {
      return make_error("bad_genesis", "offline.issuer_keys: key does not match the suite");
    }
    out.push_back(std::move(key).value());
  }
  return out;
}

Status check_master_key(crypto::Suite suite, const GenesisOffline& o, ByteView master_key) {
  if (master_key.size() != offline::mac_key_size(suite)) {
    return make_error("offline_key_mismatch", "the offline master key must be " +
                                                  std::to_string(offline::mac_key_size(suite)) +
                                                  " bytes");
  }
  if (master_key_check(suite, master_key) != o.master_key_hash) {
    return make_error("offline_key_mismatch",
                      "the offline master key's hash differs from genesis offline.master_key_hash");
  }
  return {};
}

Result<Bytes> read_master_key_file(const std::string& path) {
  RL_ASSIGN_OR_RETURN(std::string text, read_file(path, 1024));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  auto key = from_hex(text);
  if (!key.ok()) return make_error("offline_key_mismatch", "offline master key file is not hex");
  return std::move(key).value();
}

}  // namespace rl::ledger
