#pragma once
// Asymmetric keys (EC P-256 or SM2) behind an opaque, reference-counted handle, so that no
// header outside crypto/ needs OpenSSL. Keys are immutable after creation and safe to share
// between threads.

#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

struct KeyHandle;  // wraps EVP_PKEY

class PublicKey {
 public:
  // SubjectPublicKeyInfo DER / PEM.
  static Result<PublicKey> from_der(ByteView der);
  static Result<PublicKey> from_pem(std::string_view pem);
  Bytes to_der() const;
  std::string to_pem() const;
  // Which suite the key belongs to (P-256 -> kP256Sha256, SM2 -> kSm2Sm3).
  Suite suite() const { return suite_; }
  const KeyHandle& handle() const { return *handle_; }

  PublicKey(std::shared_ptr<const KeyHandle> h, Suite s) : handle_(std::move(h)), suite_(s) {}

 private:
  std::shared_ptr<const KeyHandle> handle_;
  Suite suite_;
};

class PrivateKey {
 public:
  static Result<PrivateKey> generate(Suite suite);
  // PKCS#8 PEM (unencrypted) or traditional EC PEM.
  static Result<PrivateKey> from_pem(std::string_view pem);
  // Key from a raw big-endian private scalar (leading zero bytes allowed), e.g. test vectors.
  // The scalar must be in [1, n-1] for the suite's curve.
  static Result<PrivateKey> from_raw_scalar(Suite suite, ByteView scalar);
  std::string to_pem() const;  // PKCS#8
  PublicKey public_key() const;
  Suite suite() const { return suite_; }
  const KeyHandle& handle() const { return *handle_; }

  PrivateKey(std::shared_ptr<const KeyHandle> h, Suite s) : handle_(std::move(h)), suite_(s) {}

 private:
  std::shared_ptr<const KeyHandle> handle_;
  Suite suite_;
};

// Signs `message` (hashing it inside with the suite's hash; SM2 uses the standard ID
// "1234567812345678"). Returns a DER-encoded (r, s) signature.
Result<Bytes> sign(const PrivateKey& key, ByteView message);
// True only when `signature` is a valid DER signature of `message` under `key`.
// Never throws; malformed input returns false.
bool verify(const PublicKey& key, ByteView message, ByteView signature);

// Raw ECDH shared secret (x coordinate) between our private key and a peer public key on the
// same curve.
Result<Bytes> ecdh(const PrivateKey& ours, const PublicKey& theirs);

}  // namespace rl::crypto
