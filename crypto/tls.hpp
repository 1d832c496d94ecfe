#pragma once
// TLS 1.3 configuration for Boost.Asio SSL contexts. This is the one place that touches the
// OpenSSL SSL API directly; node/ and client/ hand their asio::ssl::context here.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "common/bytes.hpp"
#include "common/result.hpp"

namespace rl::crypto {

struct TlsIdentity {
  std::string cert_chain_pem;  // leaf first
  std::string key_pem;
};

// Server: TLS 1.3 only, our identity; when `client_ca_pem` is non-empty, clients must present a
// certificate chaining to it (mutual TLS).
Status configure_tls_server(boost::asio::ssl::context& ctx, const TlsIdentity& identity,
                            const std::string& client_ca_pem = {});
// Client: TLS 1.3 only, server certificate verified against `ca_pem`; optional client identity.
Status configure_tls_client(boost::asio::ssl::context& ctx, const std::string& ca_pem,
                            const TlsIdentity* identity = nullptr);

// The peer keys (SubjectPublicKeyInfo DER) a P2P context admits. Replaceable while the context
// is in use: validator-set governance changes who may connect (decision 0041), and every
// handshake after replace() sees the new set.
class PeerKeySet {
 public:
  explicit PeerKeySet(std::vector<Bytes> keys) { replace(std::move(keys)); }
  void replace(std::vector<Bytes> keys);
  bool contains(ByteView key) const;

 private:
  mutable std::mutex mu_;
  std::vector<Bytes> keys_;  // sorted
};

// Validator-to-validator (mutual TLS, both directions on one context): TLS 1.3 only, we present
// `identity`, and the peer must present a certificate chaining to `ca_pem` whose public key
// (SubjectPublicKeyInfo DER) is one of `allowed_spki_ders`. Anyone else fails the handshake
// (verify result X509_V_ERR_APPLICATION_VERIFICATION for a non-member). Session resumption is
// off so that every connection, including a reconnect, passes the membership check afresh.
Status configure_tls_peer(boost::asio::ssl::context& ctx, const TlsIdentity& identity,
                          const std::string& ca_pem, std::vector<Bytes> allowed_spki_ders);
// The same with a key set the caller may replace later (the context shares it).
Status configure_tls_peer(boost::asio::ssl::context& ctx, const TlsIdentity& identity,
                          const std::string& ca_pem, std::shared_ptr<const PeerKeySet> allowed);

// SubjectPublicKeyInfo DER of the peer's leaf certificate on a handshaken connection.
// Error "tls_no_peer_certificate".
Result<Bytes> tls_peer_spki_der(SSL* ssl);

// Why certificate verification of the peer failed on `ssl`, or "ok" ("certificate has expired",
// "application verification failure" for a non-member, ...). For log lines.
std::string tls_verify_result(const SSL* ssl);

}  // namespace rl::crypto
