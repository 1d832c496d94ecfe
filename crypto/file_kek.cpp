// The key-file KEK of key_wrap.hpp, and the rule every secret file a node reads is held to.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>

#include "common/file_io.hpp"
#include "crypto/internal_secret_file.hpp"
#include "crypto/key_wrap.hpp"
#include "crypto/storage_cipher.hpp"
#include "crypto/symmetric.hpp"

namespace rl::crypto {
namespace {

constexpr std::size_t kKekBytes = kValueKeySize;

class FileKek final : public KeyEncryptionKey {
 public:
  FileKek(std::string path, Suite suite, Bytes key)
      : path_(std::move(path)), cipher_(storage_cipher_for(suite)), key_(std::move(key)) {}
  ~FileKek() override { OPENSSL_cleanse(key_.data(), key_.size()); }
  FileKek(const FileKek&) = delete;
  FileKek& operator=(const FileKek&) = delete;

  std::string describe() const override { return "file:" + path_; }

  Result<Bytes> wrap(ByteView key, ByteView aad) const override {
    return seal_value(cipher_, key_, aad, key);
  }

  Result<Bytes> unwrap(ByteView wrapped, ByteView aad) const override {
    auto opened = open_value(cipher_, key_, aad, wrapped);
    if (opened.ok()) return opened;
    if (opened.error().code == "aead_auth_failed") {
      return make_error("kek_mismatch", "the key file " + path_ +
                                            " did not wrap this key (another KEK, or the "
                                            "wrapped key was altered)");
    }
    return make_error("bad_wrapped_key", opened.error().message);
  }

 private:
  std::string path_;
  StorageCipher cipher_;
  Bytes key_;
};

}  // namespace

namespace internal {

Status check_secret_mode(unsigned st_mode, const std::string& path, std::string_view what,
                         std::string_view not_regular_code, std::string_view mode_code) {
  if (!S_ISREG(st_mode)) {
    return make_error(std::string(not_regular_code),
                      std::string(what) + " " + path + " is not a regular file");
  }
  if ((st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st_mode & 07777);
    return make_error(std::string(mode_code),
                      std::string(what) + " " + path + " has mode " + mode +
                          ": group and others must have no access (chmod 600)");
  }
  return {};
}

}  // namespace internal

Result<std::string> read_secret_text_file(const std::string& path, std::string_view what,
                                          std::size_t max_size, const SecretFileCodes& codes) {
  const std::string name = std::string(what) + " " + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error(std::string(codes.missing), name + " does not exist");
  }
  RL_TRY(internal::check_secret_mode(st.st_mode, path, what, codes.bad, codes.mode));
  auto text = read_file(path, max_size);
  if (!text.ok()) {
    return make_error(std::string(codes.bad), "cannot read " + name + ": " + text.error().message);
  }
  return std::move(text).value();
}

Result<Bytes> read_secret_hex_file(const std::string& path, std::string_view what, std::size_t size,
                                   const SecretFileCodes& codes) {
  const std::string name = std::string(what) + " " + path;
  // 2 hex characters a byte, and room for a line ending: anything longer is not this file.
  RL_ASSIGN_OR_RETURN(std::string hex, read_secret_text_file(path, what, 2 * size + 64, codes));
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.pop_back();
  }
  auto key = from_hex(hex);
  cleanse(hex);
  if (!key.ok() || key->size() != size) {
    return make_error(std::string(codes.bad), name + " must hold " + std::to_string(2 * size) +
                                                  " hex characters (a " + std::to_string(size) +
                                                  "-byte key)");
  }
  return std::move(key).value();
}

Result<std::unique_ptr<KeyEncryptionKey>> open_file_kek(const std::string& path, Suite suite) {
  RL_ASSIGN_OR_RETURN(Bytes key, read_secret_hex_file(path, "KEK file", kKekBytes));
  return std::unique_ptr<KeyEncryptionKey>(std::make_unique<FileKek>(path, suite, std::move(key)));
}

Status create_file_kek(const std::string& path) {
  // O_EXCL: never replace a KEK; the data keys it wraps would be lost with it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return make_error("kek_exists", "KEK file " + path + " already exists");
    return make_error("write_failed", "cannot create KEK file " + path);
  }
  Bytes key = random_bytes(kKekBytes);
  std::string hex = to_hex(key) + "\n";
  OPENSSL_cleanse(key.data(), key.size());
  const bool ok =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  OPENSSL_cleanse(hex.data(), hex.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return make_error("write_failed", "cannot write KEK file " + path);
  }
  return {};
}

}  // namespace rl::crypto
