#include "crypto/signature_form.hpp"

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <algorithm>

#include "crypto/internal_ossl.hpp"

namespace rl::crypto {
namespace {

using EcdsaSigPtr = internal::Owned<ECDSA_SIG, ECDSA_SIG_free>;

// The order n of P-256 and n/2, computed once and only read afterwards.
struct P256Order {
  internal::BnPtr n;
  internal::BnPtr half;
};

const P256Order& p256_order() {
  static const P256Order order = [] {
    internal::EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    if (!group) internal::fatal_openssl("P-256 group");
    P256Order o{internal::BnPtr(BN_dup(EC_GROUP_get0_order(group.get()))),
                internal::BnPtr(BN_new())};
    if (!o.n || !o.half || BN_rshift1(o.half.get(), o.n.get()) != 1) {
      internal::fatal_openssl("P-256 order");
    }
    return o;
  }();
  return order;
}

// Parses exactly one DER ECDSA-Sig-Value; null when the bytes are anything else (BER forms,
// trailing bytes, padded or negative integers).
EcdsaSigPtr parse_strict_der(ByteView der) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    internal::drain_openssl_errors();
    return nullptr;
  }
  // d2i accepts some BER; the canonical bytes are what i2d writes back.
  unsigned char* out = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &out);
  const bool same = len > 0 && static_cast<std::size_t>(len) == der.size() &&
                    std::equal(der.begin(), der.end(), out);
  OPENSSL_free(out);
  if (!same) return nullptr;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (BN_is_negative(r) || BN_is_negative(s)) return nullptr;
  return sig;
}

}  // namespace

SignatureForm signature_form(Suite suite, ByteView signature) {
  auto sig = parse_strict_der(signature);
  if (!sig) return SignatureForm::kNotDer;
  if (suite != Suite::kP256Sha256) return SignatureForm::kCanonical;
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  return BN_cmp(s, p256_order().half.get()) > 0 ? SignatureForm::kHighS : SignatureForm::kCanonical;
}

Result<Bytes> mirror_ecdsa_signature(Suite suite, ByteView signature) {
  if (suite != Suite::kP256Sha256) {
    return make_error("invalid_argument", "only ECDSA P-256 signatures have a mirror");
  }
  auto sig = parse_strict_der(signature);
  if (!sig) return make_error("invalid_argument", "not a DER ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  internal::BnPtr r2(BN_dup(r));
  internal::BnPtr s2(BN_new());
  if (!r2 || !s2 || BN_sub(s2.get(), p256_order().n.get(), s) != 1) {
    internal::fatal_openssl("ECDSA mirror");
  }
  EcdsaSigPtr out(ECDSA_SIG_new());
  if (!out || ECDSA_SIG_set0(out.get(), r2.get(), s2.get()) != 1) {
    internal::fatal_openssl("ECDSA mirror");
  }
  // ECDSA_SIG_set0 took ownership of both numbers.
  (void)r2.release();
  (void)s2.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(out.get(), &der);
  if (len <= 0) internal::fatal_openssl("ECDSA mirror encoding");
  Bytes result(der, der + len);
  OPENSSL_free(der);
  return result;
}

}  // namespace rl::crypto
