#include "node/app/identity/enroll_service.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "common/file_io.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/tx.hpp"

namespace rl::node::identity {
namespace {

constexpr std::size_t kMaxCsrBytes = 16 * 1024;
constexpr std::uint64_t kTxExpiryBlocks = 100;

}  // namespace

Result<OperatorIdentity> load_operator_identity(const std::string& dir, crypto::Suite suite) {
  auto bad = [&](const std::string& why) {
    return make_error("bad_operator", "operator identity " + dir + ": " + why);
  };
  auto meta = read_file(dir + "/identity.json", 64 * 1024);
  auto key_pem = read_file(dir + "/key.pem", 64 * 1024);
  auto cert_pem = read_file(dir + "/cert.pem", 64 * 1024);
  if (!meta.ok() || !key_pem.ok() || !cert_pem.ok()) {
    return bad("needs identity.json, key.pem and cert.pem");
  }
  auto j = nlohmann::json::parse(*meta, nullptr, false);
  if (!j.is_object() || !j.contains("account") || !j["account"].is_string()) {
    return bad("identity.json has no account");
  }
  auto key = crypto::PrivateKey::from_pem(*key_pem);
  auto cert = crypto::Certificate::from_pem(*cert_pem);
  if (!key.ok() || !cert.ok()) return bad("key.pem or cert.pem does not parse");
  if (key->public_key().to_der() != cert->public_key().to_der()) {
    return bad("key.pem is not the key of cert.pem");
  }
  return OperatorIdentity{j["account"].get<std::string>(), *key, cert->id(suite)};
}

Result<EnrollResult> EnrollService::enroll(const std::string& account, const std::string& password,
                                           const std::string& csr_pem, const std::string& remote,
                                           const TxSubmitter& submit) {
  auto refuse = [&](const Error& e) -> Error {
    (void)auth_.audit().append(auth_.now_ms(), account, "enroll", "refused", e.code, remote);
    return e;
  };
  if (csr_pem.empty() || csr_pem.size() > kMaxCsrBytes) {
    return make_error("bad_request", "csr_pem is required (at most 16 KiB)");
  }
  RL_ASSIGN_OR_RETURN(auto acct, auth_.check_password(account, password, "enroll", remote));

  auto csr = crypto::CertificateRequest::from_pem(csr_pem);
  if (!csr.ok()) return refuse(make_error("bad_csr", "csr_pem does not parse"));
  if (!csr->verify_signature()) {
    return refuse(make_error("bad_csr_signature", "the CSR's self-signature does not verify"));
  }
  const auto& anchor = auth_.ledger().anchor();
  if (csr->public_key().suite() != anchor.suite) {
    return refuse(make_error("wrong_key_type", "the CSR's key is not of the network's suite " +
                                                   std::string(crypto::suite_name(anchor.suite))));
  }
  if (csr->subject().common_name != account) {
    return refuse(make_error("subject_mismatch", "the CSR's subject CN must be the account id"));
  }

  if (config_.admin_approval_orgs.count(acct.org_id())) {
    EnrollResult out;
    out.account = account;
    out.org = acct.org_id();
    out.awaiting_approval = true;
    {
      std::lock_guard lock(mu_);
      if (waiting_.size() >= config_.max_waiting) {
        return refuse(make_error("too_many_enrollments", "too many requests await approval"));
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
      return make_error("enroll_request_unknown", "no enrollment request with that id awaits");
    }
    const bool org_admin = approver.role == "admin" && approver.org == it->second.org;
    const bool regulator_admin = approver.role == "admin" && approver.org_kind == "regulator";
    if (!org_admin && !regulator_admin) {
      (void)auth_.audit().append(auth_.now_ms(), approver.account, "enroll_approve", "refused",
                                 "permission_denied", remote);
      return make_error("permission_denied",
                        "only an admin of the organization or a regulator admin approves");
    }
    w = it->second;
    waiting_.erase(it);
  }
  auto csr = crypto::CertificateRequest::from_pem(w.csr_pem);
  if (!csr.ok()) return make_error("bad_csr", "stored CSR does not parse");
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
  return make_error("enroll_request_unknown", "no enrollment request with that id");
}

Result<EnrollResult> EnrollService::issue_and_bind(const std::string& account,
                                                   const std::string& org,
                                                   const crypto::CertificateRequest& csr,
                                                   const std::string& remote,
                                                   const TxSubmitter& submit) {
  const auto& anchor = auth_.ledger().anchor();
  const auto now_s = auth_.now_ms() / 1000;
  crypto::IssueOptions io;
  io.profile = crypto::CertProfile::kEndEntity;
  io.not_before = now_s - 300;  // tolerate clock skew between node and relying parties
  io.not_after = now_s + config_.cert_validity_s;
  auto cert = crypto::issue_certificate(config_.ca.cert, config_.ca.key, csr, io);
  if (!cert.ok()) return cert.error();

  ledger::pb::TxBody body;
  body.set_chain_id(anchor.chain_id);
  body.set_nonce(read_u64_be(crypto::random_bytes(8)) >> 1);
  body.set_expires_at_height(auth_.ledger().chain().head().height + kTxExpiryBlocks);
  body.set_signer(config_.op.account);
  auto* bind = body.mutable_bind_certificate();
  bind->set_account_id(account);
  bind->set_certificate_der(to_string(cert->to_der()));
  auto tx = ledger::sign_tx(body, config_.op.key, config_.op.cert_id);
  if (!tx.ok()) return tx.error();
  auto tx_id = submit(*tx);
  if (!tx_id.ok()) return tx_id.error();

  EnrollResult out;
  out.account = account;
  out.org = org;
  out.certificate_pem = cert->to_pem();
  out.chain_pem = {config_.ca.cert.to_pem()};
  out.tx_id = *tx_id;
  // Wait (bounded) so that the common case answers with a certificate already bound.
  auto id_bytes = from_hex(*tx_id);
  const auto deadline = std::chrono::steady_clock::now() + config_.wait;
  while (id_bytes.ok()) {
    auto loc = auth_.ledger().chain().tx_location(*id_bytes);
    if (loc.ok() && *loc) {
      out.committed = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (void)auth_.audit().append(auth_.now_ms(), account, "enroll", out.committed ? "ok" : "pending",
                             "", remote);
  return out;
}

}  // namespace rl::node::identity
