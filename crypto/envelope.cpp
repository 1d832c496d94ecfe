#include "crypto/envelope.hpp"

#include "crypto/offline_kdf.hpp"
#include "crypto/storage_cipher.hpp"
#include "crypto/symmetric.hpp"

namespace rl::crypto {
namespace {

constexpr std::size_t kMaxSpki = 512;

// The key both sides derive: HKDF(suite hash; ikm = ECDH secret, info = domain || eph ||
// recipient).
Result<Bytes> envelope_key(Suite suite, ByteView secret, ByteView ephemeral_der,
                           ByteView recipient_der) {
  static constexpr std::string_view kDomain = "regledger/envelope/v1";
  Bytes info(kDomain.begin(), kDomain.end());
  info.push_back(0);
  append_u64_be(info, ephemeral_der.size());
  info.insert(info.end(), ephemeral_der.begin(), ephemeral_der.end());
  info.insert(info.end(), recipient_der.begin(), recipient_der.end());
  return suite_hkdf(suite, secret, {}, info, kValueKeySize);
}

}  // namespace

Result<Bytes> encrypt_to(const PublicKey& recipient, ByteView aad, ByteView plaintext) {
  if (plaintext.size() > kMaxEnvelopePlaintext || aad.size() > kMaxEnvelopePlaintext) {
    return make_error("invalid_argument", "envelopes carry at most 4 KiB (and 4 KiB of aad)");
  }
  const Suite suite = recipient.suite();
  RL_ASSIGN_OR_RETURN(auto ephemeral, PrivateKey::generate(suite));
  const Bytes eph_der = ephemeral.public_key().to_der();
  RL_ASSIGN_OR_RETURN(Bytes secret, ecdh(ephemeral, recipient));
  auto key = envelope_key(suite, secret, eph_der, recipient.to_der());
  cleanse(secret);
  if (!key.ok()) return key.error();
  auto sealed = seal_value(storage_cipher_for(suite), *key, aad, plaintext);
  cleanse(*key);
  if (!sealed.ok()) return sealed.error();
  Bytes out{static_cast<std::uint8_t>(eph_der.size() >> 8),
            static_cast<std::uint8_t>(eph_der.size() & 0xff)};
  out.insert(out.end(), eph_der.begin(), eph_der.end());
  out.insert(out.end(), sealed->begin(), sealed->end());
  return out;
}

Result<Bytes> decrypt_with(const PrivateKey& own, ByteView aad, ByteView envelope) {
  if (envelope.size() < 2 || envelope.size() > kMaxEnvelopePlaintext + kMaxSpki + 128) {
    return make_error("bad_envelope", "envelope size out of range");
  }
  const std::size_t eph_len = (std::size_t{envelope[0]} << 8) | envelope[1];
  if (eph_len == 0 || eph_len > kMaxSpki || envelope.size() < 2 + eph_len + 1) {
    return make_error("bad_envelope", "malformed envelope");
  }
  const ByteView eph_der = envelope.subspan(2, eph_len);
  auto ephemeral = PublicKey::from_der(eph_der);
  if (!ephemeral.ok() || ephemeral->suite() != own.suite()) {
    return make_error("bad_envelope",
                      "the envelope's ephemeral key is not on the recipient's curve");
  }
  auto secret = ecdh(own, *ephemeral);
  if (!secret.ok()) return make_error("bad_envelope", "ECDH failed: " + secret.error().message);
  auto key = envelope_key(own.suite(), *secret, eph_der, own.public_key().to_der());
  cleanse(*secret);
  if (!key.ok()) return key.error();
  auto plain =
      open_value(storage_cipher_for(own.suite()), *key, aad, envelope.subspan(2 + eph_len));
  cleanse(*key);
  if (!plain.ok() && plain.error().code == "bad_sealed_value") {
    return make_error("bad_envelope", plain.error().message);
  }
  return plain;
}

}  // namespace rl::crypto
