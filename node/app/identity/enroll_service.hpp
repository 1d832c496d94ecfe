#pragma once
// Enrollment through the node (DESIGN.md section 5): an account holder sends account +
// password + a CSR; the node checks them, its issuing CA signs the certificate, and the node's
// operator identity (a regulator admin) submits the BindCertificate transaction. The holder's
// private key never leaves the holder: only the CSR (its proof of possession) comes here.
//
// Approval is automatic for every organization; per-organization admin approval is not built.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "node/app/identity/auth_service.hpp"
#include "node/app/identity/crl.hpp"

namespace rl::node::identity {

// The account whose key signs the BindCertificate transactions of enrollments on this node.
struct OperatorIdentity {
  std::string account;
  crypto::PrivateKey key;
  Bytes cert_id;
};

// Reads an identity directory as `regledger genesis init` writes one (identity.json with
// "account", key.pem, cert.pem). Code: bad_operator.
Result<OperatorIdentity> load_operator_identity(const std::string& dir, crypto::Suite suite);

struct EnrollConfig {
  IssuingCa ca;
  OperatorIdentity op;
  std::int64_t cert_validity_s = 365 * 86'400;
  // How long a request waits for the BindCertificate to commit before answering "pending".
  std::chrono::milliseconds wait{5000};
};

// Hands exact Tx bytes to this node's admission (mempool + gossip); returns the tx id (hex).
using TxSubmitter = std::function<Result<std::string>(const Bytes& raw)>;

struct EnrollResult {
  std::string account;
  std::string org;
  std::string certificate_pem;
  std::vector<std::string> chain_pem;  // issuing CA
  std::string tx_id;
  bool committed = false;
};

class EnrollService {
 public:
  EnrollService(AuthService& auth, EnrollConfig config) : auth_(auth), config_(std::move(config)) {}

  // Codes: those of AuthService::check_password; bad_csr, bad_csr_signature, wrong_key_type,
  // subject_mismatch; the admission codes of the BindCertificate transaction.
  Result<EnrollResult> enroll(const std::string& account, const std::string& password,
                              const std::string& csr_pem, const std::string& remote,
                              const TxSubmitter& submit);

 private:
  AuthService& auth_;
  EnrollConfig config_;
};

}  // namespace rl::node::identity
