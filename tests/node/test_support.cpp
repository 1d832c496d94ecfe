#include "tests/node/test_support.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

namespace rl::http::test {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

std::string run_command(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  if (exit_code != nullptr) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

void must(const std::string& cmd) {
  int rc = 0;
  std::string out = run_command(cmd, &rc);
  if (rc != 0) throw std::runtime_error("command failed (" + cmd + "): " + out);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

class PkiBuilder {
 public:
  explicit PkiBuilder(std::string dir) : dir_(std::move(dir)) {}

  void make_ca(const std::string& name, const std::string& cn) {
    must("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + path(name) +
         ".key");
    must("openssl req -x509 -new -key " + path(name) + ".key -sha256 -days 30 -subj '/CN=" + cn +
         "' -addext 'basicConstraints=critical,CA:TRUE' -addext "
         "'keyUsage=critical,keyCertSign,cRLSign' -out " +
         path(name) + ".pem");
  }

  crypto::TlsIdentity make_leaf(const std::string& name, const std::string& ca,
                                const std::string& cn, const std::string& extensions) {
    write_file(path(name) + ".ext", extensions);
    must("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + path(name) +
         ".key");
    must("openssl req -new -key " + path(name) + ".key -subj '/CN=" + cn + "' -out " + path(name) +
         ".csr");
    must("openssl x509 -req -in " + path(name) + ".csr -CA " + path(ca) + ".pem -CAkey " +
         path(ca) + ".key -set_serial " + std::to_string(++serial_) +
         " -days 30 -sha256 -extfile " + path(name) + ".ext -out " + path(name) + ".pem");
    return {read_file(path(name) + ".pem"), read_file(path(name) + ".key")};
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
  int serial_ = 1000;
};

constexpr const char* kServerExt =
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=serverAuth\n";
constexpr const char* kClientExt =
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=clientAuth\n";

struct PkiHolder {
  PkiHolder() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rl-http-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    pki.dir = tmpl;
    PkiBuilder b(pki.dir);
    b.make_ca("ca", "RegLedger Test Root");
    b.make_ca("other_ca", "Unrelated Test Root");
    pki.ca_pem = read_file(b.path("ca") + ".pem");
    pki.other_ca_pem = read_file(b.path("other_ca") + ".pem");
    pki.server =
        b.make_leaf("server", "ca", "test-server",
                    std::string(kServerExt) + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    pki.client = b.make_leaf("client", "ca", "test-client", kClientExt);
    pki.other_client = b.make_leaf("other_client", "other_ca", "other-client", kClientExt);
    pki.other_server = b.make_leaf("other_server", "other_ca", "other-server",
                                   std::string(kServerExt) + "subjectAltName=IP:127.0.0.1\n");
    pki.wrong_ip_server = b.make_leaf("wrong_ip_server", "ca", "wrong-ip-server",
                                      std::string(kServerExt) + "subjectAltName=IP:127.0.0.2\n");
  }
  ~PkiHolder() {
    std::error_code ec;
    std::filesystem::remove_all(pki.dir, ec);
  }
  Pki pki;
};

}  // namespace

const Pki& pki() {
  static PkiHolder holder;
  return holder.pki;
}

HttpsServerConfig server_config() {
  HttpsServerConfig c;
  c.identity = pki().server;
  c.threads = 2;
  c.handshake_timeout = 2s;
  c.idle_timeout = 5s;
  c.read_timeout = 2s;
  c.write_timeout = 2s;
  return c;
}

HttpsClientConfig client_config(uint16_t port) {
  HttpsClientConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.ca_pem = pki().ca_pem;
  c.timeout_ms = 5000;
  return c;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

struct Probe::Impl {
  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  tcp::socket socket{ioc};
  std::optional<ssl::stream<tcp::socket&>> tls;
  bool connected = false;

  // Runs one async operation with a deadline; on timeout cancels it and reports `timed_out`.
  template <typename Start>
  error_code run(Start start, std::chrono::milliseconds timeout, bool* timed_out = nullptr) {
    std::optional<error_code> result;
    start([&](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run_for(timeout);
    if (!result) {
      if (timed_out != nullptr) *timed_out = true;
      socket.cancel();
      ioc.restart();
      ioc.run();
    }
    return result.value_or(net::error::timed_out);
  }
};

Probe::Probe(uint16_t port) : impl_(std::make_unique<Impl>()) {
  error_code ec;
  impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  impl_->connected = !ec;
}

Probe::~Probe() = default;

bool Probe::tcp_connected() const {
  return impl_->connected;
}

std::string Probe::handshake(const HandshakeOptions& options) {
  if (options.tls12_only) {
    impl_->ctx = ssl::context(ssl::context::tlsv12_client);
    impl_->ctx.set_verify_mode(ssl::verify_none);
  } else {
    auto st = crypto::configure_tls_client(impl_->ctx, options.ca_pem, options.identity);
    if (!st.ok()) return st.error().to_string();
  }
  impl_->tls.emplace(impl_->socket, impl_->ctx);
  error_code ec = impl_->run(
      [&](auto handler) { impl_->tls->async_handshake(ssl::stream_base::client, handler); }, 5s);
  if (ec) {
    impl_->tls.reset();
    return ec.message();
  }
  return {};
}

bool Probe::send_raw(std::string_view bytes) {
  error_code ec;
  net::write(impl_->socket, net::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

bool Probe::send(std::string_view bytes) {
  if (!impl_->tls) return false;
  error_code ec = impl_->run(
      [&](auto handler) {
        net::async_write(*impl_->tls, net::buffer(bytes.data(), bytes.size()), handler);
      },
      5s);
  return !ec;
}

Probe::ReadResult Probe::read_until_closed(std::chrono::milliseconds timeout) {
  ReadResult out;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + timeout;
  std::array<char, 16384> buf{};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    size_t got = 0;
    bool timed_out = false;
    error_code ec = impl_->run(
        [&](auto handler) {
          auto on_read = [&got, handler](error_code e, size_t n) mutable {
            got = n;
            handler(e);
          };
          if (impl_->tls) {
            impl_->tls->async_read_some(net::buffer(buf), on_read);
          } else {
            impl_->socket.async_read_some(net::buffer(buf), on_read);
          }
        },
        left, &timed_out);
    out.data.append(buf.data(), got);
    if (timed_out) break;
    if (ec) {
      out.closed = true;
      break;
    }
  }
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return out;
}

}  // namespace rl::http::test
