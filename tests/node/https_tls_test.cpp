// Certificate handling on both ends: mutual TLS, trust anchors, SAN checks, config errors.

#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>

#include "crypto/tls.hpp"
#include "node/http/https_server.hpp"
#include "tests/node/test_support.hpp"

namespace rl::http {
namespace {

using test::client_config;
using test::pki;
using test::server_config;

void ok_handler(HttpRequest&&, Responder respond) {
  respond(HttpResponse{200, "text/plain", "ok", {}});
}

std::unique_ptr<HttpsServer> start(HttpsServerConfig cfg) {
  auto server = HttpsServer::start(std::move(cfg), ok_handler);
  if (!server.ok()) ADD_FAILURE() << server.error().to_string();
  return server.ok() ? std::move(server).value() : nullptr;
}

std::unique_ptr<HttpsServer> start_mtls() {
  auto cfg = server_config();
  cfg.client_ca_pem = pki().ca_pem;
  return start(cfg);
}

TEST(HttpsTls, MutualTlsRejectsClientWithoutCertificate) {
  auto server = start_mtls();
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  auto res = client.request("GET", "/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "tls_handshake_failed") << res.error().to_string();
}

TEST(HttpsTls, MutualTlsAcceptsClientFromTheRightCa) {
  auto server = start_mtls();
  ASSERT_TRUE(server);
  auto cfg = client_config(server->port());
  cfg.identity = pki().client;
  HttpsClient client(cfg);
  for (int i = 0; i < 3; ++i) {
    auto res = client.request("GET", "/");
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    EXPECT_EQ(res->body, "ok");
  }
}

TEST(HttpsTls, MutualTlsRejectsClientFromAnotherCa) {
  auto server = start_mtls();
  ASSERT_TRUE(server);
  auto cfg = client_config(server->port());
  cfg.identity = pki().other_client;
  HttpsClient client(cfg);
  auto res = client.request("GET", "/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "tls_handshake_failed") << res.error().to_string();
}

TEST(HttpsTls, ClientRejectsServerFromUnknownCa) {
  auto scfg = server_config();
  scfg.identity = pki().other_server;
  auto server = start(scfg);
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  auto res = client.request("GET", "/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "tls_handshake_failed");
  EXPECT_NE(res.error().message.find("not trusted"), std::string::npos) << res.error().message;
}

TEST(HttpsTls, ClientRejectsServerWhoseSanDoesNotMatch) {
  auto scfg = server_config();
  scfg.identity = pki().wrong_ip_server;  // SAN IP:127.0.0.2, we dial 127.0.0.1
  auto server = start(scfg);
  ASSERT_TRUE(server);
  HttpsClient client(client_config(server->port()));
  auto res = client.request("GET", "/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "tls_handshake_failed");
  EXPECT_NE(res.error().message.find("does not match host"), std::string::npos)
      << res.error().message;
}

TEST(HttpsTls, ClientVerifiesDnsSanForHostNames) {
  auto server = start(server_config());
  ASSERT_TRUE(server);
  auto cfg = client_config(server->port());
  cfg.host = "localhost";  // the server certificate has DNS:localhost
  HttpsClient client(cfg);
  auto res = client.request("GET", "/");
  ASSERT_TRUE(res.ok()) << res.error().to_string();
}

TEST(TlsConfig, ServerReportsSpecificErrors) {
  namespace ssl = boost::asio::ssl;
  auto configure = [](crypto::TlsIdentity id, const std::string& ca = {}) {
    ssl::context ctx(ssl::context::tls_server);
    return crypto::configure_tls_server(ctx, id, ca);
  };
  EXPECT_TRUE(configure(pki().server).ok());
  EXPECT_TRUE(configure(pki().server, pki().ca_pem + pki().other_ca_pem).ok());
  EXPECT_EQ(configure({"", pki().server.key_pem}).error().code, "tls_bad_certificate");
  EXPECT_EQ(configure({"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                       pki().server.key_pem})
                .error()
                .code,
            "tls_bad_certificate");
  EXPECT_EQ(configure({pki().server.cert_chain_pem, "garbage"}).error().code, "tls_bad_key");
  EXPECT_EQ(configure({pki().server.cert_chain_pem, pki().client.key_pem}).error().code,
            "tls_key_mismatch");
  EXPECT_EQ(configure(pki().server, "not a ca").error().code, "tls_bad_ca");
}

TEST(TlsConfig, ClientReportsSpecificErrors) {
  namespace ssl = boost::asio::ssl;
  ssl::context ok_ctx(ssl::context::tls_client);
  EXPECT_TRUE(crypto::configure_tls_client(ok_ctx, pki().ca_pem, &pki().client).ok());
  ssl::context empty_ctx(ssl::context::tls_client);
  EXPECT_EQ(crypto::configure_tls_client(empty_ctx, "").error().code, "tls_bad_ca");
  ssl::context bad_id_ctx(ssl::context::tls_client);
  crypto::TlsIdentity bad{pki().client.cert_chain_pem, "nope"};
  EXPECT_EQ(crypto::configure_tls_client(bad_id_ctx, pki().ca_pem, &bad).error().code,
            "tls_bad_key");
}

}  // namespace
}  // namespace rl::http
