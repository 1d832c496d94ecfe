// Chain verification at a given time, with optional CRL checking.
#include <openssl/x509_vfy.h>

#include <string>

#include "crypto/internal_ossl.hpp"
#include "crypto/internal_x509.hpp"
#include "crypto/x509.hpp"

namespace rl::crypto {
namespace {

// Stacks that only borrow their elements: freeing the stack leaves the certificates and CRLs
// to their shared handles.
void free_borrowed_certs(STACK_OF(X509) * stack) {
  sk_X509_free(stack);
}
void free_borrowed_crls(STACK_OF(X509_CRL) * stack) {
  sk_X509_CRL_free(stack);
}
using BorrowedCertStack = internal::Owned<STACK_OF(X509), free_borrowed_certs>;
using BorrowedCrlStack = internal::Owned<STACK_OF(X509_CRL), free_borrowed_crls>;

// Maps OpenSSL's verification result to our stable codes (see verify_chain in x509.hpp).
std::string error_code_for(int verify_error) {
  switch (verify_error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "cert_expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "cert_not_yet_valid";
    case X509_V_ERR_CERT_REVOKED:
      return "cert_revoked";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return "cert_untrusted";
    default:
      // Bad signatures, CA/path-length/key-usage violations, missing or expired CRLs, ...
      return "cert_invalid";
  }
}

}  // namespace

Status verify_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                    const std::vector<Certificate>& roots, const std::vector<Crl>& crls,
                    std::int64_t at_unix) {
  using internal::ossl_error;
  if (roots.empty()) return make_error("cert_untrusted", "no trusted roots given");
  internal::X509StorePtr store(X509_STORE_new());
  BorrowedCertStack untrusted(sk_X509_new_null());
  BorrowedCrlStack crl_stack(sk_X509_CRL_new_null());
  internal::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !crl_stack || !ctx) {
    return ossl_error("crypto_internal", "cannot allocate verification context");
  }
  for (const Certificate& root : roots) {
    if (X509_STORE_add_cert(store.get(), root.handle().x509.get()) != 1) {
      // A duplicate root is harmless; anything else is not.
      const unsigned long err = ERR_peek_last_error();
      if (ERR_GET_REASON(err) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
        return ossl_error("crypto_internal", "cannot add trusted root");
      }
      internal::drain_openssl_errors();
    }
  }
  for (const Certificate& cert : intermediates) {
    if (sk_X509_push(untrusted.get(), cert.handle().x509.get()) <= 0) {
      return ossl_error("crypto_internal", "cannot collect intermediates");
    }
  }
  for (const Crl& crl : crls) {
    if (sk_X509_CRL_push(crl_stack.get(), crl.handle().crl.get()) <= 0) {
      return ossl_error("crypto_internal", "cannot collect CRLs");
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.handle().x509.get(), untrusted.get()) != 1) {
    return ossl_error("crypto_internal", "X509_STORE_CTX_init failed");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at_unix));
  if (!crls.empty()) {
    X509_STORE_CTX_set0_crls(ctx.get(), crl_stack.get());
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  const int rc = X509_verify_cert(ctx.get());
  if (rc == 1) {
    internal::drain_openssl_errors();
    return {};
  }
  const int err = X509_STORE_CTX_get_error(ctx.get());
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  const X509* failing = X509_STORE_CTX_get_current_cert(ctx.get());
  std::string message =
      std::string(X509_verify_cert_error_string(err)) + " at chain depth " + std::to_string(depth);
  if (failing != nullptr) {
    message += " (" + internal::name_rfc2253(X509_get_subject_name(failing)) + ")";
  }
  internal::drain_openssl_errors();
  if (rc < 0 || err == X509_V_OK)
    return make_error("cert_invalid", "verification failed: " + message);
  return make_error(error_code_for(err), message);
}

}  // namespace rl::crypto
