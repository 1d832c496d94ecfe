#pragma once
// What the node does on behalf of a caller it has checked (enrollment of an account, of a
// device): its issuing CA signs an end-entity certificate, and its operator identity (a
// regulator admin) signs and submits the transaction that records it on the ledger, then waits
// a bounded time for the commit. The ledger still checks that transaction like any other.

#include <chrono>
#include <functional>
#include <string>

#include "crypto/x509.hpp"
#include "ledger/chain.hpp"
#include "ledger/tx.hpp"
#include "node/app/identity/crl.hpp"

namespace rl::node::identity {

// The account whose key signs the transactions of enrollments on this node.
struct OperatorIdentity {
  std::string account;
  crypto::PrivateKey key;
  Bytes cert_id;
};

// Reads an identity directory as `regledger genesis init` writes one (identity.json with
// "account", key.pem, cert.pem). Code: bad_operator.
Result<OperatorIdentity> load_operator_identity(const std::string& dir, crypto::Suite suite);

// Hands exact Tx bytes to this node's admission (mempool + gossip); returns the tx id (hex).
using TxSubmitter = std::function<Result<std::string>(const Bytes& raw)>;

// An end-entity certificate for the CSR's key and subject, valid from a little before `now_s`
// (clock skew between node and relying parties) for `validity_s`.
Result<crypto::Certificate> issue_end_entity(const IssuingCa& ca,
                                             const crypto::CertificateRequest& csr,
                                             std::int64_t now_s, std::int64_t validity_s);

struct OperatorSubmission {
  std::string tx_id;
  bool committed = false;
};

// Signs a transaction whose payload `fill` sets, as `op`, submits it through `submit` and
// polls `chain` for up to `wait` for its commit. Codes: those of signing and admission.
Result<OperatorSubmission> submit_as_operator(const ledger::Chain& chain,
                                              const OperatorIdentity& op,
                                              const std::function<void(ledger::pb::TxBody&)>& fill,
                                              const TxSubmitter& submit,
                                              std::chrono::milliseconds wait);

}  // namespace rl::node::identity
