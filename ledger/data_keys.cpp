#include "ledger/data_keys.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "common/file_io.hpp"
#include "crypto/symmetric.hpp"

namespace rl::ledger {
namespace {

constexpr std::string_view kFormat = "regledger-data-keys/1";
constexpr std::size_t kMaxFileBytes = 64 * 1024;

Error bad(const std::string& path, const std::string& why) {
  return make_error("bad_data_keys", path + ": " + why);
}

// Binds a wrapped key to its id and cipher: a wrapped key moved to another id does not unwrap.
Bytes wrap_aad(crypto::StorageCipher cipher, std::uint32_t id) {
  return to_bytes("regledger data key/" + std::string(crypto::storage_cipher_name(cipher)) + "/" +
                  std::to_string(id));
}

}  // namespace

DataKeyStore::DataKeyStore(PrivateTag, std::string path,
                           std::shared_ptr<const crypto::KeyEncryptionKey> kek,
                           crypto::StorageCipher cipher)
    : path_(std::move(path)),
      kek_(std::move(kek)),
      cipher_(cipher),
      ring_(std::make_shared<KeyRing>(cipher)) {}

Result<std::unique_ptr<DataKeyStore>> DataKeyStore::open(
    const std::string& path, std::shared_ptr<const crypto::KeyEncryptionKey> kek,
    crypto::StorageCipher cipher, bool create) {
  auto ks = std::make_unique<DataKeyStore>(PrivateTag{}, path, std::move(kek), cipher);
  if (!std::filesystem::exists(path)) {
    if (!create) {
      return make_error("data_keys_missing",
                        path +
                            " does not exist: the data keys of an encrypted store are lost "
                            "without it (restore it from a backup directory's copy)");
    }
    RL_TRY(ks->begin_rotation());
    spdlog::info("data key created path={} cipher={} kek={}", path,
                 crypto::storage_cipher_name(cipher), ks->kek_->describe());
    return ks;
  }
  RL_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxFileBytes));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != kFormat)
    return bad(path, "not a " + std::string(kFormat) + " file");
  if (j.value("cipher", "") != crypto::storage_cipher_name(cipher)) {
    return bad(path, "its keys are for " + j.value("cipher", std::string("?")) +
                         ", this network encrypts with " +
                         std::string(crypto::storage_cipher_name(cipher)));
  }
  if (!j.contains("keys") || !j["keys"].is_array() || j["keys"].empty() ||
      j["keys"].size() > kMaxDataKeys || !j.contains("current") ||
      !j["current"].is_number_unsigned()) {
    return bad(path, "needs 'current' and 1.." + std::to_string(kMaxDataKeys) + " 'keys'");
  }
  for (const auto& k : j["keys"]) {
    if (!k.is_object() || !k.contains("id") || !k["id"].is_number_unsigned() ||
        !k.contains("wrapped") || !k["wrapped"].is_string()) {
      return bad(path, "every key needs 'id' and 'wrapped'");
    }
    const auto id = k["id"].get<std::uint32_t>();
    auto wrapped = from_hex(k["wrapped"].get<std::string>());
    if (!wrapped.ok()) return bad(path, "key " + std::to_string(id) + " is not hex");
    auto key = ks->kek_->unwrap(*wrapped, wrap_aad(cipher, id));
    if (!key.ok()) {
      return make_error(key.error().code, "cannot unwrap data key " + std::to_string(id) + " of " +
                                              path + " with " + ks->kek_->describe() + ": " +
                                              key.error().message);
    }
    if (key->size() != crypto::storage_key_size(cipher)) {
      return bad(path, "key " + std::to_string(id) + " has the wrong size");
    }
    auto added = ks->ring_->add(id, std::move(key).value());
    if (!added.ok()) return bad(path, added.error().message);
    ks->entries_.push_back(Entry{id, std::move(wrapped).value(), k.value("retiring", false)});
  }
  ks->current_ = j["current"].get<std::uint32_t>();
  auto set = ks->ring_->set_current(ks->current_);
  if (!set.ok()) return bad(path, "current key " + std::to_string(ks->current_) + " is not listed");
  return ks;
}

std::vector<std::uint32_t> DataKeyStore::retiring() const {
  std::vector<std::uint32_t> out;
  for (const auto& e : entries_) {
    if (e.retiring) out.push_back(e.id);
  }
  return out;
}

Result<std::uint32_t> DataKeyStore::begin_rotation() {
  if (entries_.size() >= kMaxDataKeys) {
    return make_error("too_many_data_keys", "finish the running rekey first");
  }
  std::uint32_t id = 1;
  for (const auto& e : entries_) id = std::max(id, e.id + 1);
  Bytes key = crypto::random_bytes(crypto::storage_key_size(cipher_));
  RL_ASSIGN_OR_RETURN(Bytes wrapped, kek_->wrap(key, wrap_aad(cipher_, id)));
  auto before = entries_;
  for (auto& e : entries_) e.retiring = true;
  entries_.push_back(Entry{id, wrapped, false});
  const auto old_current = current_;
  current_ = id;
  // The new key is on disk before any file can be written under it.
  if (auto saved = save(); !saved.ok()) {
    entries_ = std::move(before);
    current_ = old_current;
    crypto::cleanse(key);
    return saved.error();
  }
  RL_TRY(ring_->add(id, std::move(key)));
  RL_TRY(ring_->set_current(id));
  return id;
}

Status DataKeyStore::finish_rotation() {
  const auto gone = retiring();
  std::erase_if(entries_, [](const Entry& e) { return e.retiring; });
  RL_TRY(save());
  for (auto id : gone) ring_->remove(id);
  return {};
}

std::string DataKeyStore::to_json() const {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& e : entries_) {
    nlohmann::json k = {{"id", e.id}, {"wrapped", to_hex(e.wrapped)}};
    if (e.retiring) k["retiring"] = true;
    keys.push_back(std::move(k));
  }
  nlohmann::json j = {{"format", kFormat},
                      {"cipher", crypto::storage_cipher_name(cipher_)},
                      {"kek", kek_->describe()},
                      {"current", current_},
                      {"keys", std::move(keys)}};
  return j.dump(2) + "\n";
}

Status DataKeyStore::save() const {
  return write_file_atomic(path_, to_json(), true);
}

}  // namespace rl::ledger
