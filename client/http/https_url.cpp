#include "client/http/https_url.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

namespace rl::http {
namespace {

constexpr std::string_view kScheme = "https://";
constexpr size_t kMaxHostLength = 253;

// Built with append: GCC 12 at -O3 emits a bogus -Wrestrict for operator+ chains here.
Error invalid(std::string_view url, const std::string& why) {
  std::string msg = "'";
  msg.append(url.substr(0, 200));
  msg.append("': ");
  msg.append(why);
  return make_error("invalid_url", std::move(msg));
}

bool is_dns_name(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength) return false;
  if (host.front() == '-' || host.front() == '.' || host.back() == '-') return false;
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
}

bool looks_numeric(std::string_view host) {
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char c) { return std::isdigit(c) || c == '.'; });
}

}  // namespace

std::string HttpsUrl::authority() const {
  bool v6 = host.find(':') != std::string::npos;
  std::string out;
  if (v6) out.push_back('[');
  out.append(host);
  if (v6) out.push_back(']');
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

Result<HttpsUrl> parse_https_url(std::string_view url) {
  if (url.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), url.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return invalid(url, "must start with https://");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  if (!tail.empty() && tail != "/") return invalid(url, "must not have a path, query or fragment");
  if (authority.find('@') != std::string_view::npos) return invalid(url, "must not have user info");

  HttpsUrl out;
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid(url, "unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid(url, "unexpected text after IPv6 literal");
      has_port = true;
      port_text = after.substr(1);
    }
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec || host.find('%') != std::string_view::npos) {
      return invalid(url, "invalid IPv6 address");
    }
    out.host = addr.to_string();
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return invalid(url, "empty host");
    if (!is_dns_name(host)) return invalid(url, "invalid host name");
    if (looks_numeric(host)) {
      boost::system::error_code ec;
      boost::asio::ip::make_address_v4(std::string(host), ec);
      if (ec) return invalid(url, "invalid IPv4 address");
    }
    out.host = std::string(host);
    std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (has_port) {
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(),
                     [](unsigned char c) { return std::isdigit(c); })) {
      return invalid(url, "port must be a number");
    }
    unsigned long port = std::stoul(std::string(port_text));
    if (port == 0 || port > 65535) return invalid(url, "port must be in [1, 65535]");
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

}  // namespace rl::http
