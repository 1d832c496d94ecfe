#include "node/app/identity/enroll_service.hpp"

#include "crypto/symmetric.hpp"
#include "node/app/identity/csr_check.hpp"
#include "node/http/json_error.hpp"

namespace rl::node::identity {

using api::ApiError;

Result<EnrollResult> EnrollService::enroll(const std::string& account, const std::string& password,
                                           const std::string& csr_pem, const std::string& remote,
                                           const TxSubmitter& submit) {
  auto refuse = [&](const Error& e) -> Error {
    (void)auth_.audit().append(auth_.now_ms(), account, "enroll", "refused", e.code, remote);
    return e;
  };
  // Size first: a password check costs a scrypt, an oversized body should not.
  if (csr_pem.empty() || csr_pem.size() > kMaxCsrBytes) {
    return http::api_error(ApiError::kBadRequest, "csr_pem is required (at most 16 KiB)");
  }
  RL_ASSIGN_OR_RETURN(auto acct, auth_.check_password(account, password, "enroll", remote));
  auto csr = check_csr(csr_pem, auth_.ledger().anchor().suite, account);
  if (!csr.ok()) return refuse(csr.error());

  if (config_.admin_approval_orgs.count(acct.org_id())) {
    EnrollResult out;
    out.account = account;
    out.org = acct.org_id();
    out.awaiting_approval = true;
    {
      std::lock_guard lock(mu_);
      if (waiting_.size() >= config_.max_waiting) {
        return refuse(
            http::api_error(ApiError::kTooManyEnrollments, "too many requests await approval"));
      }
      out.request_id = to_hex(crypto::random_bytes(16));
      waiting_[out.request_id] = {account, acct.org_id(), csr_pem};
    }
    (void)auth_.audit().append(auth_.now_ms(), account, "enroll", "awaiting_approval", "", remote);
    return out;
  }
  auto out = issue_and_bind(account, acct.org_id(), *csr, remote, submit);
  if (!out.ok()) return refuse(out.error());
  return out;
}

Result<EnrollResult> EnrollService::approve(const std::string& request_id,
                                            const Principal& approver, const std::string& remote,
                                            const TxSubmitter& submit) {
  Waiting w;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(request_id);
    if (it == waiting_.end()) {
      return http::api_error(ApiError::kEnrollRequestUnknown,
                             "no enrollment request with that id awaits");
    }
    if (!may_administer(approver, it->second.org)) {
      (void)auth_.audit().append(auth_.now_ms(), approver.account, "enroll_approve", "refused",
                                 std::string(api::to_string(ApiError::kPermissionDenied)), remote);
      return http::api_error(ApiError::kPermissionDenied,
                             "only an admin of the organization or a regulator admin approves");
    }
    w = it->second;
    waiting_.erase(it);
  }
  auto csr = crypto::CertificateRequest::from_pem(w.csr_pem);
  if (!csr.ok()) return http::api_error(ApiError::kBadCsr, "stored CSR does not parse");
  (void)auth_.audit().append(auth_.now_ms(), approver.account, "enroll_approve", "ok", "", remote);
  auto out = issue_and_bind(w.account, w.org, *csr, remote, submit);
  if (!out.ok()) return out.error();
  out->request_id = request_id;
  std::lock_guard lock(mu_);
  decided_[request_id] = *out;
  // Bounded like the waiting table: the oldest ids (random, so arbitrary) go first.
  while (decided_.size() > config_.max_waiting) decided_.erase(decided_.begin());
  return out;
}

Result<EnrollResult> EnrollService::status(const std::string& request_id) const {
  std::lock_guard lock(mu_);
  if (auto it = waiting_.find(request_id); it != waiting_.end()) {
    EnrollResult r;
    r.account = it->second.account;
    r.org = it->second.org;
    r.request_id = request_id;
    r.awaiting_approval = true;
    return r;
  }
  if (auto it = decided_.find(request_id); it != decided_.end()) {
    auto r = it->second;
    if (!r.committed) {
      auto id = from_hex(r.tx_id);
      auto loc = id.ok() ? auth_.ledger().chain().tx_location(*id)
                         : Result<std::optional<ledger::pb::TxLocation>>(id.error());
      r.committed = loc.ok() && *loc;
    }
    return r;
  }
  return http::api_error(ApiError::kEnrollRequestUnknown, "no enrollment request with that id");
}

Result<EnrollResult> EnrollService::issue_and_bind(const std::string& account,
                                                   const std::string& org,
                                                   const crypto::CertificateRequest& csr,
                                                   const std::string& remote,
                                                   const TxSubmitter& submit) {
  RL_ASSIGN_OR_RETURN(
      auto cert, issue_end_entity(config_.ca, csr, auth_.now_ms() / 1000, config_.cert_validity_s));
  RL_ASSIGN_OR_RETURN(auto sub, submit_as_operator(
                                    auth_.ledger().chain(), config_.op,
                                    [&](ledger::pb::TxBody& body) {
                                      auto* bind = body.mutable_bind_certificate();
                                      bind->set_account_id(account);
                                      bind->set_certificate_der(to_string(cert.to_der()));
                                    },
                                    submit, config_.wait));
  EnrollResult out;
  out.account = account;
  out.org = org;
  out.certificate_pem = cert.to_pem();
  out.chain_pem = {config_.ca.cert.to_pem()};
  out.tx_id = sub.tx_id;
  out.committed = sub.committed;
  (void)auth_.audit().append(auth_.now_ms(), account, "enroll", out.committed ? "ok" : "pending",
                             "", remote);
  return out;
}

}  // namespace rl::node::identity
