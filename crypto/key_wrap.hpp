#pragma once
// Key-encryption keys (KEKs): what wraps a node's data keys at rest (docs/protection.md). A KEK
// never leaves where it is kept: a key file readable by its owner only, or a PKCS#11 token (an
// HSM; tests use SoftHSM2). Callers see only wrap/unwrap.
//
// Thread ownership: a KeyEncryptionKey may be used from one thread at a time; the node wraps and
// unwraps at startup and during a rekey only.

#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

class KeyEncryptionKey {
 public:
  virtual ~KeyEncryptionKey() = default;
  // Where the KEK is kept, for logs and errors ("file:/home/n0/kek.key",
  // "pkcs11:token=node0;object=regledger-kek"); never key material.
  virtual std::string describe() const = 0;
  // Authenticated encryption of `key` bound to `aad` (the key's id and purpose). The output is
  // self-contained: unwrap needs only it and the same aad.
  virtual Result<Bytes> wrap(ByteView key, ByteView aad) const = 0;
  // Codes: kek_mismatch (authentication failed: another KEK wrapped it, or it was altered),
  // bad_wrapped_key (malformed), kek_error (the token or library failed).
  virtual Result<Bytes> unwrap(ByteView wrapped, ByteView aad) const = 0;
};

// A 32-byte KEK in a file of 64 hex characters (and an optional trailing newline). The file
// must be a regular file that neither group nor others may read or write (0600 or 0400): a
// looser mode is refused (kek_file_mode), as ssh refuses a readable private key.
// Wrapping is AES-256-GCM in P-256 networks and SM4-CTR with HMAC-SM3 (encrypt-then-MAC) in
// SM2 networks. Codes: kek_missing, kek_file_mode, bad_kek_file.
Result<std::unique_ptr<KeyEncryptionKey>> open_file_kek(const std::string& path, Suite suite);
// The error codes of read_secret_hex_file, so that each kind of secret file keeps its own.
struct SecretFileCodes {
  std::string_view missing = "kek_missing";
  std::string_view mode = "kek_file_mode";  // group or others may access it
  std::string_view bad = "bad_kek_file";    // not a regular file, or not `size` bytes of hex
};
// The one rule for a secret a node keeps in a file (a KEK, the mask key): `size` bytes as hex,
// trailing whitespace ignored, in a regular file that neither group nor others may access (0600
// or 0400), as ssh holds private keys. `what` names the file in messages.
Result<Bytes> read_secret_hex_file(const std::string& path, std::string_view what, std::size_t size,
                                   const SecretFileCodes& codes = {});
// The same rule for a secret kept as text (a PEM private key): at most `max_size` bytes.
Result<std::string> read_secret_text_file(const std::string& path, std::string_view what,
                                          std::size_t max_size, const SecretFileCodes& codes = {});
// Writes a new random KEK file with mode 0600; refuses to overwrite (kek_exists).
Status create_file_kek(const std::string& path);

// A secret key object in a PKCS#11 token. Wrapping is CKM_AES_GCM inside the token (96-bit
// random IV, 128-bit tag): the key is created non-extractable, so it never leaves the token.
struct Pkcs11KekConfig {
  std::string module;       // e.g. /usr/lib/softhsm/libsofthsm2.so
  std::string token_label;  // the token's label (CKA_LABEL of the token info)
  std::string pin_file;     // a file with the user PIN (mode 0600 like a KEK file)
  std::string key_label;    // CKA_LABEL of the AES key object, e.g. "regledger-kek"
};
// Codes: pkcs11_module (cannot load the module), pkcs11_token (no token with that label),
// pkcs11_login (wrong PIN, or no readable PIN file), kek_file_mode (the PIN file's mode),
// kek_missing (no key object with that label), kek_error.
Result<std::unique_ptr<KeyEncryptionKey>> open_pkcs11_kek(const Pkcs11KekConfig& config);
// Generates a new AES-256 key object in the token: token object, sensitive, non-extractable,
// usable for encrypt/decrypt only. Refuses when an object with that label exists (kek_exists).
Status create_pkcs11_kek(const Pkcs11KekConfig& config);

}  // namespace rl::crypto
