#include "node/app/identity/operator_tx.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "common/file_io.hpp"
#include "crypto/symmetric.hpp"

namespace rl::node::identity {
namespace {

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

Result<crypto::Certificate> issue_end_entity(const IssuingCa& ca,
                                             const crypto::CertificateRequest& csr,
                                             std::int64_t now_s, std::int64_t validity_s) {
  crypto::IssueOptions io;
  io.profile = crypto::CertProfile::kEndEntity;
  io.not_before = now_s - 300;  // tolerate clock skew between node and relying parties
  io.not_after = now_s + validity_s;
  return crypto::issue_certificate(ca.cert, ca.key, csr, io);
}

Result<OperatorSubmission> submit_as_operator(const ledger::Chain& chain,
                                              const OperatorIdentity& op,
                                              const std::function<void(ledger::pb::TxBody&)>& fill,
                                              const TxSubmitter& submit,
                                              std::chrono::milliseconds wait) {
  ledger::pb::TxBody body;
  body.set_chain_id(chain.anchor().chain_id);
  body.set_nonce(read_u64_be(crypto::random_bytes(8)) >> 1);
  body.set_expires_at_height(chain.head().height + kTxExpiryBlocks);
  body.set_signer(op.account);
  fill(body);
  RL_ASSIGN_OR_RETURN(auto tx, ledger::sign_tx(body, op.key, op.cert_id));
  RL_ASSIGN_OR_RETURN(auto tx_id, submit(tx));

  OperatorSubmission out;
  out.tx_id = tx_id;
  // Wait (bounded) so that the common case answers with the record already committed.
  auto id_bytes = from_hex(tx_id);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (id_bytes.ok()) {
    auto loc = chain.tx_location(*id_bytes);
    if (loc.ok() && *loc) {
      out.committed = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return out;
}

}  // namespace rl::node::identity
