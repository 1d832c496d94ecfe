#include "tests/cluster/explorer_receipt_files.hpp"

#include <stdexcept>

#include "common/bytes.hpp"
#include "common/file_io.hpp"
#include "regledger.pb.h"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path write(const fs::path& p, const std::string& text) {
  auto st = write_file(p.string(), text);
  if (!st.ok()) throw std::runtime_error(st.error().to_string());
  return p;
}

// One byte of the transaction changed: it still decodes, but its Merkle leaf is no longer the
// one the block committed.
json tamper_tx(json receipt) {
  auto tx = from_base64(receipt["tx"].get<std::string>());
  if (!tx.ok() || tx->empty()) throw std::runtime_error("receipt tx is not base64");
  tx->back() ^= 0x01;
  receipt["tx"] = to_base64(*tx);
  return receipt;
}

// The last byte of the first precommit signature changed (the low byte of s: still canonical
// DER, no longer a valid signature).
json tamper_commit(json receipt) {
  auto raw = from_base64(receipt["commit"].get<std::string>());
  ledger::pb::CommitCertificate cert;
  if (!raw.ok() || !cert.ParseFromArray(raw->data(), static_cast<int>(raw->size())) ||
      cert.signatures_size() == 0) {
    throw std::runtime_error("receipt commit does not decode");
  }
  std::string sig = cert.signatures(0).signature();
  sig.back() = static_cast<char>(sig.back() ^ 0x01);
  cert.mutable_signatures(0)->set_signature(sig);
  receipt["commit"] = to_base64(to_bytes(cert.SerializeAsString()));
  return receipt;
}

}  // namespace

json ReceiptFiles::to_json() const {
  return {{"genesis", genesis.string()},         {"receipt", receipt.string()},
          {"tampered_tx", tampered_tx.string()}, {"tampered_commit", tampered_commit.string()},
          {"genesis_sm2", genesis_sm2.string()}, {"with_handoffs", with_handoffs.string()}};
}

ReceiptFiles write_receipt_files(const fs::path& dir, const ledger::Genesis& genesis,
                                 const json& receipt) {
  const std::string genesis_text = ledger::genesis_to_json(genesis);
  ReceiptFiles f;
  f.genesis = write(dir / "genesis.json", genesis_text);
  f.receipt = write(dir / "receipt.json", receipt.dump(2));
  f.tampered_tx = write(dir / "receipt-tampered-tx.json", tamper_tx(receipt).dump(2));
  f.tampered_commit = write(dir / "receipt-tampered-commit.json", tamper_commit(receipt).dump(2));
  // What the browser cannot check must be said, not passed: an SM2/SM3 network (the same file
  // with its suite renamed) and a receipt that carries validator-set handoffs.
  json sm2 = json::parse(genesis_text);
  sm2["suite"] = "sm2-sm3";
  f.genesis_sm2 = write(dir / "genesis-sm2.json", sm2.dump(2));
  json with_handoffs = receipt;
  with_handoffs["validator_handoffs"] = json::array({{{"header", ""}, {"commit", ""}}});
  f.with_handoffs = write(dir / "receipt-with-handoffs.json", with_handoffs.dump(2));
  return f;
}

}  // namespace rl::testing
