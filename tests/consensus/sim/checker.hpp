#pragma once
// The invariants, checked incrementally as the events that could break them happen (so "after
// every event"): agreement, hash-chain integrity, certificate validity, no honest double-sign,
// lock monotonicity within a height.

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "consensus/crypto_hooks.hpp"
#include "consensus/messages.hpp"
#include "consensus/ready.hpp"
#include "consensus/validator_set.hpp"

namespace rl::consensus::sim {

class Checker {
 public:
  Checker(std::string chain_id, const ValidatorSet& set, const Verifier& verifier, int nodes)
      : chain_id_(std::move(chain_id)), set_(set), verifier_(verifier), last_safety_(nodes) {}

  // An honest node decided; `chain` is its committed chain so far (hash of height h at h - 1).
  void on_decide(int node, const Decision& d, const std::vector<Bytes>& chain);
  // An honest node's message left the process.
  void on_sent(int node, const Message& m);
  // An honest node's SafetyState reached its disk.
  void on_persist(int node, const SafetyState& s);
  // The node's disk was wiped: its next state starts from scratch.
  void on_wipe(int node) { last_safety_[node].reset(); }
  // Anything else the simulator found wrong (e.g. a node that could not restart from its disk).
  void report(std::string what) { fail(std::move(what)); }

  const std::vector<std::string>& violations() const { return violations_; }
  bool agreement_violated() const { return agreement_violated_; }
  std::uint64_t max_height() const { return decided_.empty() ? 0 : decided_.rbegin()->first; }

 private:
  void fail(std::string what) { violations_.push_back(std::move(what)); }

  std::string chain_id_;
  const ValidatorSet& set_;
  const Verifier& verifier_;
  std::map<Height, Bytes> decided_;  // the first honest decision per height
  std::map<std::tuple<int, Height, Round, int>, Bytes> signed_;  // (node, h, r, kind) -> hash
  std::vector<std::optional<SafetyState>> last_safety_;
  std::vector<std::string> violations_;
  bool agreement_violated_ = false;
};

}  // namespace rl::consensus::sim
