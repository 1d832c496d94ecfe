// Cross-checks with independent TLS/HTTP implementations: curl and openssl s_client.

#include <gtest/gtest.h>

#include "node/http/https_server.hpp"
#include "tests/node/test_support.hpp"

namespace rl::http {
namespace {

using test::pki;
using test::run_command;

std::unique_ptr<HttpsServer> start_echo() {
  auto server = HttpsServer::start(test::server_config(), [](HttpRequest&& req, Responder r) {
    r(HttpResponse{200, "text/plain", req.method + " " + req.path + " " + req.body, {}});
  });
  if (!server.ok()) ADD_FAILURE() << server.error().to_string();
  return server.ok() ? std::move(server).value() : nullptr;
}

TEST(HttpTool, CurlTalksToTheServer) {
  auto server = start_echo();
  ASSERT_TRUE(server);
  std::string url = "https://127.0.0.1:" + std::to_string(server->port());
  int rc = 0;
  std::string out = run_command("curl -sS --tlsv1.3 --cacert " + pki().dir + "/ca.pem -d hello " +
                                    url + "/v1/echo " + url + "/again",
                                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "POST /v1/echo helloPOST /again hello");

  // Without the CA curl must refuse the server.
  run_command("curl -sS " + url + "/", &rc);
  EXPECT_NE(rc, 0);
}

TEST(HttpTool, OpensslSClientWithTls12IsRefused) {
  auto server = start_echo();
  ASSERT_TRUE(server);
  std::string addr = "127.0.0.1:" + std::to_string(server->port());
  int rc = 0;
  std::string out = run_command("echo | timeout 10 openssl s_client -tls1_2 -connect " + addr, &rc);
  EXPECT_NE(rc, 0) << out;
  out = run_command("echo | timeout 10 openssl s_client -tls1_3 -CAfile " + pki().dir +
                        "/ca.pem -verify_return_error -connect " + addr,
                    &rc);
  // s_client's exit status also reflects how the server ended the connection after our stray
  // newline (close_notify or a reset, a race), so judge the handshake by what it printed.
  EXPECT_NE(out.find("New, TLSv1.3"), std::string::npos) << out;
  EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << out;
}

}  // namespace
}  // namespace rl::http
