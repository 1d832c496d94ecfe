#include "tests/support/metrics_scrape.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace rl::testing {
namespace {

// An fd closed on every path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// name{a="x",b="y"} value  ->  name, labels, value. False for lines that are not samples.
bool parse_sample(const std::string& line, std::string& name,
                  std::map<std::string, std::string>& labels, double& value) {
  if (line.empty() || line[0] == '#') return false;
  std::size_t i = line.find_first_of("{ ");
  if (i == std::string::npos) return false;
  name = line.substr(0, i);
  labels.clear();
  if (line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const auto eq = line.find('=', i);
      if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
      std::string key = line.substr(i, eq - i);
      std::string v;
      std::size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        v += line[j];
      }
      if (j >= line.size()) return false;
      labels[key] = v;
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  const char* start = line.c_str() + i;
  char* end = nullptr;
  value = std::strtod(start, &end);
  return end != start;
}

}  // namespace

Result<PlainHttpResponse> plain_http_get(int port, const std::string& path, int timeout_ms) {
  auto failed = [](const std::string& what) { return make_error("http_failed", what); };
  Fd s{::socket(AF_INET, SOCK_STREAM, 0)};
  if (s.fd < 0) return failed("socket");
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return failed("connect to port " + std::to_string(port));
  }
  const std::string req =
      "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(s.fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    return failed("send");
  }
  std::string raw;
  char buf[16384];
  while (true) {
    const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0) return failed("recv (timeout?)");
    if (n == 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/", 0) != 0 || head_end == std::string::npos) {
    return failed("not an HTTP response");
  }
  PlainHttpResponse r;
  r.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  r.body = raw.substr(head_end + 4);
  return r;
}

std::optional<double> metric_value(const std::string& text, const std::string& name,
                                   const std::map<std::string, std::string>& labels) {
  std::istringstream in(text);
  std::optional<double> sum;
  std::string line, n;
  std::map<std::string, std::string> l;
  double v = 0;
  while (std::getline(in, line)) {
    if (!parse_sample(line, n, l, v) || n != name) continue;
    bool match = true;
    for (const auto& [k, want] : labels) {
      auto it = l.find(k);
      match = match && it != l.end() && it->second == want;
    }
    if (match) sum = sum.value_or(0) + v;
  }
  return sum;
}

}  // namespace rl::testing
