#pragma once
// Setting up a reporting unit on a running node through its public API only (register the
// organization and the account, issue a certificate with the network's issuing CA, bind it),
// for cluster tests and benchmarks.

#include <chrono>
#include <string>

#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"
#include "ledger/genesis.hpp"

namespace rl::testing {

struct ApiTarget {
  int port = 0;
  std::string ca_pem;
  http::HttpsClient client(int timeout_ms = 3000) const;
};

// Current height from /v1/status (0 when the node does not answer).
std::uint64_t api_height(const ApiTarget& t);
// Posts a tx and polls until it is committed (reading with the session `token`, which nodes
// with identity.read_access "session" require). Returns the tx id.
Result<std::string> submit_and_wait(const ApiTarget& t, const Bytes& tx,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(20),
                                    const std::string& token = "");
// Logs `id` in with the password in id.dir/password (identities made by genesis init).
Result<std::string> login_over_api(const ApiTarget& t, const client::Identity& id);
// `net_dir` is a directory made by genesis::init_network (for ca/issuing.{pem,key}). The
// admin logs in (password in admin.dir) to follow its transactions.
Result<client::Identity> enroll_over_api(const ApiTarget& t, const ledger::Genesis& genesis,
                                         const client::Identity& admin, const std::string& net_dir,
                                         const std::string& org, const std::string& account,
                                         const std::string& permission);

}  // namespace rl::testing
