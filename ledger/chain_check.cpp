#include "ledger/chain_check.hpp"

#include "crypto/hash.hpp"
#include "crypto/merkle.hpp"
#include "ledger/evidence.hpp"
#include "ledger/receipt.hpp"

namespace rl::ledger {
namespace {

Error invalid(std::uint64_t height, const std::string& why) {
  return make_error("chain_invalid", "block " + std::to_string(height) + ": " + why);
}

// The validator sets the chain establishes from genesis, each with the first height it
// governs: genesis, then one per handoff, each handoff checked by follow_handoffs against the
// set before it.
Result<std::vector<TrustedSet>> trusted_sets(const Chain& chain, std::uint64_t head) {
  const auto& anchor = chain.anchor();
  std::vector<TrustedSet> sets{TrustedSet{anchor.genesis_keys, 1}};
  RL_ASSIGN_OR_RETURN(auto handoffs, chain.handoffs_up_to(head));
  for (std::size_t i = 1; i <= handoffs.size(); ++i) {
    std::vector<ValidatorHandoff> prefix(handoffs.begin(),
                                         handoffs.begin() + static_cast<std::ptrdiff_t>(i));
    auto set = follow_handoffs(anchor, prefix);
    if (!set.ok()) return make_error("chain_invalid", set.error().message);
    sets.push_back(std::move(set).value());
  }
  return sets;
}

}  // namespace

Result<ChainCheck> check_stored_chain(const Chain& chain,
                                      const std::function<void(std::uint64_t)>& progress,
                                      std::uint64_t progress_every) {
  const auto& anchor = chain.anchor();
  const ChainHead head = chain.head();
  RL_ASSIGN_OR_RETURN(auto sets, trusted_sets(chain, head.height));
  ChainCheck out;
  out.validator_handoffs = sets.size() - 1;
  Bytes prev_hash = anchor.genesis_hash;
  Bytes app_hash;
  std::size_t set_index = 0;
  for (std::uint64_t h = 1; h <= head.height; ++h) {
    while (set_index + 1 < sets.size() && sets[set_index + 1].from_height <= h) ++set_index;
    const ValidatorKeys& set = sets[set_index].keys;
    RL_ASSIGN_OR_RETURN(auto bytes, chain.block_bytes(h));
    if (!bytes) return invalid(h, "missing");
    pb::Block block;
    if (!block.ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) {
      return invalid(h, "does not decode");
    }
    pb::BlockHeader hdr;
    if (!hdr.ParseFromString(block.header())) return invalid(h, "header does not decode");
    if (hdr.chain_id() != anchor.chain_id) return invalid(h, "names another chain");
    if (hdr.height() != h) return invalid(h, "header says height " + std::to_string(hdr.height()));
    if (!bytes_equal(hdr.prev_block_hash(), prev_hash)) {
      return invalid(h, "prev_block_hash does not link to block " + std::to_string(h - 1));
    }
    std::vector<Bytes> leaves;
    leaves.reserve(static_cast<std::size_t>(block.txs_size()));
    for (const auto& t : block.txs())
      leaves.push_back(crypto::merkle_leaf_hash(anchor.suite, as_bytes(t)));
    if (leaves.size() != hdr.tx_count() ||
        !bytes_equal(hdr.tx_root(), crypto::merkle_root(anchor.suite, leaves))) {
      return invalid(h, "transactions do not match the header's tx_root");
    }
    std::vector<Bytes> evidence;
    for (const auto& e : block.evidence()) evidence.push_back(to_bytes(e));
    if (!bytes_equal(hdr.evidence_root(), evidence_root(anchor.suite, evidence))) {
      return invalid(h, "evidence does not match the header's evidence_root");
    }
    if (!bytes_equal(hdr.validators_hash(), set.hash)) {
      return invalid(h, "made by a validator set the chain does not establish from genesis");
    }
    const Bytes block_hash = crypto::hash(anchor.suite, as_bytes(block.header()));
    RL_ASSIGN_OR_RETURN(auto cert, chain.commit(h));
    if (!cert) return invalid(h, "no commit certificate");
    auto committed = verify_commit(anchor, set, h, block_hash, *cert);
    if (!committed.ok()) return invalid(h, "commit certificate: " + committed.error().message);
    prev_hash = block_hash;
    app_hash = Bytes(hdr.app_hash().begin(), hdr.app_hash().end());
    if (progress && h % progress_every == 0) progress(h);
  }
  if (head.block_hash != prev_hash) {
    return make_error("chain_invalid", "the stored head's block hash is not block " +
                                           std::to_string(head.height) + "'s");
  }
  if (head.height > 0 && head.app_hash != app_hash) {
    return make_error("chain_invalid", "the stored head's app hash is not block " +
                                           std::to_string(head.height) + "'s");
  }
  out.height = head.height;
  out.block_hash = head.block_hash;
  out.app_hash = head.app_hash;
  return out;
}

}  // namespace rl::ledger
