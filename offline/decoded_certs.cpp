#include "offline/decoded_certs.hpp"

namespace rl::offline {

Result<crypto::Certificate> DecodedCerts::decode(std::string_view der) {
  {
    std::lock_guard lock(mu_);
    auto it = by_der_.find(std::string(der));
    if (it != by_der_.end()) return it->second;
  }
  RL_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::from_der(as_bytes(der)));
  std::lock_guard lock(mu_);
  if (by_der_.size() >= max_entries_) by_der_.clear();
  by_der_.insert_or_assign(std::string(der), cert);
  return cert;
}

}  // namespace rl::offline
