#include "ledger/receipt.hpp"

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "crypto/merkle.hpp"
#include "ledger/commit.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx.hpp"

namespace rl::ledger {
namespace {

using nlohmann::json;

Error bad_receipt(const std::string& why) {
  return make_error("bad_receipt", why);
}
Error invalid(const std::string& why) {
  return make_error("receipt_invalid", why);
}

// Validator-set changes are governance actions, one at a time: thousands over a chain's life
// would already be unusual. The receipt's own size limit bounds the rest.
constexpr std::size_t kMaxHandoffs = 4096;

Result<Bytes> b64_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return bad_receipt(std::string("missing '") + key + "'");
  auto b = from_base64(it->get<std::string>());
  if (!b.ok()) return bad_receipt(std::string("'") + key + "' is not base64");
  return std::move(b).value();
}

Result<std::uint64_t> uint_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) {
    return bad_receipt(std::string("missing or non-integer '") + key + "'");
  }
  return it->get<std::uint64_t>();
}

json handoffs_json(const std::vector<ValidatorHandoff>& handoffs) {
  json hs = json::array();
  for (const auto& h : handoffs) {
    json members = json::array();
    for (const auto& m : h.members) {
      members.push_back({{"public_key", to_base64(m.public_key_der)}, {"power", m.power}});
    }
    hs.push_back({{"header", to_base64(h.header)},
                  {"commit", to_base64(h.commit)},
                  {"validators", std::move(members)}});
  }
  return hs;
}

Result<std::vector<ValidatorHandoff>> handoffs_from(const json& hs) {
  if (!hs.is_array() || hs.size() > kMaxHandoffs) {
    return bad_receipt("validator_handoffs must be an array of at most " +
                       std::to_string(kMaxHandoffs));
  }
  std::vector<ValidatorHandoff> out;
  for (const auto& h : hs) {
    if (!h.is_object()) return bad_receipt("validator_handoffs entries are objects");
    ValidatorHandoff hand;
    RL_ASSIGN_OR_RETURN(hand.header, b64_field(h, "header"));
    RL_ASSIGN_OR_RETURN(hand.commit, b64_field(h, "commit"));
    auto vs = h.find("validators");
    if (vs == h.end() || !vs->is_array() || vs->empty() || vs->size() > limits::kMaxValidators) {
      return bad_receipt("a validator handoff lists 1-" + std::to_string(limits::kMaxValidators) +
                         " validators");
    }
    for (const auto& v : *vs) {
      if (!v.is_object()) return bad_receipt("handoff validators are objects");
      HandoffMember m;
      RL_ASSIGN_OR_RETURN(m.public_key_der, b64_field(v, "public_key"));
      RL_ASSIGN_OR_RETURN(m.power, uint_field(v, "power"));
      hand.members.push_back(std::move(m));
    }
    out.push_back(std::move(hand));
  }
  return out;
}

}  // namespace

std::string handoffs_to_json(const std::vector<ValidatorHandoff>& handoffs) {
  return handoffs_json(handoffs).dump();
}

Result<std::vector<ValidatorHandoff>> handoffs_from_json(std::string_view text) {
  if (text.size() > limits::kMaxReceiptBytes) return bad_receipt("validator handoffs too large");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad_receipt("validator handoffs are not JSON");
  return handoffs_from(j);
}

std::string receipt_to_json(const Receipt& r) {
  json j;
  j["version"] = 1;
  j["chain_id"] = r.chain_id;
  j["height"] = r.height;
  j["index"] = r.index;
  j["tx_count"] = r.tx_count;
  j["tx"] = to_base64(r.tx);
  j["header"] = to_base64(r.header);
  j["proof"] = json::array();
  for (const auto& p : r.proof) j["proof"].push_back(to_hex(p));
  j["commit"] = to_base64(r.commit);
  j["signer_chain"] = json::array();
  for (const auto& c : r.signer_chain) j["signer_chain"].push_back(to_base64(c));
  // Only after a validator-set change: receipts of chains that never changed their set stay
  // byte-for-byte what they were.
  if (!r.handoffs.empty()) j["validator_handoffs"] = handoffs_json(r.handoffs);
  return j.dump(2) + "\n";
}

Result<Receipt> receipt_from_json(std::string_view text) {
  if (text.size() > limits::kMaxReceiptBytes) return bad_receipt("receipt too large");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_receipt("not a JSON object");
  RL_ASSIGN_OR_RETURN(auto version, uint_field(j, "version"));
  if (version != 1) return bad_receipt("unsupported receipt version");
  Receipt r;
  if (!j.contains("chain_id") || !j["chain_id"].is_string()) return bad_receipt("missing chain_id");
  r.chain_id = j["chain_id"].get<std::string>();
  RL_ASSIGN_OR_RETURN(r.height, uint_field(j, "height"));
  RL_ASSIGN_OR_RETURN(auto index, uint_field(j, "index"));
  RL_ASSIGN_OR_RETURN(auto count, uint_field(j, "tx_count"));
  if (count > limits::kMaxBlockTxs || index >= count)
    return bad_receipt("index/tx_count out of range");
  r.index = static_cast<std::uint32_t>(index);
  r.tx_count = static_cast<std::uint32_t>(count);
  RL_ASSIGN_OR_RETURN(r.tx, b64_field(j, "tx"));
  RL_ASSIGN_OR_RETURN(r.header, b64_field(j, "header"));
  RL_ASSIGN_OR_RETURN(r.commit, b64_field(j, "commit"));
  if (!j.contains("proof") || !j["proof"].is_array() || j["proof"].size() > 64) {
    return bad_receipt("proof must be an array of at most 64 hashes");
  }
  for (const auto& p : j["proof"]) {
    if (!p.is_string()) return bad_receipt("proof entries are hex strings");
    auto b = from_hex(p.get<std::string>());
    if (!b.ok()) return bad_receipt("proof entry is not hex");
    r.proof.push_back(std::move(b).value());
  }
  if (j.contains("signer_chain")) {
    if (!j["signer_chain"].is_array() ||
        j["signer_chain"].size() > 1 + limits::kMaxChainCertificates) {
      return bad_receipt("signer_chain must be a short array");
    }
    for (const auto& c : j["signer_chain"]) {
      if (!c.is_string()) return bad_receipt("signer_chain entries are base64 strings");
      auto b = from_base64(c.get<std::string>());
      if (!b.ok()) return bad_receipt("signer_chain entry is not base64");
      r.signer_chain.push_back(std::move(b).value());
    }
  }
  if (j.contains("validator_handoffs")) {
    RL_ASSIGN_OR_RETURN(r.handoffs, handoffs_from(j["validator_handoffs"]));
  }
  return r;
}

Result<TrustedSet> follow_handoffs(const TrustAnchor& anchor,
                                   const std::vector<ValidatorHandoff>& handoffs) {
  TrustedSet cur{anchor.genesis_keys, 1};
  for (std::size_t i = 0; i < handoffs.size(); ++i) {
    const auto& h = handoffs[i];
    const std::string at = "validator handoff " + std::to_string(i + 1) + ": ";
    pb::BlockHeader hdr;
    if (!hdr.ParseFromArray(h.header.data(), static_cast<int>(h.header.size()))) {
      return invalid(at + "block header does not decode");
    }
    if (hdr.chain_id() != anchor.chain_id) return invalid(at + "block header names another chain");
    if (hdr.height() < cur.from_height) {
      return invalid(at + "block " + std::to_string(hdr.height()) +
                     " is not above the previous handoff");
    }
    if (!bytes_equal(hdr.validators_hash(), cur.keys.hash)) {
      return invalid(at + "block " + std::to_string(hdr.height()) +
                     " was made by a validator set the chain so far does not establish");
    }
    pb::CommitCertificate cert;
    if (!cert.ParseFromArray(h.commit.data(), static_cast<int>(h.commit.size()))) {
      return invalid(at + "commit certificate does not decode");
    }
    auto committed =
        verify_commit(anchor, cur.keys, hdr.height(), crypto::hash(anchor.suite, h.header), cert);
    if (!committed.ok()) {
      return invalid(at + "commit certificate is not by the validator set before the change: " +
                     committed.error().message);
    }
    if (h.members.empty() || h.members.size() > limits::kMaxValidators) {
      return invalid(at + "the new set lists no validators or too many");
    }
    std::vector<crypto::PublicKey> keys;
    std::vector<std::uint64_t> powers;
    for (const auto& m : h.members) {
      auto key = crypto::PublicKey::from_der(m.public_key_der);
      if (!key.ok() || key->suite() != anchor.suite) {
        return invalid(at + "a new validator's public key does not parse for this suite");
      }
      if (m.power == 0 || m.power > limits::kMaxValidatorSetPower) {
        return invalid(at + "a new validator's power is out of range");
      }
      keys.push_back(std::move(key).value());
      powers.push_back(m.power);
    }
    auto made = make_validator_keys(anchor.suite, std::move(keys), powers);
    if (!made.ok()) return invalid(at + "the new set: " + made.error().message);
    ValidatorKeys next = std::move(made).value();
    if (!bytes_equal(hdr.next_validators_hash(), next.hash)) {
      return invalid(at + "the new validators do not hash to block " +
                     std::to_string(hdr.height()) + "'s next_validators_hash");
    }
    cur = TrustedSet{std::move(next), hdr.height() + 1};
  }
  return cur;
}

Result<VerifiedReceipt> verify_receipt(const TrustAnchor& anchor, const Receipt& r) {
  if (r.chain_id != anchor.chain_id) {
    return invalid("receipt is for chain '" + r.chain_id + "', genesis is '" + anchor.chain_id +
                   "'");
  }
  pb::BlockHeader hdr;
  if (!hdr.ParseFromArray(r.header.data(), static_cast<int>(r.header.size()))) {
    return invalid("block header does not decode");
  }
  if (hdr.chain_id() != anchor.chain_id) return invalid("block header names another chain");
  if (hdr.height() != r.height) return invalid("block header height differs from the receipt's");
  if (hdr.tx_count() != r.tx_count)
    return invalid("block header tx_count differs from the receipt's");
  // The set in force at the receipt's height: genesis, then each handoff in turn.
  RL_ASSIGN_OR_RETURN(auto trusted, follow_handoffs(anchor, r.handoffs));
  if (r.height < trusted.from_height) {
    return invalid("a validator handoff is at or above the receipt's block");
  }
  if (!bytes_equal(hdr.validators_hash(), trusted.keys.hash)) {
    return invalid(r.handoffs.empty()
                       ? "block was made by a validator set this genesis does not know"
                       : "block was made by a validator set the handoff chain does not establish");
  }
  Bytes block_hash = crypto::hash(anchor.suite, r.header);

  // 1. The transaction is in the block: Merkle path from its exact bytes to tx_root.
  Bytes leaf = crypto::merkle_leaf_hash(anchor.suite, r.tx);
  if (!crypto::merkle_verify_inclusion(anchor.suite, leaf, r.index, r.tx_count, r.proof,
                                       as_bytes(hdr.tx_root()))) {
    return invalid("Merkle inclusion proof does not lead to the block's tx_root");
  }
  // 2. The block is committed: > 2/3 of the voting power in force at its height signed it.
  pb::CommitCertificate cert;
  if (!cert.ParseFromArray(r.commit.data(), static_cast<int>(r.commit.size()))) {
    return invalid("commit certificate does not decode");
  }
  auto commit_ok = verify_commit(anchor, trusted.keys, r.height, block_hash, cert);
  if (!commit_ok.ok()) return invalid("commit certificate: " + commit_ok.error().message);

  // 3. The transaction was signed by a certificate that chains to a genesis root.
  auto tx = decode_tx(anchor.suite, r.tx);
  if (!tx.ok()) return invalid("transaction: " + tx.error().message);
  if (tx->body.chain_id() != anchor.chain_id) return invalid("transaction names another chain");
  if (r.signer_chain.empty()) return invalid("receipt carries no signer certificate");
  auto cert_leaf = crypto::Certificate::from_der(r.signer_chain[0]);
  if (!cert_leaf.ok()) return invalid("signer certificate does not decode");
  if (!bytes_equal(tx->tx.signer_cert_id(), cert_leaf->id(anchor.suite))) {
    return invalid("signer certificate is not the one the transaction names");
  }
  std::vector<crypto::Certificate> intermediates = anchor.intermediates;
  for (std::size_t i = 1; i < r.signer_chain.size(); ++i) {
    auto c = crypto::Certificate::from_der(r.signer_chain[i]);
    if (!c.ok()) return invalid("signer chain certificate does not decode");
    intermediates.push_back(std::move(c).value());
  }
  auto chain_ok =
      crypto::verify_chain(*cert_leaf, intermediates, anchor.roots, {}, hdr.time_ms() / 1000);
  if (!chain_ok.ok()) return invalid("signer certificate: " + chain_ok.error().message);
  if (cert_leaf->subject().common_name != tx->body.signer()) {
    return invalid("signer certificate does not name the signing account");
  }
  if (!crypto::verify(cert_leaf->public_key(), tx_sign_bytes(as_bytes(tx->tx.body())),
                      as_bytes(tx->tx.signature()))) {
    return invalid("transaction signature does not verify");
  }
  VerifiedReceipt v;
  v.tx_id_hex = to_hex(tx->id);
  v.signer = tx->body.signer();
  v.payload_kind = std::string(payload_name(tx->body));
  v.height = r.height;
  v.block_time_ms = hdr.time_ms();
  v.block_hash_hex = to_hex(block_hash);
  v.commit_signatures = static_cast<std::size_t>(cert.signatures_size());
  v.validators = trusted.keys.keys.size();
  v.validator_handoffs = r.handoffs.size();
  return v;
}

}  // namespace rl::ledger
