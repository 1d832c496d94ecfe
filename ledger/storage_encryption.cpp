#include "ledger/storage_encryption.hpp"

#include <rocksdb/env.h>
#include <rocksdb/env_encryption.h>
#include <rocksdb/file_system.h>

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <cassert>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "crypto/symmetric.hpp"

namespace rl::ledger {
namespace {

using crypto::StorageCipher;

// Header layout (the rest of the 4 KiB is zero):
//   0  magic "RLENCv01"   8  cipher (StorageCipher)   9  key id, u32 big-endian
//   13 IV (16 bytes)      29 key check (8 bytes)
constexpr char kMagic[8] = {'R', 'L', 'E', 'N', 'C', 'v', '0', '1'};
constexpr std::size_t kCipherAt = 8;
constexpr std::size_t kKeyIdAt = 9;
constexpr std::size_t kIvAt = 13;
constexpr std::size_t kCheckAt = kIvAt + crypto::kCtrIvSize;
constexpr std::size_t kCheckBytes = 8;
constexpr std::size_t kHeaderUsed = kCheckAt + kCheckBytes;
static_assert(kHeaderUsed <= kEncryptedFileHeaderBytes);
constexpr std::string_view kTempSuffix = ".rekey-tmp";

std::uint32_t get_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

// Binds the header to the key: a keystore holding another key under the same id is caught at
// open with a clear error instead of RocksDB reading garbage. The check is the keystream of the
// file's key at the counter block IV with its top bit flipped: 2^127 blocks away from anything
// the file's data uses. It runs on RocksDB's threads, so it sticks to the prefetched CTR cipher
// (an HMAC would fetch an algorithm and leave OpenSSL per-thread state behind in threads that
// outlive OpenSSL's cleanup at exit).
Result<Bytes> key_check(crypto::StorageCipher cipher, const DataKey& key, const char* iv) {
  Bytes counter(reinterpret_cast<const std::uint8_t*>(iv),
                reinterpret_cast<const std::uint8_t*>(iv) + crypto::kCtrIvSize);
  counter[0] ^= 0x80;
  Bytes check(kCheckBytes, 0);
  RL_TRY(crypto::ctr_xor(cipher, key.bytes(), counter, 0, check.data(), check.size()));
  return check;
}

class CtrStream final : public rocksdb::BlockAccessCipherStream {
 public:
  CtrStream(StorageCipher cipher, std::shared_ptr<const DataKey> key,
            std::array<std::uint8_t, crypto::kCtrIvSize> iv)
      : cipher_(cipher), key_(std::move(key)), iv_(iv) {}

  size_t BlockSize() override { return 16; }
  rocksdb::Status Encrypt(uint64_t offset, char* data, size_t n) override {
    return run(offset, data, n);
  }
  rocksdb::Status Decrypt(uint64_t offset, char* data, size_t n) override {
    return run(offset, data, n);
  }

 protected:
  // CTR at any offset is done whole in Encrypt/Decrypt; the per-block hooks are never reached.
  void AllocateScratch(std::string&) override {}
  rocksdb::Status EncryptBlock(uint64_t, char*, char*) override {
    return rocksdb::Status::NotSupported("per-block CTR");
  }
  rocksdb::Status DecryptBlock(uint64_t, char*, char*) override {
    return rocksdb::Status::NotSupported("per-block CTR");
  }

 private:
  rocksdb::Status run(uint64_t offset, char* data, size_t n) {
    auto st = crypto::ctr_xor(cipher_, key_->bytes(), iv_, offset,
                              reinterpret_cast<std::uint8_t*>(data), n);
    if (!st.ok()) return rocksdb::Status::IOError("storage cipher", st.error().message);
    return rocksdb::Status::OK();
  }

  const StorageCipher cipher_;
  const std::shared_ptr<const DataKey> key_;
  const std::array<std::uint8_t, crypto::kCtrIvSize> iv_;
};

// File IVs, made on RocksDB's threads without OpenSSL's RNG (whose per-thread state would
// outlive OpenSSL's cleanup in threads that RocksDB joins only at exit): block i of the CTR
// keystream of a random key and counter drawn once, on the thread that builds the Env. Blocks
// of one keystream never repeat, so neither do IVs; they are as unpredictable as the key.
class IvSource {
 public:
  IvSource()
      : key_(crypto::random_bytes(crypto::storage_key_size(crypto::StorageCipher::kAes256Ctr))),
        base_(crypto::random_bytes(crypto::kCtrIvSize)) {}
  ~IvSource() { crypto::cleanse(key_); }
  IvSource(const IvSource&) = delete;
  IvSource& operator=(const IvSource&) = delete;

  Result<Bytes> next() {
    const std::uint64_t i = next_.fetch_add(1, std::memory_order_relaxed);
    Bytes iv(crypto::kCtrIvSize, 0);
    RL_TRY(crypto::ctr_xor(crypto::StorageCipher::kAes256Ctr, key_, base_, i * crypto::kCtrIvSize,
                           iv.data(), iv.size()));
    return iv;
  }

 private:
  Bytes key_;
  const Bytes base_;
  std::atomic<std::uint64_t> next_{0};
};

class KeyRingProvider final : public rocksdb::EncryptionProvider {
 public:
  explicit KeyRingProvider(std::shared_ptr<KeyRing> keys) : keys_(std::move(keys)) {}

  const char* Name() const override { return "RegLedgerKeyRing"; }
  size_t GetPrefixLength() const override { return kEncryptedFileHeaderBytes; }

  rocksdb::Status CreateNewPrefix(const std::string& fname, char* prefix,
                                  size_t length) const override {
    if (length < kEncryptedFileHeaderBytes) return rocksdb::Status::InvalidArgument("prefix");
    auto key = keys_->current();
    if (!key) return rocksdb::Status::IOError(fname, "no current data key");
    std::memset(prefix, 0, length);
    std::memcpy(prefix, kMagic, sizeof kMagic);
    prefix[kCipherAt] = static_cast<char>(keys_->cipher());
    for (int i = 0; i < 4; ++i) {
      prefix[kKeyIdAt + static_cast<std::size_t>(i)] = static_cast<char>(key->id() >> (24 - 8 * i));
    }
    auto iv = ivs_.next();
    if (!iv.ok()) return rocksdb::Status::IOError(fname, iv.error().message);
    std::memcpy(prefix + kIvAt, iv->data(), iv->size());
    auto check = key_check(keys_->cipher(), *key, prefix + kIvAt);
    if (!check.ok()) return rocksdb::Status::IOError(fname, check.error().message);
    std::memcpy(prefix + kCheckAt, check->data(), check->size());
    return rocksdb::Status::OK();
  }

  rocksdb::Status AddCipher(const std::string&, const char*, size_t, bool) override {
    return rocksdb::Status::NotSupported("keys come from the node's keystore");
  }

  rocksdb::Status CreateCipherStream(
      const std::string& fname, const rocksdb::EnvOptions&, rocksdb::Slice& prefix,
      std::unique_ptr<rocksdb::BlockAccessCipherStream>* result) override {
    if (prefix.size() < kHeaderUsed || std::memcmp(prefix.data(), kMagic, sizeof kMagic) != 0) {
      return rocksdb::Status::Corruption(
          fname,
          "not encrypted by RegLedger: an unencrypted data directory opened with "
          "encryption on, or a foreign file");
    }
    const auto cipher = static_cast<StorageCipher>(prefix[kCipherAt]);
    if (cipher != keys_->cipher()) {
      return rocksdb::Status::Corruption(fname, "encrypted with another cipher than this node's");
    }
    const std::uint32_t id = get_u32(prefix.data() + kKeyIdAt);
    auto key = keys_->find(id);
    if (!key) {
      return rocksdb::Status::Corruption(fname, "encrypted under data key " + std::to_string(id) +
                                                    ", which this node's keystore does not hold");
    }
    auto check = key_check(cipher, *key, prefix.data() + kIvAt);
    if (!check.ok()) return rocksdb::Status::IOError(fname, check.error().message);
    if (std::memcmp(check->data(), prefix.data() + kCheckAt, kCheckBytes) != 0) {
      return rocksdb::Status::Corruption(
          fname, "data key " + std::to_string(id) +
                     " of this node's keystore is not the key that encrypted this file");
    }
    std::array<std::uint8_t, crypto::kCtrIvSize> iv{};
    std::memcpy(iv.data(), prefix.data() + kIvAt, iv.size());
    *result = std::make_unique<CtrStream>(cipher, std::move(key), iv);
    return rocksdb::Status::OK();
  }

 private:
  std::shared_ptr<KeyRing> keys_;
  mutable IvSource ivs_;
};

Error io_error(const std::string& what, const rocksdb::Status& s) {
  return make_error("storage_error", what + ": " + s.ToString());
}

}  // namespace

DataKey::DataKey(std::uint32_t id, Bytes bytes) : id_(id), bytes_(std::move(bytes)) {}
DataKey::~DataKey() {
  crypto::cleanse(bytes_);
}

Status KeyRing::add(std::uint32_t id, Bytes key) {
  assert(key.size() == crypto::storage_key_size(cipher_));
  std::unique_lock lock(mu_);
  if (id == 0 || keys_.count(id) != 0) {
    return make_error("data_key_exists", "data key id " + std::to_string(id) + " is taken");
  }
  keys_.emplace(id, std::make_shared<const DataKey>(id, std::move(key)));
  return {};
}

Status KeyRing::set_current(std::uint32_t id) {
  std::unique_lock lock(mu_);
  if (keys_.count(id) == 0) {
    return make_error("unknown_data_key", "no data key " + std::to_string(id));
  }
  current_ = id;
  return {};
}

void KeyRing::remove(std::uint32_t id) {
  std::unique_lock lock(mu_);
  assert(id != current_);
  keys_.erase(id);
}

std::shared_ptr<const DataKey> KeyRing::current() const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(current_);
  return it == keys_.end() ? nullptr : it->second;
}

std::shared_ptr<const DataKey> KeyRing::find(std::uint32_t id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : it->second;
}

std::vector<std::uint32_t> KeyRing::ids() const {
  std::shared_lock lock(mu_);
  std::vector<std::uint32_t> out;
  for (const auto& [id, key] : keys_) out.push_back(id);
  return out;
}

EncryptedEnv::EncryptedEnv(std::shared_ptr<KeyRing> keys) : keys_(std::move(keys)) {
  env_.reset(
      rocksdb::NewEncryptedEnv(rocksdb::Env::Default(), std::make_shared<KeyRingProvider>(keys_)));
}

EncryptedEnv::~EncryptedEnv() = default;

Result<std::optional<EncryptedFileHeader>> read_encrypted_file_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("storage_error", "cannot open " + path);
  std::array<char, kHeaderUsed> h{};
  in.read(h.data(), h.size());
  if (in.gcount() != static_cast<std::streamsize>(h.size()) ||
      std::memcmp(h.data(), kMagic, sizeof kMagic) != 0) {
    return std::optional<EncryptedFileHeader>();
  }
  return std::optional<EncryptedFileHeader>(
      EncryptedFileHeader{static_cast<StorageCipher>(h[kCipherAt]), get_u32(h.data() + kKeyIdAt)});
}

Result<std::optional<bool>> store_encryption_state(const std::string& dir) {
  const std::string current = dir + "/CURRENT";
  std::error_code ec;
  if (!std::filesystem::exists(current, ec)) return std::optional<bool>();
  RL_ASSIGN_OR_RETURN(auto header, read_encrypted_file_header(current));
  return std::optional<bool>(header.has_value());
}

Result<std::size_t> repair_headerless_files(const std::string& dir, const EncryptedEnv& env) {
  std::size_t repaired = 0;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return repaired;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (!e.is_regular_file() || name == "LOCK" || name.rfind("LOG", 0) == 0) continue;
    if (e.file_size() >= kEncryptedFileHeaderBytes) continue;
    auto* fs = env.env()->GetFileSystem().get();
    std::unique_ptr<rocksdb::FSWritableFile> f;
    // NewWritableFile truncates the file and writes a fresh header.
    auto s = fs->NewWritableFile(e.path().string(), rocksdb::FileOptions(), &f, nullptr);
    if (s.ok()) s = f->Fsync(rocksdb::IOOptions(), nullptr);
    if (s.ok()) s = f->Close(rocksdb::IOOptions(), nullptr);
    if (!s.ok()) return io_error("repair " + e.path().string(), s);
    spdlog::warn(
        "encrypted store file without its header repaired file={} (a crash right after "
        "it was created; it held no data)",
        e.path().string());
    ++repaired;
  }
  if (ec) return make_error("storage_error", "cannot list " + dir + ": " + ec.message());
  return repaired;
}

bool is_reencrypt_temp_name(const std::string& filename) {
  return filename.size() > kTempSuffix.size() &&
         filename.compare(filename.size() - kTempSuffix.size(), kTempSuffix.size(), kTempSuffix) ==
             0;
}

Status reencrypt_file(const std::string& path, const EncryptedEnv& env) {
  auto* fs = env.env()->GetFileSystem().get();
  const rocksdb::FileOptions fo;
  const rocksdb::IOOptions io;
  std::unique_ptr<rocksdb::FSSequentialFile> in;
  auto s = fs->NewSequentialFile(path, fo, &in, nullptr);
  if (!s.ok()) return io_error("reencrypt: open " + path, s);
  const std::string temp = path + std::string(kTempSuffix);
  std::unique_ptr<rocksdb::FSWritableFile> out;
  s = fs->NewWritableFile(temp, fo, &out, nullptr);
  if (!s.ok()) return io_error("reencrypt: create " + temp, s);
  std::string scratch(1 << 20, '\0');
  for (;;) {
    rocksdb::Slice chunk;
    s = in->Read(scratch.size(), io, &chunk, scratch.data(), nullptr);
    if (!s.ok()) return io_error("reencrypt: read " + path, s);
    if (chunk.empty()) break;
    s = out->Append(chunk, io, nullptr);
    if (!s.ok()) return io_error("reencrypt: write " + temp, s);
  }
  crypto::cleanse(scratch);
  s = out->Fsync(io, nullptr);
  if (s.ok()) s = out->Close(io, nullptr);
  if (!s.ok()) return io_error("reencrypt: sync " + temp, s);
  s = fs->RenameFile(temp, path, io, nullptr);
  if (!s.ok()) return io_error("reencrypt: rename " + temp, s);
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::unique_ptr<rocksdb::FSDirectory> d;
  s = fs->NewDirectory(dir, io, &d, nullptr);
  if (s.ok()) s = d->FsyncWithDirOptions(io, nullptr, rocksdb::DirFsyncOptions());
  if (!s.ok()) return io_error("reencrypt: sync directory " + dir, s);
  return {};
}

}  // namespace rl::ledger
