// The simulator checks itself: a seed replays to the same trace, and every check bites. Each
// bite test plants the fault its check exists for and asserts that THIS check reports it (the
// violation text starts with the check's name), with a control run or input without the fault
// that reports nothing:
//   agreement     f + 1 Byzantine validators; a core without its locking rule (simulator runs)
//   double-sign   a node restarted without its SafetyState (simulator runs)
//   lock          a node restarted with its lock lost (simulator runs); crafted SafetyStates
//   certificate   crafted decisions: too few signers, a bad signature, a non-member, a signer
//                 twice, a certificate of another block
//   hash chain    crafted decisions: a block on the wrong parent, of another height, not a block,
//                 out of order
//   liveness      f + 1 of 3f + 1 validators stopped for good at healing (and f: no report)
// The bite tests use fixed seeds (unlike the sweep), so they show the same runs every time; each
// prints the replay command of a run that bit.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

#include "consensus/sign_bytes.hpp"
#include "tests/consensus/sim/checker.hpp"
#include "tests/consensus/sim/prng.hpp"
#include "tests/consensus/sim/replay.hpp"
#include "tests/consensus/sim/sim_block.hpp"
#include "tests/consensus/sim/simulator.hpp"
#include "tests/consensus/support/test_crypto.hpp"

namespace rl::consensus::sim {
namespace {

TEST(SimDeterminism, SameSeedSameTraceHash) {
  for (std::uint64_t seed : {7ull, 1234567ull}) {
    SimOptions o;
    o.n = 4;
    o.seed = seed;
    const SimResult a = run_simulation(o);
    const SimResult b = run_simulation(o);
    EXPECT_GT(a.events, 100u);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << seed << " did not replay identically";
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.max_height, b.max_height);
    o.seed = seed + 1;
    EXPECT_NE(run_simulation(o).trace_hash, a.trace_hash);
  }
}

struct BiteOutcome {
  std::uint64_t seeds_run = 0;
  std::uint64_t forks = 0;
  std::uint64_t first_seed = 0;
};

BiteOutcome hunt_forks(SimOptions base, std::uint64_t max_seeds, std::uint64_t tag) {
  BiteOutcome out;
  for (std::uint64_t i = 0; i < max_seeds; ++i) {
    base.seed = mix64(tag, i);
    const SimResult r = run_simulation(base);
    ++out.seeds_run;
    if (r.agreement_violated) {
      if (out.forks++ == 0) out.first_seed = base.seed;
      if (out.forks >= 3) break;  // proven; keep the test short
    }
  }
  return out;
}

TEST(CheckerBites, FPlusOneByzantineValidatorsForkAndAreCaught) {
  for (int n : {4, 7}) {
    SimOptions o;
    o.n = n;
    o.faults = kByzantine;
    o.byzantine = (n - 1) / 3 + 1;
    const BiteOutcome b = hunt_forks(o, 300, 0xB17E0000u + static_cast<std::uint64_t>(n));
    std::printf(
        "[bite] f+1 byzantine n=%d: %llu agreement violations in %llu seeds (first seed %llu)\n", n,
        static_cast<unsigned long long>(b.forks), static_cast<unsigned long long>(b.seeds_run),
        static_cast<unsigned long long>(b.first_seed));
    EXPECT_GT(b.forks, 0u) << "the checker missed forks by f+1 Byzantine validators (n=" << n
                           << ")";
  }
}

TEST(CheckerBites, DisabledLockingForksAndIsCaught) {
  SimOptions o;
  o.n = 4;
  o.faults = kByzantine | kNetwork | kPartition;
  o.disable_locking = true;
  const BiteOutcome b = hunt_forks(o, 2000, 0x10C40000u);
  std::printf(
      "[bite] locking disabled n=4: %llu agreement violations in %llu seeds (first seed %llu)\n",
      static_cast<unsigned long long>(b.forks), static_cast<unsigned long long>(b.seeds_run),
      static_cast<unsigned long long>(b.first_seed));
  EXPECT_GT(b.forks, 0u) << "the checker missed the forks a lock-less Tendermint allows";
}

// The check a violation names: its text up to the first ':'.
std::string check_of(const std::string& violation) {
  return violation.substr(0, violation.find(':'));
}

struct Hunt {
  std::uint64_t seeds_run = 0;
  std::vector<std::pair<std::uint64_t, std::string>> hits;  // (seed, first violation)
  std::map<std::string, int> by_check;                      // of the first violations
};

// Runs seeds of `o` until `want` runs reported a violation (or `max_seeds` ran).
Hunt hunt(SimOptions o, std::uint64_t max_seeds, std::uint64_t tag, std::size_t want = 3) {
  Hunt out;
  for (std::uint64_t i = 0; i < max_seeds && out.hits.size() < want; ++i) {
    o.seed = mix64(tag, i);
    const SimResult r = run_simulation(o);
    ++out.seeds_run;
    if (r.violations.empty()) continue;
    out.hits.push_back({o.seed, r.violations.front()});
    ++out.by_check[check_of(r.violations.front())];
  }
  return out;
}

// A planted restart fault (o.restart_disk) must make `check` fire, and only it; the same seeds
// without the fault must pass.
void expect_restart_bite(SimOptions o, const char* mix, std::uint64_t tag, const char* check) {
  o.faults = mix_faults(mix).value();
  const Hunt h = hunt(o, 400, tag);
  std::printf("[bite] restart with %s n=%d mix=%s: %zu runs with violations in %llu seeds",
              restart_disk_name(o.restart_disk), o.n, mix, h.hits.size(),
              static_cast<unsigned long long>(h.seeds_run));
  for (const auto& [name, count] : h.by_check) std::printf(" %s=%d", name.c_str(), count);
  std::printf("\n");
  ASSERT_FALSE(h.hits.empty()) << "the " << check << " check missed restart with "
                               << restart_disk_name(o.restart_disk);
  o.seed = h.hits.front().first;
  std::printf("[bite]   first: seed %llu: %s\n[bite]   replay: %s\n",
              static_cast<unsigned long long>(o.seed), h.hits.front().second.c_str(),
              replay_command(o, mix).c_str());
  for (const auto& [seed, violation] : h.hits) {
    EXPECT_EQ(check_of(violation), check) << "seed " << seed << ": " << violation;
    SimOptions control = o;
    control.seed = seed;
    control.restart_disk = RestartDisk::kIntact;
    const SimResult r = run_simulation(control);
    EXPECT_TRUE(r.violations.empty())
        << "seed " << seed << " fails without the planted fault: " << r.violations.front();
  }
}

TEST(CheckerBites, RestartWithoutSafetyStateDoubleSignsAndIsCaught) {
  SimOptions o;
  o.n = 4;
  o.restart_disk = RestartDisk::kNoSafetyState;
  expect_restart_bite(o, "crash", 0xD5160000u, "double-sign");
}

TEST(CheckerBites, RestartWithLockLostRegressesLockAndIsCaught) {
  SimOptions o;
  o.n = 4;
  o.restart_disk = RestartDisk::kNoLock;
  expect_restart_bite(o, "crash", 0x10C50000u, "lock");
}

TEST(CheckerBites, MoreThanFStoppedStallsAndLivenessIsCaught) {
  for (int n : {4, 7}) {
    const int f = (n - 1) / 3;
    for (std::uint64_t i = 0; i < 3; ++i) {
      SimOptions o;
      o.n = n;
      o.faults = mix_faults("partition").value();
      o.equal_power = true;  // so f + 1 nodes are a third of the power or more
      o.seed = mix64(0x11FE0000u + static_cast<std::uint64_t>(n), i);
      o.stop_at_heal = f + 1;
      const SimResult stalled = run_simulation(o);
      ASSERT_EQ(stalled.violations.size(), 1u) << "seed " << o.seed << " n=" << n;
      EXPECT_EQ(check_of(stalled.violations.front()), "liveness")
          << stalled.violations.front() << "\n  replay: " << replay_command(o, "partition");
      if (i == 0)
        std::printf("[bite] %d of n=%d stopped at healing: %s\n[bite]   replay: %s\n", f + 1, n,
                    stalled.violations.front().c_str(), replay_command(o, "partition").c_str());
      o.stop_at_heal = f;  // within the fault budget the rest must go on deciding
      const SimResult live = run_simulation(o);
      EXPECT_TRUE(live.violations.empty())
          << "seed " << o.seed << " n=" << n << " with f stopped: " << live.violations.front();
    }
  }
}

// Crafted inputs for the checks that need no simulator run to show they bite: a set of four
// equal validators and the simulator's MAC signatures.
class CraftedDecisions : public ::testing::Test {
 protected:
  static constexpr const char* kChain = "sim-chain";

  CraftedDecisions() {
    std::vector<Validator> vs;
    for (int i = 0; i < 4; ++i) vs.push_back({testing::validator_id(i), 1});
    set_.emplace(ValidatorSet::create(vs).value());
  }

  Checker checker() const { return Checker(kChain, *set_, verifier_, 4); }

  CommitCertificate certify(Height h, Round r, const Bytes& hash, std::vector<int> signers) const {
    CommitCertificate c{h, r, hash, {}};
    const Bytes msg = precommit_sign_bytes(kChain, h, r, hash);
    for (int i : signers) {
      testing::MacSigner signer(testing::validator_id(static_cast<std::size_t>(i)));
      c.signatures.push_back({static_cast<ValidatorIndex>(i), signer.sign(msg)});
    }
    return c;
  }

  // Height h's block on `prev`, certified by validators 0, 1 and 2 (3 of 4: a quorum).
  Decision decision(Height h, const Bytes& prev) const { return decide_value(h, block(h, prev)); }
  Bytes block(Height h, const Bytes& prev) const { return SimBlock{h, prev, 0, 42 + h}.encode(); }
  Decision decide_value(Height h, Bytes value) const {
    Decision d;
    d.height = h;
    d.value = std::move(value);
    d.value_hash = hasher_.hash(d.value);
    d.certificate = certify(h, 0, d.value_hash, {0, 1, 2});
    return d;
  }

  // Exactly one violation, of `check`, mentioning `detail`.
  static void expect_only(const Checker& c, const std::string& check, const std::string& detail,
                          const std::string& what) {
    ASSERT_EQ(c.violations().size(), 1u) << what;
    const std::string& v = c.violations().front();
    EXPECT_EQ(check_of(v), check) << what << ": " << v;
    EXPECT_NE(v.find(detail), std::string::npos) << what << ": " << v;
    EXPECT_FALSE(c.agreement_violated()) << what;
    std::printf("[bite] %s: %s\n", what.c_str(), v.c_str());
  }

  std::optional<ValidatorSet> set_;
  testing::MacVerifier verifier_;
  testing::FnvHasher hasher_;
};

TEST_F(CraftedDecisions, BadCertificateIsCaught) {
  {
    Checker c = checker();
    c.on_decide(0, decision(1, SimBlock::genesis_hash()), {});
    EXPECT_TRUE(c.violations().empty()) << "control: " << c.violations().front();
  }
  struct Case {
    const char* what;
    std::function<void(Decision&)> tamper;
    const char* detail;
  };
  const Case cases[] = {
      {"certificate with 2f of 3f+1 signers",
       [&](Decision& d) {
         d.certificate = certify(1, 0, d.value_hash, {0, 1});
       },
       "is not more than 2/3"},
      {"certificate with a bad signature",
       [](Decision& d) { d.certificate.signatures[1].signature[0] ^= 1; },
       "bad signature from validator 1"},
      {"certificate signed by a non-member",
       [&](Decision& d) {
         d.certificate = certify(1, 0, d.value_hash, {0, 1, 2, 4});
       },
       "not in the validator set"},
      {"certificate with one signer twice",
       [&](Decision& d) {
         d.certificate = certify(1, 0, d.value_hash, {0, 1, 1});
       },
       "not strictly increasing"},
      {"valid certificate of another block",
       [&](Decision& d) {
         d.certificate = certify(1, 0, hasher_.hash(block(1, Bytes(32, 7))), {0, 1, 2});
       },
       "certifies another height or value"},
      {"valid certificate of another height",
       [&](Decision& d) {
         d.certificate = certify(2, 0, d.value_hash, {0, 1, 2});
       },
       "certifies another height or value"},
  };
  for (const Case& k : cases) {
    Decision d = decision(1, SimBlock::genesis_hash());
    k.tamper(d);
    Checker c = checker();
    c.on_decide(0, d, {});
    expect_only(c, "certificate", k.detail, k.what);
  }
}

TEST_F(CraftedDecisions, BrokenHashChainIsCaught) {
  const Decision first = decision(1, SimBlock::genesis_hash());
  {
    Checker c = checker();
    c.on_decide(0, first, {});
    c.on_decide(0, decision(2, first.value_hash), {first.value_hash});
    EXPECT_TRUE(c.violations().empty()) << "control: " << c.violations().front();
  }
  Bytes wrong_parent = first.value_hash;
  wrong_parent[0] ^= 1;
  struct Case {
    const char* what;
    Decision second;
    const char* detail;
  };
  const Case cases[] = {
      {"block 2 on another parent", decision(2, wrong_parent), "does not extend its chain"},
      {"block 2 on genesis", decision(2, SimBlock::genesis_hash()), "does not extend its chain"},
      {"height 3's block decided at height 2", decide_value(2, block(3, first.value_hash)),
       "not a block of this height"},
      {"a value that is no block", decide_value(2, to_bytes("not a block")),
       "not a block of this height"},
      {"height 3 decided right after height 1", decision(3, first.value_hash),
       "decided out of order"},
  };
  for (const Case& k : cases) {
    Checker c = checker();
    c.on_decide(0, first, {});
    c.on_decide(0, k.second, {first.value_hash});
    expect_only(c, "hash chain", k.detail, k.what);
  }
}

TEST_F(CraftedDecisions, LockRegressionIsCaught) {
  auto state = [](Height h, Round r, Round locked, std::uint8_t value) {
    SafetyState s;
    s.height = h;
    s.round = r;
    s.locked_round = locked;
    if (locked != kNoRound) s.locked_hash = Bytes(32, value);
    return s;
  };
  {
    // Locks only move forward within a height, and start over at the next one.
    Checker c = checker();
    c.on_persist(0, state(1, 0, kNoRound, 0));
    c.on_persist(0, state(1, 1, 1, 0xA));
    c.on_persist(0, state(1, 2, 2, 0xB));
    c.on_persist(0, state(2, 0, kNoRound, 0));
    EXPECT_TRUE(c.violations().empty()) << "control: " << c.violations().front();
  }
  {
    Checker c = checker();
    c.on_persist(0, state(1, 1, 1, 0xA));
    c.on_persist(0, state(1, 2, kNoRound, 0));
    expect_only(c, "lock", "lock round went from 1 to -1", "lock dropped within a height");
  }
  {
    Checker c = checker();
    c.on_persist(0, state(1, 3, 2, 0xA));
    c.on_persist(0, state(1, 3, 1, 0xA));
    expect_only(c, "lock", "lock round went from 2 to 1", "lock moved to an earlier round");
  }
  {
    Checker c = checker();
    c.on_persist(0, state(1, 1, 1, 0xA));
    c.on_persist(0, state(1, 1, 1, 0xB));
    expect_only(c, "lock", "changed its locked value within a round", "lock switched value");
  }
}
}  // namespace
}  // namespace rl::consensus::sim
