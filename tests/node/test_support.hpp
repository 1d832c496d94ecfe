#pragma once
// Shared fixtures for the HTTPS tests: a throw-away PKI made with the openssl CLI (independent
// of the project's own CA code), default configs, and a raw TCP/TLS "probe" for hostile input.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "client/http/https_client.hpp"
#include "crypto/tls.hpp"
#include "node/http/https_server.hpp"

namespace rl::http::test {

struct Pki {
  std::string dir;
  std::string ca_pem;                   // root CA (EC P-256)
  crypto::TlsIdentity server;           // SAN IP:127.0.0.1, DNS:localhost; signed by ca
  crypto::TlsIdentity client;           // clientAuth; signed by ca
  std::string other_ca_pem;             // unrelated root
  crypto::TlsIdentity other_client;     // signed by other_ca
  crypto::TlsIdentity other_server;     // SAN IP:127.0.0.1; signed by other_ca
  crypto::TlsIdentity wrong_ip_server;  // SAN IP:127.0.0.2 only; signed by ca
};

// Generated once per process in a temp dir (removed at exit).
const Pki& pki();

// Runs a shell command; returns its combined stdout+stderr and sets `exit_code`.
std::string run_command(const std::string& cmd, int* exit_code);
std::string read_file(const std::string& path);

// Short timeouts so timeout tests stay fast.
HttpsServerConfig server_config();
HttpsClientConfig client_config(uint16_t port);

// Polls `pred` until true or `timeout`.
bool wait_until(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// Raw connection for hostile-input tests: plain TCP bytes, or TLS with full control.
class Probe {
 public:
  explicit Probe(uint16_t port);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  bool tcp_connected() const;
  struct HandshakeOptions {
    std::string ca_pem;
    const crypto::TlsIdentity* identity = nullptr;
    bool tls12_only = false;
  };
  // Returns an empty string on success, the error message otherwise.
  std::string handshake(const HandshakeOptions& options);
  bool send_raw(std::string_view bytes);  // over TCP, bypassing TLS
  bool send(std::string_view bytes);      // over TLS

  struct ReadResult {
    std::string data;
    bool closed = false;  // peer closed / connection failed (as opposed to timing out)
    std::chrono::milliseconds elapsed{0};
  };
  // Reads (over TLS when handshaken, raw TCP otherwise) until the peer closes or `timeout`.
  ReadResult read_until_closed(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::http::test
