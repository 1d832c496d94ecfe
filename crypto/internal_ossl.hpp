#pragma once
// Private to crypto/*.cpp: RAII owners for OpenSSL handles and OpenSSL error reporting.
// Nothing outside crypto/ may include this header (it pulls in OpenSSL).

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::crypto::internal {

// Turns a free function into a stateless deleter type, so unique_ptr stays pointer-sized.
template <auto FreeFn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    FreeFn(p);
  }
};

template <typename T, auto FreeFn>
using Owned = std::unique_ptr<T, Deleter<FreeFn>>;

using EvpPkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpMdPtr = Owned<EVP_MD, EVP_MD_free>;
using EvpCipherPtr = Owned<EVP_CIPHER, EVP_CIPHER_free>;
using EvpCipherCtxPtr = Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpMacPtr = Owned<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxPtr = Owned<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using EvpKdfPtr = Owned<EVP_KDF, EVP_KDF_free>;
using EvpKdfCtxPtr = Owned<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using BioPtr = Owned<BIO, BIO_free_all>;
using BnPtr = Owned<BIGNUM, BN_clear_free>;
using BnCtxPtr = Owned<BN_CTX, BN_CTX_free>;
using EcGroupPtr = Owned<EC_GROUP, EC_GROUP_free>;
using EcPointPtr = Owned<EC_POINT, EC_POINT_free>;
using X509Ptr = Owned<X509, X509_free>;
using X509ReqPtr = Owned<X509_REQ, X509_REQ_free>;
using X509CrlPtr = Owned<X509_CRL, X509_CRL_free>;
using X509NamePtr = Owned<X509_NAME, X509_NAME_free>;
using X509ExtPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using X509StorePtr = Owned<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509RevokedPtr = Owned<X509_REVOKED, X509_REVOKED_free>;
using Asn1IntegerPtr = Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = Owned<ASN1_TIME, ASN1_TIME_free>;
using Asn1OctetStringPtr = Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using GeneralNamesPtr = Owned<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralNamePtr = Owned<GENERAL_NAME, GENERAL_NAME_free>;
using BasicConstraintsPtr = Owned<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using OsslParamBldPtr = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using OsslParamPtr = Owned<OSSL_PARAM, OSSL_PARAM_free>;

// Drains the calling thread's OpenSSL error queue and returns it as one string ("" if empty).
// Every failure path calls this (via ossl_error), so a stale error never leaks into the next
// unrelated operation on this thread.
std::string drain_openssl_errors();

// An Error whose message is `what` followed by OpenSSL's queued reasons; clears the queue.
Error ossl_error(std::string code, std::string_view what);

// For failures that only happen when OpenSSL itself is broken (allocation failure, a built-in
// algorithm missing): infallible APIs such as sha256() have no error channel, so this throws.
[[noreturn]] void fatal_openssl(std::string_view what);

// A memory BIO reading `data` without copying it.
BioPtr read_only_bio(std::string_view data);
// Everything written to a memory BIO, as a string.
std::string bio_to_string(BIO* bio);

}  // namespace rl::crypto::internal
