#include "node/app/identity/auth_service.hpp"

#include <chrono>
#include <optional>

#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "node/http/json_error.hpp"
#include "proto/login_sign_bytes.hpp"

namespace rl::node::identity {
namespace {

using api::ApiError;

constexpr std::size_t kChallengeBytes = 32;
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxPemBytes = 64 * 1024;

Bytes token_key(std::string_view token) {
  return crypto::sha256(as_bytes(token));
}

// The node could not read what it needed: no decision about the caller, so nothing is recorded
// against the account and the session is kept.
bool is_storage_failure(const Error& e) {
  return e.code == api::to_string(ApiError::kStorageError) ||
         e.code == api::to_string(ApiError::kStateCorrupt);
}

// crypto's chain-verification codes, in the API's vocabulary.
Error certificate_error(const Error& e) {
  if (e.code == "cert_untrusted") {
    return http::api_error(ApiError::kCertificateUntrusted, e.message);
  }
  if (e.code == "cert_expired") return http::api_error(ApiError::kCertificateExpired, e.message);
  if (e.code == "cert_not_yet_valid") {
    return http::api_error(ApiError::kCertificateNotYetValid, e.message);
  }
  if (e.code == "cert_revoked") return http::api_error(ApiError::kCertificateRevoked, e.message);
  return http::api_error(ApiError::kCertificateInvalid, e.message);
}

}  // namespace

std::string_view session_scope_name(SessionScope s) {
  return s == SessionScope::kKeys ? "keys" : "documents";
}

Result<SessionScope> parse_session_scope(std::string_view name) {
  if (name.empty() || name == "documents") return SessionScope::kDocuments;
  if (name == "keys") return SessionScope::kKeys;
  return http::api_error(ApiError::kBadRequest, "scope is \"documents\" (the default) or \"keys\"");
}

std::int64_t AuthService::system_now_ms() {
  return rl::wall_now_ms();
}

AuthService::AuthService(const ledger::Chain& chain, AuditLog& audit, AuthConfig config,
                         Clock clock)
    : view_(chain), audit_(audit), config_(config), clock_(std::move(clock)) {}

std::size_t AuthService::session_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void AuthService::record(const std::string& account, const char* event, std::string_view code,
                         const std::string& remote) {
  // A failed append is logged by the caller's response (audit_unavailable) only where the
  // decision grants something; a refusal stands whether or not it could be recorded.
  auto r = audit_.append(clock_(), account, event, code.empty() ? "ok" : "refused",
                         std::string(code), remote);
  (void)r;
}

void AuthService::purge_expired_locked(std::int64_t now) {
  for (auto it = challenges_.begin(); it != challenges_.end();) {
    it = it->second.expires_at_ms <= now ? challenges_.erase(it) : std::next(it);
  }
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires_at_ms <= now ? sessions_.erase(it) : std::next(it);
  }
}

Result<IssuedChallenge> AuthService::issue_challenge(const std::string& account,
                                                     const std::string& remote) {
  if (account.empty() || account.size() > 64) {
    return http::api_error(ApiError::kBadRequest, "account must be 1-64 bytes");
  }
  RL_ASSIGN_OR_RETURN(auto acct, view_.account(account));
  if (!acct) {
    record(account, "challenge", api::to_string(ApiError::kAccountUnknown), remote);
    return http::api_error(ApiError::kAccountUnknown, "no such account");
  }
  const auto now = clock_();
  IssuedChallenge out;
  {
    std::lock_guard lock(mu_);
    // A locked account still gets challenges: the lock is answered at login, where it counts.
    if (challenges_.size() >= config_.max_challenges) purge_expired_locked(now);
    if (challenges_.size() >= config_.max_challenges) {
      return http::api_error(ApiError::kTooManyChallenges, "too many outstanding login challenges");
    }
    out.challenge_id = to_hex(crypto::random_bytes(16));
    out.challenge = crypto::random_bytes(kChallengeBytes);
    out.expires_at_ms = now + config_.challenge_ttl_ms;
    challenges_[out.challenge_id] = {account, out.challenge, out.expires_at_ms, false};
  }
  record(account, "challenge", "", remote);
  return out;
}

void AuthService::record_failure(const std::string& account, const std::string& remote) {
  bool locked = false;
  {
    std::lock_guard lock(mu_);
    auto& f = failures_[account];
    if (++f.count >= config_.max_failures) {
      f.locked_until_ms = clock_() + config_.lockout_ms;
      f.count = 0;
      locked = true;
    }
  }
  if (locked) {
    stats_.lockouts.fetch_add(1, std::memory_order_relaxed);
    record(account, "lockout", api::to_string(ApiError::kAccountLocked), remote);
  }
}

Result<Bytes> AuthService::check_credentials(const LoginRequest& req,
                                             const ledger::pb::AccountRecord& acct,
                                             const Bytes& challenge) const {
  const auto& c = acct.credential();
  auto derived = crypto::scrypt(as_bytes(req.password), as_bytes(c.salt()), c.n(), c.r(), c.p(),
                                c.hash().size());
  if (!derived.ok() || !crypto::equal_ct(*derived, as_bytes(c.hash()))) {
    return http::api_error(ApiError::kBadPassword,
                           "the password does not match the account's credential");
  }

  auto cert = crypto::Certificate::from_pem(req.certificate_pem);
  if (!cert.ok()) {
    return http::api_error(ApiError::kCertificateInvalid, "certificate_pem does not parse");
  }
  const auto& anchor = view_.anchor();
  auto cert_id = cert->id(anchor.suite);
  RL_ASSIGN_OR_RETURN(auto rec, view_.certificate(cert_id));
  std::vector<crypto::Certificate> intermediates = anchor.intermediates;
  if (!req.chain_pem.empty()) {
    auto extra = crypto::Certificate::bundle_from_pem(req.chain_pem);
    if (!extra.ok()) {
      return http::api_error(ApiError::kCertificateInvalid, "chain_pem does not parse");
    }
    intermediates.insert(intermediates.end(), extra->begin(), extra->end());
  }
  if (rec) {
    for (const auto& der : rec->chain_der()) {
      auto ic = crypto::Certificate::from_der(as_bytes(der));
      if (ic.ok()) intermediates.push_back(std::move(ic).value());
    }
  }
  // The same roots the ledger binds certificates under: governance may have added or removed one.
  RL_ASSIGN_OR_RETURN(auto roots, view_.chain().trusted_roots());
  auto chained = crypto::verify_chain(*cert, intermediates, roots, {}, clock_() / 1000);
  if (!chained.ok()) return certificate_error(chained.error());
  if (!rec || rec->account_id() != req.account) {
    return http::api_error(ApiError::kCertificateNotBound,
                           "the certificate is not bound to this account");
  }
  if (rec->revoked()) {
    return http::api_error(ApiError::kCertificateRevoked, "the certificate is revoked");
  }

  if (!crypto::verify(cert->public_key(), login_message(anchor.chain_id, challenge),
                      req.signature)) {
    return http::api_error(ApiError::kBadLoginSignature,
                           "the signature over the challenge does not verify");
  }
  return cert_id;
}

Result<Session> AuthService::login(const LoginRequest& req, const std::string& remote) {
  auto refuse = [&](const Error& e, bool counts) -> Error {
    stats_.count_failure(e.code);
    record(req.account, "login", e.code, remote);
    if (counts) record_failure(req.account, remote);
    return e;
  };
  if (req.account.empty() || req.account.size() > 64 || req.password.size() > kMaxPasswordBytes ||
      req.certificate_pem.size() > kMaxPemBytes || req.chain_pem.size() > kMaxPemBytes ||
      req.challenge_id.empty() || req.signature.empty()) {
    return http::api_error(
        ApiError::kBadRequest,
        "account, password, certificate_pem, challenge_id and signature are required");
  }
  const auto now = clock_();
  bool locked = false;
  {
    std::lock_guard lock(mu_);
    auto f = failures_.find(req.account);
    if (f != failures_.end() && f->second.locked_until_ms > now) {
      locked = true;
    }
  }
  if (locked) {
    // Refused before the password is looked at: a locked account is not a password oracle.
    return refuse(
        http::api_error(ApiError::kAccountLocked, "too many failed logins; try again later"),
        false);
  }
  auto acct = view_.account(req.account);
  if (!acct.ok()) return acct.error();
  if (!*acct) return refuse(http::api_error(ApiError::kAccountUnknown, "no such account"), false);
  if (!(*acct)->active()) {
    return refuse(http::api_error(ApiError::kAccountSuspended, "the account is suspended"), false);
  }

  Bytes challenge;
  std::optional<Error> challenge_error;
  {
    std::lock_guard lock(mu_);
    auto it = challenges_.find(req.challenge_id);
    if (it == challenges_.end()) {
      challenge_error =
          http::api_error(ApiError::kChallengeUnknown, "no such challenge on this node");
    } else if (it->second.account != req.account) {
      challenge_error = http::api_error(ApiError::kChallengeWrongAccount,
                                        "the challenge was issued for another account");
    } else if (it->second.used) {
      challenge_error =
          http::api_error(ApiError::kChallengeUsed, "the challenge has already been used");
    } else if (it->second.expires_at_ms <= now) {
      challenge_error = http::api_error(ApiError::kChallengeExpired, "the challenge has expired");
    } else {
      it->second.used = true;  // single use, whatever the outcome of the checks below
      challenge = it->second.challenge;
    }
  }
  if (challenge_error) return refuse(*challenge_error, true);

  auto cert_id = check_credentials(req, **acct, challenge);
  if (!cert_id.ok()) {
    if (is_storage_failure(cert_id.error())) return cert_id.error();
    return refuse(cert_id.error(), true);
  }
  auto principal = principal_for(req.account, *cert_id);
  if (!principal.ok()) return refuse(principal.error(), true);

  Session s;
  s.token = to_hex(crypto::random_bytes(kTokenBytes));
  s.expires_at_ms = now + config_.session_ttl_ms;
  s.principal = std::move(principal).value();
  bool full = false;
  {
    std::lock_guard lock(mu_);
    if (sessions_.size() >= config_.max_sessions) purge_expired_locked(now);
    full = sessions_.size() >= config_.max_sessions;
    if (!full) failures_.erase(req.account);
  }
  if (full) {
    return refuse(
        http::api_error(ApiError::kTooManySessions, "the node has too many open sessions"), false);
  }
  // The session exists only once its granting is on record.
  auto logged = audit_.append(now, req.account, "login", "ok", "", remote,
                              req.scope == SessionScope::kKeys ? R"({"scope":"keys"})" : "");
  if (!logged.ok()) {
    return http::api_error(ApiError::kAuditUnavailable, "the audit log cannot be written");
  }
  stats_.logins_ok.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  sessions_[token_key(s.token)] = {req.account, *cert_id, s.expires_at_ms, req.scope};
  return s;
}

bool AuthService::locked(const std::string& account, std::int64_t now) const {
  std::lock_guard lock(mu_);
  auto f = failures_.find(account);
  return f != failures_.end() && f->second.locked_until_ms > now;
}

Result<ledger::pb::AccountRecord> AuthService::check_password(const std::string& account,
                                                              const std::string& password,
                                                              const char* event,
                                                              const std::string& remote) {
  auto refuse = [&](const Error& e, bool counts) -> Error {
    record(account, event, e.code, remote);
    if (counts) record_failure(account, remote);
    return e;
  };
  if (account.empty() || account.size() > 64 || password.size() > kMaxPasswordBytes) {
    return http::api_error(ApiError::kBadRequest, "account (1-64 bytes) and password are required");
  }
  if (locked(account, clock_())) {
    return refuse(
        http::api_error(ApiError::kAccountLocked, "too many failed attempts; try again later"),
        false);
  }
  RL_ASSIGN_OR_RETURN(auto acct, view_.account(account));
  if (!acct) return refuse(http::api_error(ApiError::kAccountUnknown, "no such account"), false);
  if (!acct->active()) {
    return refuse(http::api_error(ApiError::kAccountSuspended, "the account is suspended"), false);
  }
  const auto& c = acct->credential();
  auto derived =
      crypto::scrypt(as_bytes(password), as_bytes(c.salt()), c.n(), c.r(), c.p(), c.hash().size());
  if (!derived.ok() || !crypto::equal_ct(*derived, as_bytes(c.hash()))) {
    return refuse(http::api_error(ApiError::kBadPassword,
                                  "the password does not match the account's credential"),
                  true);
  }
  return std::move(*acct);
}

Status AuthService::logout(const std::string& token, const std::string& remote) {
  std::string account;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token_key(token));
    if (it == sessions_.end()) return http::api_error(ApiError::kSessionInvalid, "no such session");
    account = it->second.account;
    sessions_.erase(it);
  }
  record(account, "logout", "", remote);
  return {};
}

Result<Principal> AuthService::principal_for(const std::string& account, ByteView cert_id) const {
  RL_ASSIGN_OR_RETURN(auto acct, view_.account(account));
  if (!acct) return http::api_error(ApiError::kAccountUnknown, "no such account");
  if (!acct->active()) {
    return http::api_error(ApiError::kAccountSuspended, "the account is suspended");
  }
  RL_ASSIGN_OR_RETURN(auto rec, view_.certificate(cert_id));
  if (!rec || rec->account_id() != account) {
    return http::api_error(ApiError::kCertificateNotBound,
                           "the certificate is no longer bound to the account");
  }
  if (rec->revoked()) {
    return http::api_error(ApiError::kCertificateRevoked, "the certificate is revoked");
  }
  const auto now_s = clock_() / 1000;
  if (rec->not_after() != 0 && now_s > rec->not_after()) {
    return http::api_error(ApiError::kCertificateExpired, "the certificate has expired");
  }
  auto perm = ledger::parse_permission_code(acct->permission_code());
  if (!perm.ok()) return http::api_error(ApiError::kStateCorrupt, "account permission code");
  RL_ASSIGN_OR_RETURN(auto org, view_.organization(acct->org_id()));
  Principal p;
  p.account = account;
  p.org = acct->org_id();
  p.org_kind = org ? org->kind() : "";
  p.role = acct->role();
  p.permission_code = acct->permission_code();
  p.permission = *perm;
  p.cert_id = Bytes(cert_id.begin(), cert_id.end());
  return p;
}

Result<Principal> AuthService::authenticate(const std::string& token, const std::string& remote,
                                            SessionScope scope) {
  const auto now = clock_();
  SessionState st;
  bool expired = false;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token_key(token));
    if (it == sessions_.end()) return http::api_error(ApiError::kSessionInvalid, "no such session");
    if (it->second.scope != scope) {
      return http::api_error(ApiError::kSessionWrongScope,
                             "this is a session of the " +
                                 std::string(session_scope_name(it->second.scope)) +
                                 " channel; log in with scope \"" +
                                 std::string(session_scope_name(scope)) + "\" for this route");
    }
    st = it->second;
    expired = st.expires_at_ms <= now;
    if (expired) sessions_.erase(it);
  }
  if (expired) {
    record(st.account, "session", api::to_string(ApiError::kSessionExpired), remote);
    return http::api_error(ApiError::kSessionExpired, "the session has expired; log in again");
  }
  auto p = principal_for(st.account, st.cert_id);
  if (!p.ok()) {
    if (is_storage_failure(p.error())) return p.error();
    {
      std::lock_guard lock(mu_);
      sessions_.erase(token_key(token));
    }
    record(st.account, "session", p.error().code, remote);
    return p.error();
  }
  return p;
}

}  // namespace rl::node::identity
