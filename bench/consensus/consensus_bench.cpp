// Core-only throughput: n Consensus instances in one process, messages handed over in memory
// (FIFO, no loss, no codec), the application answering at once. Measures heights decided per
// second for n = 4 and n = 7, with null crypto (empty signatures, verify = true) and, when
// rl_crypto is available, real ECDSA P-256 signatures (rl::crypto::sign / verify). Prints the
// median of several runs. Not a test: `make bench` runs it.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "consensus/bytes_less.hpp"
#include "consensus/core.hpp"
#include "tests/consensus/support/test_crypto.hpp"

#ifdef RL_BENCH_REAL_CRYPTO
#include "crypto/keys.hpp"
#endif

namespace rl::consensus::bench {
namespace {

class NullSigner : public Signer {
 public:
  Bytes sign(ByteView) override { return {}; }
};
class NullVerifier : public Verifier {
 public:
  bool verify(const Validator&, ByteView, ByteView) const override { return true; }
};

#ifdef RL_BENCH_REAL_CRYPTO
class EcdsaSigner : public Signer {
 public:
  explicit EcdsaSigner(rl::crypto::PrivateKey key) : key_(std::move(key)) {}
  Bytes sign(ByteView m) override { return rl::crypto::sign(key_, m).value(); }

 private:
  rl::crypto::PrivateKey key_;
};
class EcdsaVerifier : public Verifier {
 public:
  void add(const Bytes& id, rl::crypto::PublicKey k) { keys_.emplace(id, std::move(k)); }
  bool verify(const Validator& v, ByteView m, ByteView sig) const override {
    auto it = keys_.find(v.id);
    return it != keys_.end() && rl::crypto::verify(it->second, m, sig);
  }

 private:
  std::map<Bytes, rl::crypto::PublicKey, BytesLess> keys_;
};
#endif

struct Cluster {
  std::vector<std::unique_ptr<Signer>> signers;
  std::unique_ptr<Verifier> verifier;
  testing::FnvHasher hasher;
  std::vector<Validator> validators;
};

Cluster make_cluster(int n, bool real) {
  Cluster c;
#ifdef RL_BENCH_REAL_CRYPTO
  auto ecdsa = std::make_unique<EcdsaVerifier>();
#endif
  c.verifier = std::make_unique<NullVerifier>();
  for (int i = 0; i < n; ++i) {
    if (!real) {
      c.validators.push_back({testing::validator_id(static_cast<std::size_t>(i)), 1});
      c.signers.push_back(std::make_unique<NullSigner>());
      continue;
    }
#ifdef RL_BENCH_REAL_CRYPTO
    auto key = rl::crypto::PrivateKey::generate(rl::crypto::Suite::kP256Sha256).value();
    Bytes id = key.public_key().to_der();
    ecdsa->add(id, key.public_key());
    c.validators.push_back({id, 1});
    c.signers.push_back(std::make_unique<EcdsaSigner>(std::move(key)));
#endif
  }
#ifdef RL_BENCH_REAL_CRYPTO
  if (real) c.verifier = std::move(ecdsa);
#endif
  return c;
}

// Runs until every node decided `heights` heights; returns heights per second.
double run(Cluster& c, std::uint64_t heights) {
  const int n = static_cast<int>(c.validators.size());
  const ValidatorSet set = ValidatorSet::create(c.validators).value();
  std::vector<Consensus> nodes;
  for (int i = 0; i < n; ++i) {
    Config cfg;
    cfg.chain_id = "bench";
    cfg.self_id = c.validators[static_cast<std::size_t>(i)].id;
    nodes.push_back(Consensus::create(
                        cfg, ValidatorSchedule(1, set), 1, std::nullopt,
                        {c.signers[static_cast<std::size_t>(i)].get(), c.verifier.get(), &c.hasher})
                        .value());
  }
  std::deque<std::pair<int, Event>> inbox;
  std::vector<std::uint64_t> decided(static_cast<std::size_t>(n), 0);
  std::uint64_t nonce = 0;
  auto handle = [&](int i, Ready r) {
    if (r.decided) decided[static_cast<std::size_t>(i)] = r.decided->height;
    for (auto& m : r.broadcast)
      for (int to = 0; to < n; ++to)
        if (to != i) inbox.emplace_back(to, Received{m});
    if (r.build_proposal) {
      Bytes v = to_bytes("block " + std::to_string(r.build_proposal->height) + "/" +
                         std::to_string(nonce++));
      v.resize(256, 0);
      Bytes h = c.hasher.hash(v);
      inbox.emplace_back(i, ProposalReady{r.build_proposal->height, r.build_proposal->round, v, h});
    }
    for (auto& chk : r.check_proposals)
      inbox.emplace_back(i, ProposalChecked{chk.height, chk.round, chk.value_hash, true});
  };
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) handle(i, nodes[static_cast<std::size_t>(i)].step(Start{}));
  while (!inbox.empty() && *std::min_element(decided.begin(), decided.end()) < heights) {
    auto [to, ev] = std::move(inbox.front());
    inbox.pop_front();
    handle(to, nodes[static_cast<std::size_t>(to)].step(ev));
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(heights) / secs;
}

void report(const char* label, int n, bool real, std::uint64_t heights) {
  Cluster c = make_cluster(n, real);
  std::vector<double> rates;
  for (int rep = 0; rep < 5; ++rep) rates.push_back(run(c, heights));
  std::sort(rates.begin(), rates.end());
  std::printf(
      "consensus core  n=%d  %-22s median %10.0f heights/s  (min %.0f, max %.0f; %d runs x %llu "
      "heights)\n",
      n, label, rates[2], rates.front(), rates.back(), 5, static_cast<unsigned long long>(heights));
}

}  // namespace
}  // namespace rl::consensus::bench

int main() {
  using rl::consensus::bench::report;
  report("null crypto", 4, false, 20000);
  report("null crypto", 7, false, 10000);
#ifdef RL_BENCH_REAL_CRYPTO
  report("ECDSA P-256", 4, true, 300);
  report("ECDSA P-256", 7, true, 150);
#else
  std::printf("ECDSA P-256 benchmark skipped: rl_crypto not available in this build\n");
#endif
  return 0;
}
