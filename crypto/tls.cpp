// TLS 1.3 context configuration. Asio's context helpers do the PEM parsing; the few settings
// Asio has no API for (protocol floor, tickets, session id context, client CA list) go straight
// to OpenSSL here so that nothing else in the tree has to.
#include "crypto/tls.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <boost/system/error_code.hpp>

namespace rl::crypto {
namespace {

namespace ssl = boost::asio::ssl;

// One-hour ticket lifetime: long enough that a reconnecting peer resumes, short enough that a
// stolen ticket is not a long-lived credential.
constexpr long kSessionTimeoutSeconds = 3600;
// A single ticket per full handshake: our clients reconnect one connection at a time, so more
// tickets are wasted signatures on every handshake.
constexpr size_t kTicketsPerHandshake = 1;
// Session resumption on a server that verifies client certificates requires a session id
// context; without it OpenSSL fails resumed handshakes instead of falling back.
constexpr std::string_view kSessionIdContext = "regledger-tls";

// Never prompt for a passphrase: OpenSSL's default callback reads from the terminal, which
// would hang a daemon. Encrypted keys simply fail to load.
int no_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) {
  return 0;
}

std::string openssl_reason(const boost::system::error_code& ec) {
  std::string msg = ec.message();
  ERR_clear_error();
  return msg;
}

std::string last_openssl_error() {
  unsigned long err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

boost::asio::const_buffer as_buffer(const std::string& pem) {
  return boost::asio::buffer(pem.data(), pem.size());
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

Status set_common(ssl::context& ctx) {
  SSL_CTX* native = ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(native, 0) != 1) {
    return make_error("tls_config_failed",
                      "cannot restrict protocol to TLS 1.3: " + last_openssl_error());
  }
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX_set_default_passwd_cb(native, &no_password);
  // 0-RTT data is replayable; nothing in RegLedger needs it.
  SSL_CTX_set_max_early_data(native, 0);
  return {};
}

Status load_identity(ssl::context& ctx, const TlsIdentity& identity) {
  if (identity.cert_chain_pem.empty()) {
    return make_error("tls_bad_certificate", "certificate chain PEM is empty");
  }
  if (identity.key_pem.empty()) return make_error("tls_bad_key", "private key PEM is empty");
  boost::system::error_code ec;
  ctx.use_certificate_chain(as_buffer(identity.cert_chain_pem), ec);
  if (ec) {
    return make_error("tls_bad_certificate",
                      "cannot load certificate chain: " + openssl_reason(ec));
  }
  // Parsed here rather than with context::use_private_key so that an unreadable key
  // ("tls_bad_key") and a key for another certificate ("tls_key_mismatch") are told apart.
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(identity.key_pem.data(), static_cast<int>(identity.key_pem.size())));
  if (!bio) return make_error("tls_config_failed", "BIO_new_mem_buf failed");
  ERR_clear_error();
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_password, nullptr));
  if (!key) return make_error("tls_bad_key", "cannot load private key: " + last_openssl_error());
  if (SSL_CTX_use_PrivateKey(ctx.native_handle(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return make_error("tls_key_mismatch",
                      "private key does not match the leaf certificate: " + last_openssl_error());
  }
  return {};
}

// Adds every certificate in `pem` to the verification store; when `client_ca_list` is set also
// advertises them in the CertificateRequest so clients with several identities pick the right one.
Status load_trust(ssl::context& ctx, const std::string& pem, bool client_ca_list) {
  if (pem.empty()) return make_error("tls_bad_ca", "CA certificate PEM is empty");
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error("tls_config_failed", "BIO_new_mem_buf failed");
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
  ERR_clear_error();
  int added = 0;
  for (;;) {
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      unsigned long err = ERR_peek_last_error();
      bool clean_end = added > 0 && ERR_GET_LIB(err) == ERR_LIB_PEM &&
                       ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
      if (clean_end) {
        ERR_clear_error();
        break;
      }
      return make_error("tls_bad_ca", "cannot parse CA certificate #" + std::to_string(added + 1) +
                                          ": " + last_openssl_error());
    }
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      return make_error("tls_bad_ca", "cannot add CA certificate: " + last_openssl_error());
    }
    if (client_ca_list && SSL_CTX_add_client_CA(ctx.native_handle(), cert.get()) != 1) {
      return make_error("tls_bad_ca", "cannot advertise client CA: " + last_openssl_error());
    }
    ++added;
  }
  return {};
}

// DER of the certificate's SubjectPublicKeyInfo; empty on failure.
Bytes spki_der(X509* cert) {
  if (cert == nullptr) return {};
  X509_PUBKEY* pub = X509_get_X509_PUBKEY(cert);
  if (pub == nullptr) return {};
  int len = i2d_X509_PUBKEY(pub, nullptr);
  if (len <= 0) return {};
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_X509_PUBKEY(pub, &p) != len) return {};
  return out;
}

}  // namespace

Status configure_tls_server(ssl::context& ctx, const TlsIdentity& identity,
                            const std::string& client_ca_pem) {
  RL_TRY(set_common(ctx));
  RL_TRY(load_identity(ctx, identity));
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_num_tickets(native, kTicketsPerHandshake);
  SSL_CTX_set_timeout(native, kSessionTimeoutSeconds);
  if (SSL_CTX_set_session_id_context(
          native, reinterpret_cast<const unsigned char*>(kSessionIdContext.data()),
          static_cast<unsigned int>(kSessionIdContext.size())) != 1) {
    return make_error("tls_config_failed", "cannot set session id context");
  }
  if (client_ca_pem.empty()) {
    ctx.set_verify_mode(ssl::verify_none);
  } else {
    RL_TRY(load_trust(ctx, client_ca_pem, /*client_ca_list=*/true));
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return {};
}

Status configure_tls_client(ssl::context& ctx, const std::string& ca_pem,
                            const TlsIdentity* identity) {
  RL_TRY(set_common(ctx));
  RL_TRY(load_trust(ctx, ca_pem, /*client_ca_list=*/false));
  if (identity != nullptr) RL_TRY(load_identity(ctx, *identity));
  // Clients here open one long-lived connection and do not resume; don't cache sessions.
  SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);
  ctx.set_verify_mode(ssl::verify_peer);
  return {};
}

void PeerKeySet::replace(std::vector<Bytes> keys) {
  std::sort(keys.begin(), keys.end());
  std::lock_guard lock(mu_);
  keys_ = std::move(keys);
}

bool PeerKeySet::contains(ByteView key) const {
  Bytes k(key.begin(), key.end());
  std::lock_guard lock(mu_);
  return std::binary_search(keys_.begin(), keys_.end(), k);
}

Status configure_tls_peer(ssl::context& ctx, const TlsIdentity& identity, const std::string& ca_pem,
                          std::vector<Bytes> allowed_spki_ders) {
  if (allowed_spki_ders.empty()) {
    return make_error("tls_bad_ca", "the set of allowed peer keys is empty");
  }
  return configure_tls_peer(ctx, identity, ca_pem,
                            std::make_shared<const PeerKeySet>(std::move(allowed_spki_ders)));
}

Status configure_tls_peer(ssl::context& ctx, const TlsIdentity& identity, const std::string& ca_pem,
                          std::shared_ptr<const PeerKeySet> allowed) {
  if (!allowed) return make_error("tls_bad_ca", "no set of allowed peer keys");
  RL_TRY(set_common(ctx));
  RL_TRY(load_identity(ctx, identity));
  RL_TRY(load_trust(ctx, ca_pem, /*client_ca_list=*/true));
  SSL_CTX* native = ctx.native_handle();
  // No resumption: a resumed TLS 1.3 session skips certificate verification, and with it the
  // membership check below; validators reconnect rarely enough for full handshakes.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);
  ctx.set_options(SSL_OP_NO_TICKET);
  if (SSL_CTX_set_session_id_context(
          native, reinterpret_cast<const unsigned char*>(kSessionIdContext.data()),
          static_cast<unsigned int>(kSessionIdContext.size())) != 1) {
    return make_error("tls_config_failed", "cannot set session id context");
  }
  // Runs for every certificate of the chain, root first; OpenSSL has already checked the
  // signature, validity and CA constraints (`preverified`). Only the leaf (depth 0) carries the
  // member key.
  auto verify = [allowed = std::move(allowed)](bool preverified, ssl::verify_context& vctx) {
    if (!preverified) return false;
    X509_STORE_CTX* store = vctx.native_handle();
    if (X509_STORE_CTX_get_error_depth(store) != 0) return true;
    Bytes key = spki_der(X509_STORE_CTX_get_current_cert(store));
    if (!key.empty() && allowed->contains(key)) return true;
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return false;
  };
  boost::system::error_code ec;
  ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
  if (!ec) ctx.set_verify_callback(std::move(verify), ec);
  if (ec) return make_error("tls_config_failed", "cannot set peer verification: " + ec.message());
  return {};
}

Result<Bytes> tls_peer_spki_der(SSL* ssl) {
  X509* cert = ssl == nullptr ? nullptr : SSL_get0_peer_certificate(ssl);
  Bytes key = spki_der(cert);
  if (key.empty()) {
    return make_error("tls_no_peer_certificate", "the peer presented no usable certificate");
  }
  return key;
}

std::string tls_verify_result(const SSL* ssl) {
  if (ssl == nullptr) return "no connection";
  return X509_verify_cert_error_string(SSL_get_verify_result(ssl));
}

}  // namespace rl::crypto
