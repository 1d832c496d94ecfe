#include "tests/cluster/byzantine_phase.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "api/evidence_json.hpp"
#include "config/node_config.hpp"
#include "ledger/evidence.hpp"
#include "tests/cluster/byzantine_log.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/cluster/member_peer.hpp"
#include "tests/cluster/run_checks.hpp"
#include "tests/support/metrics_scrape.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using std::chrono::seconds;

const std::vector<std::string> kAllModes = {"equivocate",    "double_vote",  "unknown_votes",
                                            "bad_proposals", "lying_status", "bad_parts",
                                            "withhold_parts"};
struct Nodes {
  std::vector<std::size_t> honest;
  std::vector<std::size_t> byzantine;
  std::vector<std::uint32_t> byzantine_validators;  // their validator indices
};

std::vector<std::string> modes_of(const std::string& text) {
  if (text == "all") return kAllModes;
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= text.size();) {
    const auto comma = std::min(text.find(',', at), text.size());
    out.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

std::string since(const Cluster& c, std::size_t i, std::size_t offset) {
  const std::string text = node_log(c, i);
  return offset < text.size() ? text.substr(offset) : std::string();
}

// Every recorded equivocation node i lists (GET /v1/evidence, every page).
std::vector<ledger::pb::EvidenceRecord> evidence_on(const Cluster& c, std::size_t i) {
  std::vector<ledger::pb::EvidenceRecord> out;
  auto client = c.target(i).client(3000);
  std::string after;
  do {
    std::string target = "/v1/evidence?limit=1000";
    if (!after.empty()) target.append("&after=").append(after);
    auto r = client.get(target);
    if (!r.ok() || r->status != 200) {
      ADD_FAILURE() << "node" << i << " GET " << target << " failed";
      return out;
    }
    const auto j = nlohmann::json::parse(r->body);
    for (const auto& item : j["evidence"])
      out.push_back(must(api::evidence_record_from_json(item)));
    after = j.value("next", std::string());
  } while (!after.empty());
  return out;
}

// The honest side reports a Byzantine validator's conflicting votes, in its log, and records
// the proof on the ledger (decision 0077): within a bound every honest node lists a proof for
// each Byzantine validator; every listed proof re-verifies offline against the genesis set; and
// no honest validator is ever accused.
void expect_equivocation_reported(const Cluster& c, const Nodes& n,
                                  const std::vector<std::string>& logs) {
  for (std::size_t k = 0; k < n.honest.size(); ++k) {
    for (std::uint32_t v : n.byzantine_validators) {
      std::string line = "equivocation detected validator=";
      line += std::to_string(v);
      line += ' ';
      EXPECT_NE(logs[k].find(line), std::string::npos)
          << "node" << n.honest[k] << " did not report validator " << v << "'s equivocation";
    }
  }
  const auto anchor = must(ledger::make_trust_anchor(c.genesis()));
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  for (std::size_t i : n.honest) {
    std::vector<ledger::pb::EvidenceRecord> records;
    std::set<std::uint32_t> accused;
    for (;;) {
      records = evidence_on(c, i);
      accused.clear();
      for (const auto& r : records) accused.insert(r.validator_index());
      const bool all = std::all_of(n.byzantine_validators.begin(), n.byzantine_validators.end(),
                                   [&](std::uint32_t v) { return accused.count(v) > 0; });
      if (all || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    for (std::uint32_t v : n.byzantine_validators) {
      EXPECT_TRUE(accused.count(v)) << "node" << i << " lists no recorded equivocation of "
                                    << "validator " << v << " (" << records.size() << " listed)";
    }
    for (const auto& r : records) {
      EXPECT_NE(std::find(n.byzantine_validators.begin(), n.byzantine_validators.end(),
                          r.validator_index()),
                n.byzantine_validators.end())
          << "node" << i << " lists honest validator " << r.validator_index() << " as equivocating";
      const auto verified = ledger::verify_evidence_record(anchor, anchor.genesis_keys, r);
      EXPECT_TRUE(verified.ok()) << "node" << i << ": " << verified.error().to_string();
    }
    std::printf(
        "[byzantine] node%zu: %zu equivocation proofs on the ledger, all verified against "
        "genesis\n",
        i, records.size());
  }
}

// A forged or withheld proposal was all the Byzantine proposer sent in its round, so no honest
// node can have decided that round at that height. Returns how many proposals were checked.
std::size_t expect_round_not_decided(const Cluster& c, const Nodes& n, const ByzantineLog& byz,
                                     const std::string& mode) {
  std::vector<std::map<std::uint64_t, std::int64_t>> rounds;
  for (std::size_t i : n.honest) rounds.push_back(committed_rounds(node_log(c, i)));
  std::size_t checked = 0;
  for (const auto& p : byz.proposals) {
    if (p.mode != mode) continue;
    ++checked;
    for (std::size_t k = 0; k < n.honest.size(); ++k) {
      const auto it = rounds[k].find(p.height);
      if (it == rounds[k].end()) {
        ADD_FAILURE() << "node" << n.honest[k] << " never committed " << p.height;
        continue;
      }
      EXPECT_NE(it->second, p.round) << "node" << n.honest[k] << " decided height " << p.height
                                     << " in the round of a " << mode << " proposal";
    }
  }
  return checked;
}

// Each kind of forged block the Byzantine node sent met its refusal on some honest node: the
// check_block refusal of a tx, or the fetch of a compact block's unknown txs.
void expect_forgeries_refused(const ByzantineLog& byz, const std::vector<std::string>& logs) {
  std::map<std::string, bool> refused;  // by variant
  for (const auto& p : byz.proposals) {
    if (p.mode != "bad_proposals") continue;
    std::string line = p.variant == "unknown_tx_ids"
                           ? "compact proposal lacks txs here; fetching them height="
                           : "proposal refused height=";
    line += std::to_string(p.height);
    line += " round=";
    line += std::to_string(p.round);
    line += p.variant == "unknown_tx_ids" ? " " : " code=bad_block message=tx ";
    bool seen = false;
    for (const auto& log : logs) seen = seen || log.find(line) != std::string::npos;
    refused[p.variant] = refused[p.variant] || seen;
  }
  for (const auto& [variant, seen] : refused) {
    EXPECT_TRUE(seen) << "no honest node logged the refusal of a " << variant << " proposal";
  }
}

void play_phase(Cluster& c, RunChecks& checks, const Nodes& n, const Phase& phase,
                const std::vector<std::size_t>& offsets) {
  const auto modes = modes_of(phase.modes);
  const bool lying = std::find(modes.begin(), modes.end(), "lying_status") != modes.end();
  std::uint64_t from = 0;
  for (std::size_t i : n.honest) from = std::max(from, c.height(i));
  const auto bound = seconds(30 + 3 * (phase.heights + phase.lag));
  if (lying && phase.lag > 0) {
    const std::vector<std::size_t> others(n.honest.begin(), n.honest.end() - 1);
    EXPECT_TRUE(c.wait_height(others, from + phase.heights / 2, bound));
    EXPECT_EQ(c.stop(n.honest.back()), 0);
    EXPECT_TRUE(c.wait_height(others, c.height(others.front()) + phase.lag, bound));
    c.start(n.honest.back());
  }
  EXPECT_TRUE(c.wait_height(n.honest, from + phase.heights, bound))
      << "the honest nodes did not commit " << phase.heights << " heights from " << from
      << "; heights " << heights_text(c, n.honest);
  // The build says what it is, in its log and in its metrics.
  for (std::size_t b : n.byzantine) {
    auto m = plain_http_get(c.metrics_port(b), "/metrics", 2000);
    EXPECT_TRUE(m.ok() && m->body.find("-BYZANTINE-TEST-ONLY\"") != std::string::npos)
        << "node" << b << " does not report a TEST-ONLY version";
  }
  const CheckResult check = checks.check(3, seconds(30));
  for (const auto& v : check.violations) ADD_FAILURE() << phase.modes << ": " << v;

  ByzantineLog byz;
  for (std::size_t b : n.byzantine) {
    EXPECT_EQ(c.stop(b), 0) << "node" << b << " did not exit cleanly";
    const std::string text = since(c, b, offsets[b]);
    EXPECT_NE(text.find("BYZANTINE TEST BUILD"), std::string::npos) << "node" << b;
    const ByzantineLog one = parse_byzantine_log(text);
    for (const auto& [mode, count] : one.sent) byz.sent[mode] += count;
    byz.sync_requests += one.sync_requests;
    byz.proposals.insert(byz.proposals.end(), one.proposals.begin(), one.proposals.end());
  }
  // The Byzantine node may have proposed a height or two beyond where the check left the honest
  // nodes: they commit those without it before their logs are read.
  std::uint64_t last = 0;
  for (const auto& p : byz.proposals) last = std::max(last, p.height);
  EXPECT_TRUE(c.wait_height(n.honest, last, seconds(30))) << heights_text(c, n.honest);
  std::vector<std::string> logs;
  for (std::size_t i : n.honest) logs.push_back(since(c, i, offsets[i]));

  std::map<std::string, std::size_t> proposals;
  for (const auto& p : byz.proposals) ++proposals[p.mode];
  // Once per phase, however many of its modes equivocate.
  if (std::any_of(modes.begin(), modes.end(),
                  [](const auto& m) { return m == "double_vote" || m == "unknown_votes"; })) {
    expect_equivocation_reported(c, n, logs);
  }
  for (const auto& mode : modes) {
    EXPECT_GT(byz.sent[mode], 0u) << mode << ": the Byzantine node sent nothing";
    if (mode == "bad_proposals" || mode == "withhold_parts") {
      expect_round_not_decided(c, n, byz, mode);
    }
    if (mode == "bad_proposals") expect_forgeries_refused(byz, logs);
    if (mode == "lying_status") {
      // The honest nodes believed the claim enough to ask for the blocks, but a peer that
      // served nothing is not asked again before it claims again: at most one request per
      // status frame it broadcast, from each honest node.
      EXPECT_GT(byz.sync_requests, 0u) << "no honest node acted on the claimed head";
      EXPECT_LE(byz.sync_requests, (c.size() - 1) * byz.sent["lying_status"])
          << "the honest nodes asked the liar for blocks again without a new claim";
    }
  }
  std::string props;
  for (const auto& [mode, count] : proposals) {
    props += ' ';
    props += mode;
    props += '=';
    props += std::to_string(count);
  }
  std::printf(
      "[byzantine] modes=%s | sent: %s | proposals:%s | sync requests to the liar: %llu | %s\n",
      phase.modes.c_str(), byz.sent_text().c_str(), props.empty() ? " none" : props.c_str(),
      static_cast<unsigned long long>(byz.sync_requests), check.summary.c_str());
  std::fflush(stdout);
}

}  // namespace

std::string byzantine_binary() {
  return std::string(RL_BINARY_DIR) + "/tests/cluster/regledgerd_byzantine";
}

std::uint64_t byzantine_seed_from_env() {
  if (const char* s = std::getenv("RL_BYZ_SEED"); s != nullptr && *s != '\0') {
    return std::strtoull(s, nullptr, 10);
  }
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) | rd();
}

void run_phases(std::size_t validators, std::size_t byzantine, const std::vector<Phase>& phases,
                std::uint64_t seed) {
  ClusterOptions o;
  o.validators = static_cast<std::uint32_t>(validators);
  o.name = "byzantine";
  o.part_bytes = 4096;  // proposals with txs travel in parts, as large blocks do
  o.metrics = true;
  Cluster c(o);
  Nodes n;
  for (std::size_t i = 0; i < validators; ++i) {
    if (i + byzantine < validators) {
      n.honest.push_back(i);
    } else {
      n.byzantine.push_back(i);
      n.byzantine_validators.push_back(
          must(node::load_node_config(c.home(i)), "config").validator_index);
    }
  }
  std::printf("[byzantine] seed=%llu validators=%zu byzantine=%zu (replay: RL_BYZ_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), validators, byzantine,
              static_cast<unsigned long long>(seed));
  std::optional<RunChecks> checks;
  std::vector<std::size_t> offsets(c.size(), 0);
  for (std::size_t k = 0; k < phases.size(); ++k) {
    for (std::size_t b : n.byzantine) {
      const std::uint64_t node_seed = seed + 1000 * k + b;
      std::printf("[byzantine] phase %zu: node%zu modes=%s REGLEDGER_BYZANTINE_SEED=%llu\n", k, b,
                  phases[k].modes.c_str(), static_cast<unsigned long long>(node_seed));
      c.set_program(b, byzantine_binary(),
                    {"REGLEDGER_BYZANTINE=" + phases[k].modes,
                     "REGLEDGER_BYZANTINE_SEED=" + std::to_string(node_seed)});
    }
    if (k == 0) {
      c.start_all();
      ASSERT_TRUE(c.wait_height(all_nodes(c), 2, seconds(60))) << c.all_logs_tail();
      checks.emplace(c, n.honest);
      checks->start_load(seed);
    } else {
      for (std::size_t i = 0; i < c.size(); ++i) offsets[i] = node_log(c, i).size();
      for (std::size_t b : n.byzantine) c.start(b);
    }
    play_phase(c, *checks, n, phases[k], offsets);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace rl::testing
