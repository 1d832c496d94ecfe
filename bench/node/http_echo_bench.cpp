// Throughput of the HTTPS transport: a trivial handler, C client threads each with one TLS 1.3
// keep-alive connection sending small POSTs back to back. Prints each run and the median.
//
//   http_echo_bench [server_threads=2] [client_threads=4] [seconds_per_run=3] [runs=3]
//
// Certificates come from the openssl CLI in a temp dir, as in the tests.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "client/http/https_client.hpp"
#include "node/http/https_server.hpp"

namespace {

using rl::http::HttpRequest;
using rl::http::HttpResponse;
using rl::http::Responder;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool sh(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

struct Certs {
  std::string ca, cert, key;
};

bool make_certs(const std::filesystem::path& d, Certs& out) {
  std::string p = d.string() + "/";
  std::ofstream(p + "ext") << "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";
  bool ok =
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + p + "ca.key") &&
      sh("openssl req -x509 -new -key " + p +
         "ca.key -subj /CN=bench-ca -days 1 -addext "
         "basicConstraints=critical,CA:TRUE -out " +
         p + "ca.pem") &&
      sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + p + "s.key") &&
      sh("openssl req -new -key " + p + "s.key -subj /CN=bench -out " + p + "s.csr") &&
      sh("openssl x509 -req -in " + p + "s.csr -CA " + p + "ca.pem -CAkey " + p +
         "ca.key -set_serial 7 -days 1 -extfile " + p + "ext -out " + p + "s.pem");
  if (!ok) return false;
  out = {read_file(p + "ca.pem"), read_file(p + "s.pem"), read_file(p + "s.key")};
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int server_threads = argc > 1 ? std::atoi(argv[1]) : 2;
  int client_threads = argc > 2 ? std::atoi(argv[2]) : 4;
  int seconds = argc > 3 ? std::atoi(argv[3]) : 3;
  int runs = argc > 4 ? std::atoi(argv[4]) : 3;
  spdlog::set_level(spdlog::level::warn);

  auto dir = std::filesystem::temp_directory_path() / ("rl-http-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Certs certs;
  if (!make_certs(dir, certs)) {
    std::fprintf(stderr, "openssl CLI failed\n");
    return 1;
  }
  std::filesystem::remove_all(dir);

  rl::http::HttpsServerConfig cfg;
  cfg.identity = {certs.cert, certs.key};
  cfg.threads = server_threads;
  auto server = rl::http::HttpsServer::start(cfg, [](HttpRequest&& req, Responder respond) {
    respond(HttpResponse{
        200, "application/json", R"({"ok":true,"n":)" + std::to_string(req.body.size()) + "}", {}});
  });
  if (!server.ok()) {
    std::fprintf(stderr, "start: %s\n", server.error().to_string().c_str());
    return 1;
  }
  uint16_t port = (*server)->port();
  const std::string body = R"({"type":"transfer","from":"alice","to":"bob","amount":42})";

  std::vector<double> rates;
  for (int run = 0; run < runs; ++run) {
    std::atomic<bool> go{false}, stop{false};
    std::atomic<long> done{0}, failed{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < client_threads; ++c) {
      clients.emplace_back([&] {
        rl::http::HttpsClient client({"127.0.0.1", port, certs.ca, std::nullopt, 5000});
        (void)client.request("GET", "/warmup");  // handshake outside the measured window
        while (!go.load()) std::this_thread::yield();
        long n = 0;
        while (!stop.load(std::memory_order_relaxed)) {
          auto res = client.request("POST", "/v1/tx", body);
          if (res.ok() && res->status == 200) {
            ++n;
          } else {
            failed.fetch_add(1);
          }
        }
        done.fetch_add(n);
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    go = true;
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& t : clients) t.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double rate = static_cast<double>(done.load()) / secs;
    rates.push_back(rate);
    std::printf("run %d: %ld requests in %.2f s = %.0f req/s (failures %ld)\n", run + 1,
                done.load(), secs, rate, failed.load());
  }
  std::sort(rates.begin(), rates.end());
  std::printf("http_echo_bench server_threads=%d client_threads=%d median_req_per_s=%.0f\n",
              server_threads, client_threads, rates[rates.size() / 2]);
  return 0;
}
