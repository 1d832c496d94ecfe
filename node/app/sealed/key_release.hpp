#pragma once
// A key service's decision (docs/sealed.md "Key services"): whether to release its share of a
// sealed report's data key to an authenticated reader, and the share re-encrypted to the reader's
// certificate key when it does. The session was checked by the caller (a session of the key
// channel); everything else is checked here, against the committed ledger as it is now.
//
// Checked in this order (none reveals more than the step before it allowed):
//   bad_request, stale_request (signed_at_ms more than 5 minutes from this node's clock),
//   bad_release_signature (not by the session's certificate over the request), request_replayed
//   (the same nonce twice), permission_denied (no output permission), report_not_found (no such
//   sealed report), no_share_here (this service holds none of its shares), key_service_inactive
//   (governance removed this service), policy_refused (the levels that failed, "T", "S" or
//   "T and S"), key_unavailable (the share is sealed to a key this node does not hold),
//   share_corrupt (the share does not open under its aad).
//
// Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "ledger/chain.hpp"
#include "node/app/identity/ledger_view.hpp"
#include "node/app/identity/principal.hpp"
#include "node/app/sealed/key_service_keys.hpp"

namespace rl::node::sealed {

struct ReleaseRequest {
  std::string report_id;  // 64 hex
  std::int64_t signed_at_ms = 0;
  Bytes nonce;  // 16 random bytes
  Bytes signature;
};

struct ReleasedShare {
  std::string service;
  std::uint32_t x = 0;
  std::uint32_t threshold = 0;
  Bytes wrapped;             // crypto::encrypt_to(reader certificate key, release aad, share)
  std::uint64_t height = 0;  // the committed height the decision was made at
};

class KeyReleaser {
 public:
  static constexpr std::int64_t kMaxClockSkewMs = 5 * 60 * 1000;
  static constexpr std::size_t kMaxRememberedNonces = 100'000;

  KeyReleaser(const ledger::Chain& chain, std::string service, KeyServiceKeys keys)
      : chain_(chain), view_(chain), service_(std::move(service)), keys_(std::move(keys)) {}

  // `failed_levels` is set when the answer is policy_refused.
  Result<ReleasedShare> release(const identity::Principal& reader, const ReleaseRequest& request,
                                std::int64_t now_ms, std::string& failed_levels);

  const std::string& service() const { return service_; }
  const KeyServiceKeys& keys() const { return keys_; }

 private:
  // Remembers `nonce` until it could no longer pass the clock check; false if it was seen.
  bool first_use(const Bytes& nonce, std::int64_t now_ms);

  const ledger::Chain& chain_;
  identity::LedgerView view_;
  std::string service_;
  KeyServiceKeys keys_;
  std::mutex mu_;
  std::map<Bytes, std::int64_t> nonces_;  // nonce -> when it may be forgotten
};

}  // namespace rl::node::sealed
