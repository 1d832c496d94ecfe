#pragma once
// TLS 1.3 configuration for Boost.Asio SSL contexts. This is the one place that touches the
// OpenSSL SSL API directly; node/ and client/ hand their asio::ssl::context here.

#include <string>

#include <boost/asio/ssl/context.hpp>

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

}  // namespace rl::crypto
