#include "crypto/internal_ossl.hpp"

#include <climits>
#include <stdexcept>

namespace rl::crypto::internal {

std::string drain_openssl_errors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Error ossl_error(std::string code, std::string_view what) {
  std::string message(what);
  std::string reasons = drain_openssl_errors();
  if (!reasons.empty()) message += " (" + reasons + ")";
  return make_error(std::move(code), std::move(message));
}

void fatal_openssl(std::string_view what) {
  throw std::runtime_error("OpenSSL failure: " + std::string(what) + " " + drain_openssl_errors());
}

BioPtr read_only_bio(std::string_view data) {
  // BIO_new_mem_buf takes an int length; refuse (empty BIO) rather than truncate silently.
  if (data.size() > static_cast<std::size_t>(INT_MAX)) return BioPtr(BIO_new(BIO_s_mem()));
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace rl::crypto::internal
