#pragma once
// Logging in to a node (docs/identity.md "Logging in"): ask for a challenge, sign
// "regledger/login/v1\0" || chain_id || challenge with the identity's key, and send it with the
// account password and the certificate. The private key never leaves the client; the answer
// is a short-lived bearer token for the query endpoints.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"

namespace rl::client {

struct SessionToken {
  std::string token;
  std::int64_t expires_at_ms = 0;
  nlohmann::json permission;  // {"code","input","output","level"}
};

// One login round over `c`. Errors are the node's codes (bad_password, account_locked, ...) or
// transport codes. `scope`: "documents" (every query route) or "keys" (the key channel of sealed
// reports, docs/sealed.md).
Result<SessionToken> login_over(http::HttpsClient& c, const Identity& id,
                                const std::string& password,
                                const std::string& scope = "documents");

// The JSON object of a 2xx answer; an API error ({"error":{"code","message"}}) as its code;
// transport errors as they are.
Result<nlohmann::json> json_answer(const Result<http::HttpResponse>& r);

// {"authorization": "Bearer <token>"}.
http::HeaderList bearer_headers(const std::string& token);

}  // namespace rl::client
