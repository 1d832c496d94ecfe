#include "crypto/hash.hpp"

#include <openssl/evp.h>

#include "crypto/internal_digest.hpp"
#include "crypto/internal_ossl.hpp"

namespace rl::crypto {
namespace internal {

namespace {
EvpMdPtr fetch_md(const char* name) {
  EvpMdPtr md(EVP_MD_fetch(nullptr, name, nullptr));
  if (!md) fatal_openssl(std::string("cannot fetch digest ") + name);
  return md;
}
}  // namespace

const EVP_MD* suite_md(Suite suite) {
  // Function-local statics: initialised once, thread-safely, on first use.
  static const EvpMdPtr sha256_md = fetch_md("SHA2-256");
  static const EvpMdPtr sm3_md = fetch_md("SM3");
  return suite == Suite::kSm2Sm3 ? sm3_md.get() : sha256_md.get();
}

}  // namespace internal

namespace {
Bytes digest(Suite suite, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, internal::suite_md(suite), nullptr) !=
      1) {
    internal::fatal_openssl("EVP_Digest");
  }
  out.resize(len);
  return out;
}
}  // namespace

Bytes sha256(ByteView data) {
  return digest(Suite::kP256Sha256, data);
}
Bytes sm3(ByteView data) {
  return digest(Suite::kSm2Sm3, data);
}
Bytes hash(Suite suite, ByteView data) {
  return digest(suite, data);
}

struct Hasher::Impl {
  internal::EvpMdCtxPtr ctx;
  bool finished = false;
};

Hasher::Hasher(Suite suite) : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), internal::suite_md(suite), nullptr) != 1) {
    internal::fatal_openssl("EVP_DigestInit_ex");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

Hasher& Hasher::update(ByteView data) {
  // Using a moved-from or finished Hasher is a programmer error.
  if (!impl_ || impl_->finished) throw std::logic_error("Hasher::update after finish or move");
  if (EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1) {
    internal::fatal_openssl("EVP_DigestUpdate");
  }
  return *this;
}

Bytes Hasher::finish() {
  if (!impl_ || impl_->finished)
    throw std::logic_error("Hasher::finish called twice or after move");
  impl_->finished = true;
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) != 1) {
    internal::fatal_openssl("EVP_DigestFinal_ex");
  }
  out.resize(len);
  return out;
}

}  // namespace rl::crypto
