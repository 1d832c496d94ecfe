#include "node/app/third_party/mask_key.hpp"

#include "crypto/hash.hpp"
#include "crypto/key_wrap.hpp"
#include "ledger/masking.hpp"

namespace rl::node::third_party {

Result<Bytes> read_mask_key_file(const std::string& path) {
  return crypto::read_secret_hex_file(
      path, "mask key file", ledger::masking::kMaskKeyBytes,
      {.missing = "file_not_found", .mode = "bad_mask_key", .bad = "bad_mask_key"});
}

std::string mask_key_id(crypto::Suite suite, ByteView mask_key) {
  static constexpr char kTag[] = "regledger/mask-key-id/v1";
  Bytes buf(kTag, kTag + sizeof(kTag));  // with the NUL: the tag ends where the key starts
  buf.insert(buf.end(), mask_key.begin(), mask_key.end());
  Bytes h = crypto::hash(suite, buf);
  h.resize(8);
  return to_hex(h);
}

}  // namespace rl::node::third_party
