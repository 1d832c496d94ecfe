#pragma once
// The client side of sealed reports (docs/sealed.md): sealing a payload before it is submitted,
// and directed opening — fetching the ciphertext from any node, collecting t shares of its key
// from the key services, and decrypting. The data key exists only here, in memory.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/http/https_client.hpp"
#include "client/lib/identity.hpp"
#include "common/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/shamir.hpp"
#include "ledger/sealing.hpp"
#include "ledger/tx.hpp"

namespace rl::client {

// What a policy file (`report submit --seal FILE`) asks for:
//   {"t_policy": "fiu-findings",              a sealing policy governance set (level T)
//    "s_policy": "dept:aml or role:auditor",  the department's own policy (level S)
//    "threshold": 3,                          optional: shares needed; default 2f+1 of n
//    "key_services": ["ks-node0", ...],       optional: default every active key service
//    "keywords": ["fraud", "q3"]}             optional: searchable without revealing them
struct SealRequest {
  std::string t_policy;
  std::string s_policy;
  std::uint32_t threshold = 0;  // 0: the default
  std::vector<std::string> key_services;
  std::vector<std::string> keywords;
};
// Code: bad_seal_file (with what is wrong).
Result<SealRequest> parse_seal_request(std::string_view json_text);

struct KeyServiceInfo {
  std::string name;
  std::string org;
  Bytes key_id;
  Bytes public_key_der;
  std::string api_url;
  bool active = false;
};
// The answer of GET /v1/key-services. Code: bad_response.
Result<std::vector<KeyServiceInfo>> parse_key_services(const nlohmann::json& answer);

// The default threshold for n services: 2f + 1 with f = (n - 1) / 3, so that f services may be
// down and f colluding ones learn nothing (1 of 1, 2 of 2 or 3, 3 of 4).
std::uint32_t default_threshold(std::size_t n);

struct SealedPayload {
  ledger::pb::SealEnvelope envelope;
  Bytes ciphertext;
};
// A fresh data key; the payload encrypted under it; the key split t of n over the chosen
// services, each share encrypted to its service's current key. Codes: bad_seal_file (a service
// unknown or inactive, a threshold out of range), crypto errors.
Result<SealedPayload> seal_payload(crypto::Suite suite, const std::string& chain_id,
                                   const std::string& org, const std::string& submitter,
                                   const SealRequest& request,
                                   const std::vector<KeyServiceInfo>& services, ByteView plaintext);

// A sealed report as GET /v1/sealed/<id> serves it.
struct FetchedSealed {
  std::string report_id;
  ledger::sealing::SealContext context;
  std::uint32_t threshold = 0;
  Bytes key_check;
  struct Share {
    std::string service;
    std::uint32_t x = 0;
    std::string api_url;
  };
  std::vector<Share> shares;
  Bytes ciphertext;
};
// Code: bad_response.
Result<FetchedSealed> parse_fetched_sealed(const std::string& chain_id, const nlohmann::json& j);

// The body of POST /v1/keys/release: the request signed with the reader's certificate key.
Result<nlohmann::json> release_request(const Identity& reader, const std::string& report_id,
                                       const std::string& service, std::int64_t now_ms);
// The share in a key service's answer, decrypted with the reader's key. Code: bad_response.
Result<crypto::shamir::Share> share_from_release(const Identity& reader,
                                                 const std::string& report_id,
                                                 const std::string& service, std::uint32_t x,
                                                 const nlohmann::json& answer);

// Asks one key service for its share over `c` (a connection to its node): logs in with scope
// "keys", signs the request with the identity's certificate key, and decrypts the answer.
// Errors are the key service's codes (policy_refused names the failed levels in its message).
Result<crypto::shamir::Share> request_share(http::HttpsClient& c, const Identity& reader,
                                            const std::string& password,
                                            const std::string& report_id,
                                            const std::string& service, std::uint32_t x);

// The data key from at least t shares, checked against the envelope's key check. Code:
// key_check_failed (wrong or too few shares).
Result<Bytes> recover_data_key(crypto::Suite suite, const FetchedSealed& f,
                               const std::vector<crypto::shamir::Share>& shares);
// Decrypts the ciphertext with the recovered key. Code: aead_auth_failed.
Result<Bytes> open_payload(crypto::Suite suite, const FetchedSealed& f, ByteView data_key);

}  // namespace rl::client
