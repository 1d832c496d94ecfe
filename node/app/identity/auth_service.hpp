#pragma once
// Two-factor login (docs/identity.md "Logging in"): a single-use challenge, then account + password
// + certificate + a signature over the challenge, checked against the committed ledger; a
// short-lived session token bound to the certificate; lockout after repeated failures. Every
// decision goes to the audit log. Sessions and challenges live in memory: a restarted node
// forgets them and clients log in again.
//
// Thread-safe. The expensive checks (scrypt, chain verification) run outside the lock.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "config/auth_config.hpp"
#include "node/app/identity/audit_log.hpp"
#include "node/app/identity/auth_stats.hpp"
#include "node/app/identity/ledger_view.hpp"
#include "node/app/identity/principal.hpp"

namespace rl::node::identity {

struct IssuedChallenge {
  std::string challenge_id;  // hex
  Bytes challenge;           // 32 random bytes
  std::int64_t expires_at_ms = 0;
};

// What a session may be used for. The key channel of sealed reports (docs/sealed.md) has its own
// sessions, so that a token that leaks from document reads cannot ask for keys, and the other way
// round.
enum class SessionScope { kDocuments, kKeys };
std::string_view session_scope_name(SessionScope s);  // "documents" | "keys"
// Code: bad_request.
Result<SessionScope> parse_session_scope(std::string_view name);

struct LoginRequest {
  SessionScope scope = SessionScope::kDocuments;
  std::string account;
  std::string password;
  std::string certificate_pem;
  std::string chain_pem;  // optional intermediates
  std::string challenge_id;
  Bytes signature;
};

struct Session {
  std::string token;  // hex of 32 random bytes; shown once, kept only as its hash
  std::int64_t expires_at_ms = 0;
  Principal principal;
};

class AuthService {
 public:
  using Clock = std::function<std::int64_t()>;  // unix milliseconds
  static std::int64_t system_now_ms();

  AuthService(const ledger::Chain& chain, AuditLog& audit, AuthConfig config,
              Clock clock = &AuthService::system_now_ms);

  // Codes: bad_request, account_unknown, too_many_challenges.
  Result<IssuedChallenge> issue_challenge(const std::string& account, const std::string& remote);

  // Codes, checked in this order: bad_request; account_locked; account_unknown;
  // account_suspended; challenge_unknown, challenge_wrong_account, challenge_used,
  // challenge_expired; bad_password; certificate_invalid, certificate_untrusted,
  // certificate_expired, certificate_not_yet_valid, certificate_not_bound,
  // certificate_revoked; bad_login_signature; too_many_sessions; audit_unavailable. Failures from
  // the challenge on count towards the lockout.
  Result<Session> login(const LoginRequest& req, const std::string& remote);

  // The first factor alone, for enrollment (an account with no certificate yet): lockout,
  // account exists and active, password. Failures count towards the same lockout as logins and
  // are audited under `event`. Codes: account_locked, account_unknown, account_suspended,
  // bad_password.
  Result<ledger::pb::AccountRecord> check_password(const std::string& account,
                                                   const std::string& password, const char* event,
                                                   const std::string& remote);

  // Code: session_invalid.
  Status logout(const std::string& token, const std::string& remote);

  // The principal behind a bearer token, re-checked against the ledger on every call: the
  // certificate must still be bound to the account, valid now and not revoked, and the account
  // active. Codes: session_invalid, session_wrong_scope (a session of the other scope; it stays
  // open), session_expired, account_suspended, certificate_revoked, certificate_not_bound,
  // certificate_expired. A refused session is ended.
  Result<Principal> authenticate(const std::string& token, const std::string& remote,
                                 SessionScope scope = SessionScope::kDocuments);

  // The principal an account + bound certificate currently make (codes as authenticate).
  Result<Principal> principal_for(const std::string& account, ByteView cert_id) const;

  const LedgerView& ledger() const { return view_; }
  AuditLog& audit() { return audit_; }
  std::int64_t now_ms() const { return clock_(); }
  std::size_t session_count() const;
  const AuthStats& stats() const { return stats_; }

 private:
  struct ChallengeState {
    std::string account;
    Bytes challenge;
    std::int64_t expires_at_ms = 0;
    bool used = false;
  };
  struct SessionState {
    std::string account;
    Bytes cert_id;
    std::int64_t expires_at_ms = 0;
    SessionScope scope = SessionScope::kDocuments;
  };
  struct Failures {
    std::uint32_t count = 0;
    std::int64_t locked_until_ms = 0;
  };

  // Checks everything after the challenge; returns the certificate id.
  Result<Bytes> check_credentials(const LoginRequest& req, const ledger::pb::AccountRecord& acct,
                                  const Bytes& challenge) const;
  void record_failure(const std::string& account, const std::string& remote);
  // Appends a decision to the audit log (outcome "ok" when `code` is empty).
  void record(const std::string& account, const char* event, std::string_view code,
              const std::string& remote);
  void purge_expired_locked(std::int64_t now);
  bool locked(const std::string& account, std::int64_t now) const;

  LedgerView view_;
  AuditLog& audit_;
  AuthConfig config_;
  Clock clock_;
  mutable std::mutex mu_;
  std::map<std::string, ChallengeState> challenges_;  // by challenge id
  std::map<Bytes, SessionState> sessions_;            // by SHA-256 of the token
  std::map<std::string, Failures> failures_;          // by account (ledger accounts only)
  AuthStats stats_;
};

}  // namespace rl::node::identity
