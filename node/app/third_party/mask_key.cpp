#include "node/app/third_party/mask_key.hpp"

#include <sys/stat.h>

#include "common/file_io.hpp"
#include "crypto/hash.hpp"
#include "ledger/masking.hpp"

namespace rl::node::third_party {

Result<Bytes> read_mask_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error("file_not_found", "mask key file " + path + " cannot be read");
  }
  if ((st.st_mode & 077) != 0) {
    return make_error("bad_mask_key", "mask key file " + path +
                                          " is readable by others than its owner (chmod 600)");
  }
  RL_ASSIGN_OR_RETURN(std::string text, read_file(path, 1024));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  auto key = from_hex(text);
  if (!key.ok() || key->size() != ledger::masking::kMaskKeyBytes) {
    return make_error("bad_mask_key", "mask key file " + path + " is not 32 bytes of hex");
  }
  return std::move(key).value();
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
