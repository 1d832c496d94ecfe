#pragma once
// Enrollment through the node (docs/identity.md "Enrollment through a node"): an account holder
// sends account + password + a CSR; the node checks them, its issuing CA signs the certificate, and
// the node's operator identity (a regulator admin) submits the BindCertificate transaction. The
// holder's private key never leaves the holder: only the CSR (its proof of possession) comes here.
//
// Approval is per organization: automatic, or (organizations listed in admin_approval_orgs)
// the request waits, in this node's memory, until an admin of that organization (or a
// regulator admin) approves it with their session.

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "node/app/identity/auth_service.hpp"
#include "node/app/identity/crl.hpp"
#include "node/app/identity/operator_tx.hpp"
#include "node/app/identity/principal.hpp"

namespace rl::node::identity {

struct EnrollConfig {
  IssuingCa ca;
  OperatorIdentity op;
  std::int64_t cert_validity_s = 365 * 86'400;
  // How long a request waits for the BindCertificate to commit before answering "pending".
  std::chrono::milliseconds wait{5000};
  std::set<std::string> admin_approval_orgs = {};
  std::size_t max_waiting = 1000;  // requests awaiting approval, node-wide
};

struct EnrollResult {
  std::string account;
  std::string org;
  std::string certificate_pem;
  std::vector<std::string> chain_pem;  // issuing CA
  std::string tx_id;
  bool committed = false;
  std::string request_id;  // set when the request awaits approval
  bool awaiting_approval = false;
};

class EnrollService {
 public:
  EnrollService(AuthService& auth, EnrollConfig config) : auth_(auth), config_(std::move(config)) {}

  // Codes: those of AuthService::check_password; bad_csr, bad_csr_signature, wrong_key_type,
  // subject_mismatch; the admission codes of the BindCertificate transaction.
  Result<EnrollResult> enroll(const std::string& account, const std::string& password,
                              const std::string& csr_pem, const std::string& remote,
                              const TxSubmitter& submit);

  // Approves a waiting request: the approver must be an admin of the request's organization
  // or a regulator admin. Codes: enroll_request_unknown, permission_denied, and those of the
  // issuance and admission.
  Result<EnrollResult> approve(const std::string& request_id, const Principal& approver,
                               const std::string& remote, const TxSubmitter& submit);
  // What became of a request (the holder polls with the id it was given).
  // Code: enroll_request_unknown.
  Result<EnrollResult> status(const std::string& request_id) const;

 private:
  struct Waiting {
    std::string account;
    std::string org;
    std::string csr_pem;
  };
  Result<EnrollResult> issue_and_bind(const std::string& account, const std::string& org,
                                      const crypto::CertificateRequest& csr,
                                      const std::string& remote, const TxSubmitter& submit);

  AuthService& auth_;
  EnrollConfig config_;
  mutable std::mutex mu_;
  std::map<std::string, Waiting> waiting_;       // by request id
  std::map<std::string, EnrollResult> decided_;  // approved requests, by request id
};

}  // namespace rl::node::identity
