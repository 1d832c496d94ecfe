#include "node/app/sealed/key_release.hpp"

#include "crypto/envelope.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "ledger/sealed_access.hpp"

namespace rl::node::sealed {
namespace {

constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kMaxSignatureBytes = 256;

bool is_hex_id(const std::string& id) {
  return id.size() == 64 && from_hex(id).ok();
}

}  // namespace

bool KeyReleaser::first_use(const Bytes& nonce, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (nonces_.size() >= kMaxRememberedNonces) {
    for (auto it = nonces_.begin(); it != nonces_.end();) {
      it = it->second <= now_ms ? nonces_.erase(it) : std::next(it);
    }
  }
  // Still full of live nonces: refusing is safe, forgetting one would allow a replay.
  if (nonces_.size() >= kMaxRememberedNonces) return false;
  return nonces_.emplace(nonce, now_ms + 2 * kMaxClockSkewMs).second;
}

Result<ReleasedShare> KeyReleaser::release(const identity::Principal& reader,
                                           const ReleaseRequest& request, std::int64_t now_ms,
                                           std::string& failed_levels) {
  if (!is_hex_id(request.report_id) || request.nonce.size() != kNonceBytes ||
      request.signature.empty() || request.signature.size() > kMaxSignatureBytes) {
    return make_error("bad_request",
                      "report_id (64 hex), nonce (16 bytes) and signature are required");
  }
  const std::int64_t skew = now_ms - request.signed_at_ms;
  if (skew > kMaxClockSkewMs || skew < -kMaxClockSkewMs) {
    return make_error("stale_request",
                      "signed_at_ms is more than 5 minutes from this node's clock");
  }
  // The session's certificate signs the request: a token alone (stolen from a log, say) cannot
  // ask for keys.
  RL_ASSIGN_OR_RETURN(auto cert_rec, view_.certificate(reader.cert_id));
  if (!cert_rec) return make_error("certificate_not_bound", "the session's certificate is gone");
  auto cert = crypto::Certificate::from_der(as_bytes(cert_rec->certificate_der()));
  if (!cert.ok()) return make_error("state_corrupt", "stored certificate does not parse");
  const auto& anchor = chain_.anchor();
  const Bytes signed_bytes = ledger::sealing::release_sign_bytes(
      anchor.chain_id, service_, request.report_id, request.signed_at_ms, request.nonce);
  if (!crypto::verify(cert->public_key(), signed_bytes, request.signature)) {
    return make_error("bad_release_signature",
                      "the signature is not the session certificate's over this request");
  }
  if (!first_use(request.nonce, now_ms)) {
    return make_error("request_replayed", "this request's nonce was already used");
  }
  if (!reader.permission.output) {
    return make_error("permission_denied",
                      "account " + reader.account + " has no output permission");
  }
  const std::uint64_t height = chain_.head().height;
  RL_ASSIGN_OR_RETURN(auto report, ledger::load_sealed_report(chain_, request.report_id));
  if (!report) return make_error("report_not_found", "no such sealed report");
  const ledger::pb::KeyShare* share = nullptr;
  for (const auto& s : report->sealed.seal().shares()) {
    if (s.service() == service_) share = &s;
  }
  if (share == nullptr) {
    return make_error("no_share_here",
                      "key service " + service_ + " holds no share of this report");
  }
  RL_ASSIGN_OR_RETURN(auto registry, ledger::load_key_services(chain_));
  const auto* me = ledger::find_key_service(registry, service_);
  if (me == nullptr || !me->active()) {
    return make_error("key_service_inactive", "key service " + service_ + " is not active");
  }
  RL_ASSIGN_OR_RETURN(auto verdict, ledger::sealed_verdict(chain_, *report, reader.account));
  if (!verdict.allowed()) {
    failed_levels = verdict.failed_levels();
    return make_error("policy_refused", "the reader does not satisfy level " + failed_levels +
                                            " of this report's policy");
  }
  const auto* key = keys_.find(as_bytes(share->key_id()));
  if (key == nullptr) {
    return make_error("key_unavailable",
                      "the share is sealed to a key of " + service_ + " this node does not hold");
  }
  const auto ctx = ledger::seal_context(anchor.chain_id, *report);
  auto y = crypto::decrypt_with(*key, ledger::sealing::share_aad(ctx, service_, share->x()),
                                as_bytes(share->wrapped()));
  if (!y.ok()) return make_error("share_corrupt", "the share does not open: " + y.error().code);
  auto wrapped =
      crypto::encrypt_to(cert->public_key(),
                         ledger::sealing::release_aad(anchor.chain_id, request.report_id, service_,
                                                      reader.account, share->x()),
                         *y);
  crypto::cleanse(*y);
  if (!wrapped.ok()) return wrapped.error();
  return ReleasedShare{service_, share->x(), report->sealed.seal().threshold(),
                       std::move(wrapped).value(), height};
}

}  // namespace rl::node::sealed
