#include "node/app/sealed/key_service_keys.hpp"

#include <filesystem>

#include "common/file_io.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/sealing.hpp"

namespace rl::node::sealed {

Result<KeyServiceKeys> KeyServiceKeys::load(crypto::Suite suite,
                                            const std::vector<std::string>& paths) {
  if (paths.empty()) return make_error("bad_key_service_key", "no key service key configured");
  static const crypto::SecretFileCodes kCodes{"key_service_key_missing", "key_service_key_mode",
                                              "bad_key_service_key"};
  KeyServiceKeys out;
  for (const auto& path : paths) {
    RL_ASSIGN_OR_RETURN(std::string pem,
                        crypto::read_secret_text_file(path, "key service key", 16 * 1024, kCodes));
    auto key = crypto::PrivateKey::from_pem(pem);
    crypto::cleanse(pem);
    if (!key.ok() || key->suite() != suite) {
      return make_error("bad_key_service_key",
                        path + " is not a PEM private key of the network's suite");
    }
    Bytes id = ledger::sealing::key_id(suite, key->public_key().to_der());
    if (out.current_id_.empty()) out.current_id_ = id;
    out.keys_.emplace(std::move(id), std::move(key).value());
  }
  return out;
}

Status KeyServiceKeys::create(crypto::Suite suite, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return make_error("already_exists", path + " exists");
  RL_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::generate(suite));
  return write_file(path, key.to_pem(), true);
}

const crypto::PrivateKey* KeyServiceKeys::find(ByteView key_id) const {
  auto it = keys_.find(Bytes(key_id.begin(), key_id.end()));
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace rl::node::sealed
