#include "tests/consensus/sim/checker.hpp"

#include "consensus/certificate.hpp"
#include "tests/consensus/sim/sim_block.hpp"

namespace rl::consensus::sim {
namespace {

std::string short_hex(const Bytes& b) {
  return b.empty() ? "nil" : to_hex(ByteView(b.data(), b.size() < 4 ? b.size() : 4));
}

}  // namespace

void Checker::on_decide(int node, const Decision& d, const std::vector<Bytes>& chain) {
  const std::string who = "node " + std::to_string(node) + " height " + std::to_string(d.height);
  auto [it, first] = decided_.try_emplace(d.height, d.value_hash);
  if (!first && it->second != d.value_hash) {
    agreement_violated_ = true;
    fail("agreement: " + who + " decided " + short_hex(d.value_hash) + " but another honest node " +
         "decided " + short_hex(it->second));
  }
  Status cert = verify_certificate(chain_id_, set_, verifier_, d.certificate);
  if (!cert.ok()) fail("certificate: " + who + ": " + cert.error().to_string());
  if (d.certificate.height != d.height || d.certificate.block_hash != d.value_hash)
    fail("certificate: " + who + " certifies another height or value");
  auto block = SimBlock::decode(d.value);
  if (!block || block->height != d.height) {
    fail("hash chain: " + who + " decided a value that is not a block of this height");
  } else if (chain.size() + 1 != d.height) {
    fail("hash chain: " + who + " decided out of order (has " + std::to_string(chain.size()) + ")");
  } else {
    const Bytes& prev = d.height == 1 ? SimBlock::genesis_hash() : chain[d.height - 2];
    if (block->prev_hash != prev) fail("hash chain: " + who + " does not extend its chain");
  }
}

void Checker::on_sent(int node, const Message& m) {
  std::tuple<int, Height, Round, int> slot;
  const Bytes* hash = nullptr;
  if (const auto* v = std::get_if<Vote>(&m)) {
    if (static_cast<int>(v->validator) != node) return;  // relayed, not signed by this node
    slot = {node, v->height, v->round, static_cast<int>(v->type)};
    hash = &v->value_hash;
  } else {
    const auto& p = std::get<Proposal>(m);
    if (static_cast<int>(p.proposer) != node) return;
    slot = {node, p.height, p.round, 0};
    hash = &p.value_hash;
  }
  auto [it, first] = signed_.try_emplace(slot, *hash);
  if (!first && it->second != *hash)
    fail("double-sign: honest node " + std::to_string(node) + " signed " + short_hex(it->second) +
         " and " + short_hex(*hash) + " at height " + std::to_string(std::get<1>(slot)) +
         " round " + std::to_string(std::get<2>(slot)) + " kind " +
         std::to_string(std::get<3>(slot)));
}

void Checker::on_persist(int node, const SafetyState& s) {
  auto& last = last_safety_[node];
  if (last && last->height == s.height) {
    if (s.locked_round < last->locked_round)
      fail("lock: node " + std::to_string(node) + " lock round went from " +
           std::to_string(last->locked_round) + " to " + std::to_string(s.locked_round));
    else if (s.locked_round == last->locked_round && s.locked_hash != last->locked_hash)
      fail("lock: node " + std::to_string(node) + " changed its locked value within a round");
    if (s.round < last->round)
      fail("round: node " + std::to_string(node) + " went back to an earlier round");
  } else if (last && s.height < last->height) {
    fail("height: node " + std::to_string(node) + " persisted a lower height");
  }
  last = s;
}

}  // namespace rl::consensus::sim
