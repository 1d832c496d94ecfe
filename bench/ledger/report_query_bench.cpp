// Report queries at scale (issue #16: "with 1,000,000 reports on one node, p50/p99 latency of
// each query kind for a page of 100 (target p99 under 20 ms), storage bytes per report, and node
// RSS (target under 1 GB)").
//
// One process, no HTTP, the node's own parts driven directly:
//
//   load     a real genesis (genesis init's CA and validator, three report templates, --orgs
//            institutions with --accounts-per-org reporting accounts each, and a regulator
//            reviewer, every account with a certificate bound at genesis) and a real RocksDB
//            store in a temp directory, through ledger::Chain. Every report is a SubmitReport
//            signed with P-256 (on every core) and goes through what the single-validator
//            Sealer does: Chain::build_block (which verifies the block's signatures on every
//            core, then executes every tx), optionally Chain::check_block, signer state,
//            precommit signature, Chain::commit_block (synced write). Mempool admission is left
//            out: it would execute every tx a second time and change nothing stored.
//   data     --periods monthly periods of the year after genesis; block times walk through the
//            filing window of each period (its end + 1 h .. + 22 days), so that the reports
//            committed after the 20-day deadline (and before the 30-day lock) are late. Three
//            templates: capital-adequacy (floor 2) and liquidity (floor 10) with that monthly
//            calendar, large-exposures (floor 30) without a calendar (never late). Submitters'
//            levels are 00-49, so the data levels are mixed. --corrections of the reports are
//            corrections of a latest version of the same organization, template and period
//            committed in an earlier block (so version chains exist); the regulator's reviewer
//            reviews --reviews of the reports (ReviewReport, --rejected of them REJECTED) in the
//            blocks after they were committed.
//   storage  the store directory's size as the commit path left it, then after flushing every
//            memtable and compacting every column family (Store::rewrite_all_tables), with the
//            live SST bytes per column family, the blob files' bytes and RocksDB's
//            estimate-live-data-size.
//   queries  every filter of GET /v1/reports (identity::list_visible_reports, what the route
//            calls) and GET /v1/reports/{id}/versions (identity::list_report_versions), for a
//            page of 100, with random parameters, as a regulator (reads every organization) and
//            as a bank's account (its own organization only); plus fetching page k of a listing
//            through the cursor of page k - 1. Each call is timed alone; p50/p99/max in ms.
//   RSS      VmRSS and VmHWM of this process, which holds the same Chain a node holds (block
//            cache, memtables, signature cache) plus the bench's own bookkeeping (freed before
//            the first figure, although the allocator may keep some of it).
#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/report_payloads.hpp"
#include "bench/common/stats.hpp"
#include "bench/common/temp_dir.hpp"
#include "common/civil_time.hpp"
#include "common/file_io.hpp"
#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "genesis/network_init.hpp"
#include "ledger/chain.hpp"
#include "ledger/commit.hpp"
#include "ledger/filing_calendar.hpp"
#include "ledger/genesis.hpp"
#include "ledger/permission.hpp"
#include "ledger/store.hpp"
#include "ledger/tx.hpp"
#include "node/app/identity/ledger_view.hpp"
#include "node/app/identity/principal.hpp"
#include "node/app/identity/read_policy.hpp"
#include "node/app/identity/report_listing.hpp"

namespace {

namespace fs = std::filesystem;
namespace ledger = rl::ledger;
namespace identity = rl::node::identity;
using Clock = std::chrono::steady_clock;

template <typename T>
T must(rl::Result<T> r, const char* what) {
  return rl::bench::must("report_query_bench", std::move(r), what);
}

void must(const rl::Status& st, const char* what) {
  rl::bench::must("report_query_bench", st, what);
}

double secs_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string two_digits(std::size_t v) {
  return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10);
}

constexpr std::int64_t kDayMs = ledger::filing::kDayMs;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::uint32_t kDeadlineDays = 20;
constexpr std::uint32_t kGraceDays = 10;
constexpr std::int64_t kWindowMs = 22 * kDayMs;  // filing window after a period's end
constexpr std::uint64_t kMinBlocksPerPeriod = 12;
constexpr double kTargetP99Ms = 20.0;
constexpr double kTargetRssMb = 1024.0;

struct Settings {
  int reports = 100000;
  int orgs = 20;
  int accounts_per_org = 5;
  int periods = 12;
  int block_txs = 1000;
  double corrections = 0.10;
  double reviews = 0.30;
  double rejected = 0.10;
  int payload = 128;
  int queries = 1000;
  double kind_seconds = 30;
  int cursor_pages = 1000;
  int reader_level = 99;
  bool check_block = false;
  std::uint64_t seed = 1;
  std::string log_level = "error";
};

struct TemplateSpec {
  const char* id;
  std::uint32_t floor;
  bool calendar;
};
constexpr std::array<TemplateSpec, 3> kTemplates = {{
    {"capital-adequacy", 2, true},
    {"liquidity", 10, true},
    {"large-exposures", 30, false},
}};

struct Account {
  std::string id;
  std::size_t org = 0;
  rl::crypto::PrivateKey key;
  rl::Bytes cert_id;
  std::uint64_t nonce = 0;
};

struct Network {
  ledger::Genesis genesis;
  rl::crypto::PrivateKey validator_key;
  std::vector<Account> accounts;      // org o's accounts: [o * per_org, (o + 1) * per_org)
  std::unique_ptr<Account> reviewer;  // the regulator's
  std::vector<std::string> orgs;
  int year = 0;                          // of the periods
  std::vector<std::string> periods;      // "YYYY-MM"
  std::vector<std::int64_t> period_end;  // ms: midnight UTC after the period's last day
};

std::int64_t month_start_ms(int year, int month) {  // month 1..13 (13 = January of year + 1)
  if (month == 13) {
    year += 1;
    month = 1;
  }
  return rl::days_from_civil({year, month, 1}) * kDayMs;
}

// genesis init (root CA, issuing CA, one validator, the regulator and its admin), the three
// templates and a linear permission mapping, plus the institutions, their reporting accounts and
// a regulator reviewer, each with a key and a certificate from the issuing CA bound at genesis,
// valid until after the last simulated block. Written out and read back as genesis.json.
Network make_network(const Settings& s, const fs::path& dir) {
  auto def = rl::genesis::default_definition();
  def.scrypt_n = 1024;
  // Reports plus the reviews that ride along (at most one per report).
  def.block.max_block_txs = static_cast<std::uint32_t>(2 * s.block_txs);
  def.chain_id = "report-query-bench";
  def.encrypt_at_rest = false;
  def.templates.clear();
  for (const auto& spec : kTemplates) {
    ledger::GenesisTemplate t;
    t.id = spec.id;
    t.name = std::string("Monthly ") + spec.id + " return";
    t.data_level_floor = spec.floor;
    t.required_fields = {"institution", "period", "cet1_ratio", "total_capital"};
    if (spec.calendar) {
      ledger::pb::FilingCalendar c;
      c.set_frequency("monthly");
      c.set_deadline_days(kDeadlineDays);
      c.set_grace_days(kGraceDays);
      t.calendar = c;
    }
    def.templates.push_back(std::move(t));
  }
  auto init = must(rl::genesis::init_network(def, (dir / "net").string()), "genesis init");
  auto g = must(ledger::parse_genesis(must(rl::read_file(init.genesis_path), "read genesis")),
                "parse genesis");
  auto issuing = must(rl::crypto::Certificate::from_pem(
                          must(rl::read_file((dir / "net/ca/issuing.pem").string()), "read CA")),
                      "issuing CA");
  auto issuing_key = must(rl::crypto::PrivateKey::from_pem(must(
                              rl::read_file((dir / "net/ca/issuing.key").string()), "read CA key")),
                          "issuing CA key");
  auto validator_key = must(rl::crypto::PrivateKey::from_pem(must(
                                rl::read_file((fs::path(init.node_homes[0]) / "node.key").string()),
                                "read validator key")),
                            "validator key");
  auto credential = must(rl::genesis::make_credential("bench-password", 1024), "credential");

  Network n{std::move(g), std::move(validator_key), {}, {}, {}, 0, {}, {}};
  n.year = rl::civil_from_days(n.genesis.genesis_time_ms / kDayMs).year + 1;
  for (int p = 0; p < s.periods; ++p) {
    n.periods.push_back(std::to_string(n.year) + "-" + two_digits(static_cast<std::size_t>(p + 1)));
    n.period_end.push_back(month_start_ms(n.year, p + 2));
  }
  for (int o = 0; o < s.orgs; ++o) {
    std::string id = "bank-" + two_digits(static_cast<std::size_t>(o));
    n.genesis.organizations.push_back({id, "Institution " + id, "institution"});
    n.orgs.push_back(id);
  }
  const std::int64_t t = n.genesis.genesis_time_ms / 1000;
  const std::int64_t until = (n.period_end.back() + kWindowMs) / 1000 + 30 * 86400;
  const auto suite = n.genesis.suite;
  auto make_account = [&](const std::string& id, const std::string& org, const std::string& role,
                          const std::string& code, std::size_t org_index) {
    auto key = must(rl::crypto::PrivateKey::generate(suite), "account key");
    auto csr = must(rl::crypto::CertificateRequest::create(key, {id, org, "Reporting", ""}), "csr");
    rl::crypto::IssueOptions io;
    io.not_before = t - 3600;
    io.not_after = until;
    io.profile = rl::crypto::CertProfile::kEndEntity;
    auto cert = must(rl::crypto::issue_certificate(issuing, issuing_key, csr, io), "issue");
    ledger::GenesisAccount a;
    a.id = id;
    a.org = org;
    a.role = role;
    a.permission_code = code;
    a.credential = credential;
    a.certificate_pems = {cert.to_pem()};
    n.genesis.accounts.push_back(std::move(a));
    return Account{id, org_index, std::move(key), cert.id(suite), 0};
  };
  int i = 0;
  for (int o = 0; o < s.orgs; ++o) {
    for (int k = 0; k < s.accounts_per_org; ++k, ++i) {
      const std::string& org = n.orgs[static_cast<std::size_t>(o)];
      // Input only (00) or input and output (01); levels spread over 00-49: mixed data levels.
      std::string code =
          std::string(i % 2 == 0 ? "00" : "01") + two_digits(static_cast<std::size_t>(i * 7 % 50));
      n.accounts.push_back(make_account(org + "-reporter-" + std::to_string(k), org, "reporter",
                                        code, static_cast<std::size_t>(o)));
    }
  }
  // Output only, the highest clearance: may review every report.
  const std::string regulator = def.regulators.front().org;
  n.reviewer = std::make_unique<Account>(
      make_account("regulator-reviewer", regulator, "reporter", "1199", 0));
  std::string json = ledger::genesis_to_json(n.genesis);
  must(rl::write_file((dir / "genesis.json").string(), json), "write genesis");
  n.genesis = must(ledger::parse_genesis(json), "re-parse genesis");
  return n;
}

// ---- load ----

using Id = std::array<std::uint8_t, 32>;  // a report id (tx id) as bytes

Id id_of(const rl::Bytes& b) {
  Id id{};
  std::memcpy(id.data(), b.data(), std::min(b.size(), id.size()));
  return id;
}

std::string hex(const Id& id) {
  return rl::to_hex(rl::ByteView(id.data(), id.size()));
}

struct IdHash {
  std::size_t operator()(const Id& id) const {
    std::size_t h;
    std::memcpy(&h, id.data(), sizeof h);
    return h;
  }
};

// A version chain of the current period: what a correction may replace.
struct VersionChain {
  std::uint32_t org = 0;
  std::uint32_t tmpl = 0;
  Id first{};
  Id latest{};
  std::uint32_t versions = 1;
  std::int64_t busy_block = -1;  // the block that last changed it (not corrected again in it)
};

// A sampled report for the id-based queries: its organization and id.
struct Sampled {
  std::size_t org = 0;
  std::string id;
};

// Keeps `cap` uniformly chosen entries of a stream.
struct Reservoir {
  std::size_t cap = 0;
  std::uint64_t seen = 0;
  std::vector<Sampled> items;
  void add(std::mt19937_64& rng, std::size_t org, const Id& id) {
    ++seen;
    if (items.size() < cap) {
      items.push_back({org, hex(id)});
      return;
    }
    std::uniform_int_distribution<std::uint64_t> d(0, seen - 1);
    const std::uint64_t j = d(rng);
    if (j < cap) items[j] = {org, hex(id)};
  }
};

struct Planned {
  Account* signer = nullptr;
  ledger::pb::TxBody body;
  enum Kind { kFirst, kCorrection, kReview } kind = kFirst;
  std::size_t chain = 0;  // kCorrection: index into the period's chains
  std::size_t org = 0;
  std::uint32_t tmpl = 0;
};

struct LoadStats {
  std::uint64_t first = 0, corrections = 0, accepted = 0, rejected = 0, late = 0, blocks = 0;
  std::uint64_t tx_bytes = 0;
  double secs = 0, sign_secs = 0, build_secs = 0, commit_secs = 0;
};

struct Samples {
  Reservoir reports{4096, 0, {}};
  Reservoir corrected_chains{4096, 0, {}};  // first versions of chains with >= 2 versions
  std::int64_t first_time_ms = 0, last_time_ms = 0;
};

// Signs `plan` on every core; the decoded txs, in order.
std::vector<ledger::TxRef> sign_all(const ledger::Genesis& g, std::vector<Planned>& plan) {
  std::vector<ledger::TxRef> out(plan.size());
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < plan.size(); i += threads) {
        auto raw = must(ledger::sign_tx(plan[i].body, plan[i].signer->key, plan[i].signer->cert_id),
                        "sign");
        out[i] = std::make_shared<const ledger::DecodedTx>(
            must(ledger::decode_tx(g.suite, raw), "decode"));
      }
    });
  }
  return out;  // the pool joins first
}

void commit(const Settings& s, const Network& n, ledger::Chain& chain,
            const std::vector<ledger::TxRef>& txs, std::int64_t time_ms, LoadStats& st) {
  auto t0 = Clock::now();
  std::vector<ledger::DroppedTx> dropped;
  auto block = must(chain.build_block(txs, time_ms, 0, &dropped), "build_block");
  if (!dropped.empty()) {
    std::fprintf(stderr, "report_query_bench: block building dropped %zu txs, first: %s\n",
                 dropped.size(), dropped.front().error.to_string().c_str());
    std::exit(1);
  }
  if (s.check_block) block = must(chain.check_block(block.block_bytes, &txs), "check_block");
  st.build_secs += secs_since(t0);
  auto t1 = Clock::now();
  ledger::pb::SignerState state;
  state.set_height(block.height);
  state.set_round(0);
  state.set_signed_block_hash(rl::to_string(block.block_hash));
  must(chain.save_signer_state(state), "save signer state");
  auto sig = must(
      ledger::sign_precommit(chain.anchor(), n.validator_key, 0, block.height, 0, block.block_hash),
      "sign precommit");
  ledger::pb::CommitCertificate cert;
  cert.set_height(block.height);
  cert.set_round(0);
  cert.set_block_hash(rl::to_string(block.block_hash));
  *cert.add_signatures() = sig;
  must(chain.commit_block(block, cert), "commit_block");
  st.commit_secs += secs_since(t1);
  st.blocks++;
}

LoadStats load(const Settings& s, Network& n, ledger::Chain& chain, Samples& samples) {
  std::mt19937_64 rng(s.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::vector<std::string> payloads = rl::bench::padded_report_payloads(n.orgs, s.payload);
  LoadStats st;
  std::vector<Id> reviewable;  // committed, SUBMITTED, maybe superseded (checked below)
  std::unordered_set<Id, IdHash> superseded;  // corrected ids still in `reviewable`
  double review_credit = 0;
  std::uint64_t done = 0;
  const auto total = static_cast<std::uint64_t>(s.reports);
  std::uint64_t next_progress = total / 20;
  auto start = Clock::now();
  for (int p = 0; p < s.periods; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    const std::uint64_t in_period = total * (pi + 1) / static_cast<std::uint64_t>(s.periods) -
                                    total * pi / static_cast<std::uint64_t>(s.periods);
    // At least kMinBlocksPerPeriod blocks, so that a small run still has corrections (of
    // earlier blocks) and late reports (blocks past the deadline).
    const std::uint64_t blocks =
        std::max<std::uint64_t>(std::min<std::uint64_t>(kMinBlocksPerPeriod, in_period),
                                (in_period + static_cast<std::uint64_t>(s.block_txs) - 1) /
                                    static_cast<std::uint64_t>(s.block_txs));
    const std::int64_t deadline = n.period_end[pi] + kDeadlineDays * kDayMs;
    std::vector<VersionChain> chains;
    for (std::uint64_t b = 0; b < blocks; ++b) {
      const std::uint64_t count = in_period * (b + 1) / blocks - in_period * b / blocks;
      const std::int64_t time_ms =
          n.period_end[pi] + kHourMs +
          (blocks > 1 ? static_cast<std::int64_t>(b) * (kWindowMs - kHourMs) /
                            static_cast<std::int64_t>(blocks - 1)
                      : 0);
      if (samples.first_time_ms == 0) samples.first_time_ms = time_ms;
      samples.last_time_ms = time_ms;
      const auto block_no = static_cast<std::int64_t>(st.blocks);
      const std::uint64_t height = chain.head().height + 1;
      std::vector<Planned> plan;
      plan.reserve(count + count / 2 + 1);
      auto body_for = [&](Account& a) {
        ledger::pb::TxBody body;
        body.set_chain_id(n.genesis.chain_id);
        body.set_nonce(++a.nonce);
        body.set_expires_at_height(height + 100);
        body.set_signer(a.id);
        return body;
      };
      for (std::uint64_t i = 0; i < count; ++i) {
        Planned pl;
        std::optional<std::size_t> c;
        if (!chains.empty() && unit(rng) < s.corrections) {
          for (int tries = 0; tries < 4 && !c; ++tries) {
            std::uniform_int_distribution<std::size_t> d(0, chains.size() - 1);
            const std::size_t k = d(rng);
            if (chains[k].busy_block != block_no) c = k;
          }
        }
        std::uniform_int_distribution<std::size_t> acc(
            0, static_cast<std::size_t>(s.accounts_per_org) - 1);
        if (c) {
          auto& vc = chains[*c];
          vc.busy_block = block_no;
          pl.kind = Planned::kCorrection;
          pl.chain = *c;
          pl.org = vc.org;
          pl.tmpl = vc.tmpl;
          superseded.insert(vc.latest);
        } else {
          std::uniform_int_distribution<std::size_t> org(0, n.orgs.size() - 1);
          std::uniform_int_distribution<std::uint32_t> tmpl(0, kTemplates.size() - 1);
          pl.org = org(rng);
          pl.tmpl = tmpl(rng);
        }
        pl.signer = &n.accounts[pl.org * static_cast<std::size_t>(s.accounts_per_org) + acc(rng)];
        pl.body = body_for(*pl.signer);
        auto* r = pl.body.mutable_submit_report();
        r->set_template_id(kTemplates[pl.tmpl].id);
        r->set_period(n.periods[pi]);
        r->set_content_type("application/json");
        r->set_payload(payloads[pl.org]);
        if (c) r->set_corrects(hex(chains[*c].latest));
        if (kTemplates[pl.tmpl].calendar && time_ms > deadline) st.late++;
        plan.push_back(std::move(pl));
      }
      // Reviews of reports committed in earlier blocks that no correction replaced.
      review_credit += s.reviews * static_cast<double>(count);
      while (review_credit >= 1 && !reviewable.empty()) {
        std::uniform_int_distribution<std::size_t> d(0, reviewable.size() - 1);
        const std::size_t k = d(rng);
        const Id target = reviewable[k];
        reviewable[k] = reviewable.back();
        reviewable.pop_back();
        if (superseded.erase(target) > 0) continue;
        review_credit -= 1;
        Planned pl;
        pl.kind = Planned::kReview;
        pl.signer = n.reviewer.get();
        pl.body = body_for(*n.reviewer);
        auto* rv = pl.body.mutable_review_report();
        rv->set_report_id(hex(target));
        if (unit(rng) < s.rejected) {
          rv->set_decision("REJECTED");
          rv->add_reasons("figures do not reconcile with the previous period");
          st.rejected++;
        } else {
          rv->set_decision("ACCEPTED");
          st.accepted++;
        }
        plan.push_back(std::move(pl));
      }

      auto t0 = Clock::now();
      auto txs = sign_all(n.genesis, plan);
      st.sign_secs += secs_since(t0);
      for (const auto& tx : txs) st.tx_bytes += tx->raw.size();
      commit(s, n, chain, txs, time_ms, st);

      for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto& pl = plan[i];
        if (pl.kind == Planned::kReview) continue;
        const Id id = id_of(txs[i]->id);
        if (pl.kind == Planned::kCorrection) {
          auto& vc = chains[pl.chain];
          vc.latest = id;
          vc.versions++;
          st.corrections++;
        } else {
          chains.push_back({static_cast<std::uint32_t>(pl.org), pl.tmpl, id, id, 1, block_no});
          st.first++;
        }
        reviewable.push_back(id);
        samples.reports.add(rng, pl.org, id);
      }
      done += count;
      if (done >= next_progress || done == total) {
        const double el = secs_since(start);
        const double rate = static_cast<double>(done) / el;
        std::fprintf(stderr,
                     "  load: %3.0f%%  %" PRIu64 " reports in %" PRIu64
                     " blocks, %.0f reports/s, elapsed %.0f s, ETA %.0f s\n",
                     100.0 * static_cast<double>(done) / static_cast<double>(total), done,
                     st.blocks, rate, el, static_cast<double>(total - done) / rate);
        next_progress += total / 20;
      }
    }
    for (const auto& vc : chains) {
      if (vc.versions >= 2) samples.corrected_chains.add(rng, vc.org, vc.first);
    }
  }
  st.secs = secs_since(start);
  return st;
}

// ---- storage and memory ----

std::uint64_t dir_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

struct Memory {
  double rss_mb = 0, hwm_mb = 0;
};

Memory memory() {
  Memory m;
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    auto kb = [&](const char* key, double* out) {
      if (line.rfind(key, 0) == 0) *out = std::stod(line.substr(std::strlen(key))) / 1024.0;
    };
    kb("VmRSS:", &m.rss_mb);
    kb("VmHWM:", &m.hwm_mb);
  }
  return m;
}

void print_memory(const char* when) {
  const auto m = memory();
  std::printf("RSS %-36s VmRSS %7.1f MB   VmHWM %7.1f MB   (target < %.0f MB: %s)\n", when,
              m.rss_mb, m.hwm_mb, kTargetRssMb, m.hwm_mb < kTargetRssMb ? "met" : "NOT MET");
  std::fflush(stdout);
}

// ---- queries ----

// A reader as the node loads it for a session of `account` with output permission at `level`.
identity::ReadContext reader_of(const ledger::Chain& chain, const std::string& account,
                                const std::string& org, const std::string& kind, int level) {
  identity::Principal p;
  p.account = account;
  p.org = org;
  p.org_kind = kind;
  p.role = "reporter";
  p.permission_code = "11" + two_digits(static_cast<std::size_t>(level));
  p.permission = must(ledger::parse_permission_code(p.permission_code), "reader code");
  identity::LedgerView view(chain);
  return must(identity::load_read_context(view, std::move(p)), "read context");
}

enum class Route { kList, kVersions };

struct Call {
  Route route = Route::kList;
  identity::ReportQuery q;
  std::string report_id;  // kVersions
  std::size_t org = 0;    // the bank whose account asks (bank reader)
};

struct Kind {
  std::string name;
  // Makes one call's random parameters; `bank` is true for the bank reader.
  std::function<Call(std::mt19937_64&, bool bank)> make;
};

struct KindResult {
  std::string kind;
  std::string reader;
  std::size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;
  double rows = 0;  // per call, on average
};

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{
      "Report queries at scale (issue #16): loads --reports reports through the real commit "
      "path (signed SubmitReport / ReviewReport txs, Chain::build_block + commit_block on a "
      "RocksDB store) over several organizations, templates and monthly periods, with "
      "corrections, reviews and late filings; then times every query kind of GET /v1/reports "
      "and GET /v1/reports/{id}/versions for a page of 100 as a regulator and as a bank "
      "(p50/p99/max, target p99 < 20 ms), and prints storage bytes per report and the "
      "process's RSS (target < 1 GB).\nThe issue's figure: --reports 1000000."};
  app.add_option("--reports", s.reports, "Reports loaded (first filings + corrections)")
      ->check(CLI::Range(1000, 5'000'000))
      ->capture_default_str();
  app.add_option("--orgs", s.orgs, "Institutions")->check(CLI::Range(1, 99))->capture_default_str();
  app.add_option("--accounts-per-org", s.accounts_per_org, "Reporting accounts per institution")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  app.add_option("--periods", s.periods, "Monthly periods of the year after genesis")
      ->check(CLI::Range(1, 12))
      ->capture_default_str();
  app.add_option("--block-txs", s.block_txs,
                 "Reports per block (reviews ride along; genesis max_block_txs is twice this)")
      ->check(CLI::Range(10, 5000))
      ->capture_default_str();
  app.add_option("--corrections", s.corrections,
                 "Share of reports that correct a latest version committed earlier")
      ->check(CLI::Range(0.0, 0.9))
      ->capture_default_str();
  app.add_option("--reviews", s.reviews, "Reviews per report (ReviewReport by the regulator)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--rejected", s.rejected, "Share of reviews that reject")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--payload", s.payload, "Report payload bytes (JSON)")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  app.add_option("--queries", s.queries, "Timed calls per query kind and reader")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--kind-seconds", s.kind_seconds,
                 "Time budget per query kind and reader: a slow kind stops early (after at least "
                 "20 calls) and prints how many calls it made")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();
  app.add_option("--cursor-pages", s.cursor_pages,
                 "Pages walked through the cursor before the cursor kind picks random pages "
                 "among them (the regulator's whole listing, each bank's own)")
      ->check(CLI::Range(2, 100000))
      ->capture_default_str();
  app.add_option("--reader-level", s.reader_level,
                 "Level LL of both readers (code 11LL); 99 reads every data level")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  app.add_flag("--check-block", s.check_block,
               "Also run Chain::check_block on every block (what another validator does; a lone "
               "sealer only builds and commits)");
  app.add_option("--seed", s.seed, "Random seed of the data and the queries")
      ->capture_default_str();
  app.add_option("--log-level", s.log_level, "spdlog level of the ledger (trace ... off)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(s.log_level));

  std::printf(
      "report_query_bench: %d reports, %d orgs x %d accounts, %zu templates, %d monthly periods, "
      "%d reports per block, corrections %.0f%%, reviews %.0f%% (%.0f%% rejected), payload %d "
      "bytes, reader level %d, check_block %s, %u cores\n",
      s.reports, s.orgs, s.accounts_per_org, kTemplates.size(), s.periods, s.block_txs,
      s.corrections * 100, s.reviews * 100, s.rejected * 100, s.payload, s.reader_level,
      s.check_block ? "yes" : "no", std::thread::hardware_concurrency());
  std::fflush(stdout);

  rl::bench::TempDir dir("regledger-report-query-bench-");
  auto t_genesis = Clock::now();
  Network net = make_network(s, dir.path());
  std::printf("  genesis: %d organizations, %zu accounts with bound certificates (%.1f s)\n",
              s.orgs, net.accounts.size() + 1, secs_since(t_genesis));
  const fs::path data = dir.path() / "data";
  auto chain = must(ledger::Chain::open(data.string(), net.genesis), "open chain");

  // ---- load ----
  Samples samples;
  LoadStats st = load(s, net, *chain, samples);
  const auto reports = static_cast<double>(st.first + st.corrections);
  const std::uint64_t txs = st.first + st.corrections + st.accepted + st.rejected;
  std::printf("\n================ load ================\n");
  std::printf("reports %.0f (first filings %" PRIu64 ", corrections %" PRIu64 "), reviews %" PRIu64
              " (accepted %" PRIu64 ", rejected %" PRIu64 "), late %" PRIu64 " (%.1f%%), %" PRIu64
              " blocks, head height %" PRIu64 "\n",
              reports, st.first, st.corrections, st.accepted + st.rejected, st.accepted,
              st.rejected, st.late, 100.0 * static_cast<double>(st.late) / reports, st.blocks,
              chain->head().height);
  std::printf("block times %s .. %s; signed tx bytes %.0f per tx on average\n",
              rl::format_utc_ms(samples.first_time_ms).c_str(),
              rl::format_utc_ms(samples.last_time_ms).c_str(),
              static_cast<double>(st.tx_bytes) / static_cast<double>(txs));
  std::printf(
      "load: %.1f s -> %.0f reports/s, %.0f tx/s (signing %.1f s on %u threads; build_block%s "
      "%.1f s, of which signature verification on every core; commit %.1f s)\n",
      st.secs, reports / st.secs, static_cast<double>(txs) / st.secs, st.sign_secs,
      std::max(1u, std::thread::hardware_concurrency()), s.check_block ? " + check_block" : "",
      st.build_secs, st.commit_secs);
  std::fflush(stdout);
  print_memory("after load:");

  // ---- storage ----
  const std::uint64_t before = dir_bytes(data);
  auto t_compact = Clock::now();
  must(chain->store().rewrite_all_tables(), "flush and compact");
  const double compact_secs = secs_since(t_compact);
  const std::uint64_t after = dir_bytes(data);
  std::map<std::string, std::uint64_t> sst;
  std::uint64_t sst_total = 0, live_estimate = 0, blob_total = 0;
  must(chain->store().with_db([&](rocksdb::DB& db) -> rl::Status {
    std::vector<rocksdb::LiveFileMetaData> files;
    db.GetLiveFilesMetaData(&files);
    for (const auto& f : files) {
      sst[f.column_family_name] += f.size;
      sst_total += f.size;
    }
    db.GetAggregatedIntProperty("rocksdb.estimate-live-data-size", &live_estimate);
    db.GetAggregatedIntProperty("rocksdb.total-blob-file-size", &blob_total);
    return {};
  }),
       "store properties");
  std::printf("\n================ storage ================\n");
  std::printf("store directory as committed:             %10.1f MB  %6.0f bytes/report\n",
              static_cast<double>(before) / 1e6, static_cast<double>(before) / reports);
  std::printf(
      "after flush + full compaction (%.1f s):   %10.1f MB  %6.0f bytes/report  <- the figure\n",
      compact_secs, static_cast<double>(after) / 1e6, static_cast<double>(after) / reports);
  std::printf("  live SST files:                         %10.1f MB  %6.0f bytes/report\n",
              static_cast<double>(sst_total) / 1e6, static_cast<double>(sst_total) / reports);
  for (const auto& [cf, bytes] : sst) {
    std::printf("    column family %-12s                %10.1f MB  %6.0f bytes/report\n",
                cf.c_str(), static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / reports);
  }
  // Values of 64 KiB or more (here the blocks, 1,000 txs each) live in blob files, not SSTs.
  std::printf("  blob files (values >= 64 KiB: blocks):  %10.1f MB  %6.0f bytes/report\n",
              static_cast<double>(blob_total) / 1e6, static_cast<double>(blob_total) / reports);
  std::printf("  RocksDB estimate-live-data-size:        %10.1f MB  %6.0f bytes/report\n",
              static_cast<double>(live_estimate) / 1e6,
              static_cast<double>(live_estimate) / reports);
  std::printf(
      "(payload %d bytes; every byte above counts against the %.0f reports, so the "
      "blocks' review txs are in it too)\n",
      s.payload, reports);
  print_memory("after compaction:");

  // ---- queries ----
  const identity::OptionalReader regulator =
      reader_of(*chain, "regulator-reviewer", "regulator", "regulator", s.reader_level);
  std::vector<identity::OptionalReader> banks;
  for (const auto& org : net.orgs) {
    banks.emplace_back(reader_of(*chain, org + "-reader", org, "institution", s.reader_level));
  }
  const std::size_t norgs = net.orgs.size();

  // Cursors: the regulator's whole listing and each bank's own, page by page (100 rows), up to
  // --cursor-pages pages each. cursors[k] starts page k + 1 (cursors[0] is empty).
  auto walk = [&](const identity::OptionalReader& reader, std::size_t* rows) {
    std::vector<rl::Bytes> cursors{rl::Bytes{}};
    identity::ReportQuery q;
    while (cursors.size() < static_cast<std::size_t>(s.cursor_pages)) {
      q.after = cursors.back();
      auto page = must(identity::list_visible_reports(*chain, reader, q), "walk");
      *rows += page.reports.size();
      if (page.next.empty()) break;
      cursors.push_back(std::move(page.next));
    }
    return cursors;
  };
  auto t_walk = Clock::now();
  std::size_t walked = 0;
  const auto regulator_cursors = walk(regulator, &walked);
  const double walk_secs = secs_since(t_walk);
  std::printf(
      "\ncursor walk, regulator, every organization: %zu pages, %zu rows in %.2f s "
      "(%.2f ms/page)\n",
      regulator_cursors.size(), walked, walk_secs,
      walk_secs * 1e3 / static_cast<double>(regulator_cursors.size()));
  std::vector<std::vector<rl::Bytes>> bank_cursors;
  t_walk = Clock::now();
  walked = 0;
  std::size_t bank_pages = 0;
  for (std::size_t o = 0; o < norgs; ++o) {
    bank_cursors.push_back(walk(banks[o], &walked));
    bank_pages += bank_cursors.back().size();
  }
  const double bank_walk_secs = secs_since(t_walk);
  std::printf(
      "cursor walk, each bank its own organization: %zu pages, %zu rows in %.2f s "
      "(%.2f ms/page)\n",
      bank_pages, walked, bank_walk_secs, bank_walk_secs * 1e3 / static_cast<double>(bank_pages));
  std::fflush(stdout);

  auto pick = [](std::mt19937_64& rng, std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const std::int64_t span_from = samples.first_time_ms, span_to = samples.last_time_ms;
  auto random_time = [&](std::mt19937_64& rng) {
    return std::uniform_int_distribution<std::int64_t>(span_from, span_to)(rng);
  };
  // A list call without an organization filter: the regulator's rows are every organization's,
  // a bank's (c.org's account) its own organization's.
  auto list_call = [&](std::mt19937_64& rng, bool) {
    Call c;
    c.org = pick(rng, norgs);
    return c;
  };
  const auto& chains_sample = samples.corrected_chains.items.empty()
                                  ? samples.reports.items
                                  : samples.corrected_chains.items;
  std::vector<Kind> kinds = {
      {"org=<org>",
       [&](std::mt19937_64& rng, bool) {
         auto c = list_call(rng, false);
         c.q.org = net.orgs[c.org];  // a bank asks for its own
         return c;
       }},
      {"template=<t>",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.template_id = kTemplates[pick(rng, kTemplates.size())].id;
         return c;
       }},
      {"template=<t>&period=<p>",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.template_id = kTemplates[pick(rng, kTemplates.size())].id;
         c.q.period = net.periods[pick(rng, net.periods.size())];
         return c;
       }},
      {"org=<org>&template=<t>&period=<p>",
       [&](std::mt19937_64& rng, bool) {
         auto c = list_call(rng, false);
         c.q.org = net.orgs[c.org];
         c.q.template_id = kTemplates[pick(rng, kTemplates.size())].id;
         c.q.period = net.periods[pick(rng, net.periods.size())];
         return c;
       }},
      {"period=<p>",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.period = net.periods[pick(rng, net.periods.size())];
         return c;
       }},
      {"status=ACCEPTED",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.status = "ACCEPTED";
         return c;
       }},
      {"status=REJECTED",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.status = "REJECTED";
         return c;
       }},
      {"late=true",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.late = true;
         return c;
       }},
      {"from_ms=<t>&to_ms=<t+1 day>",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.from_ms = random_time(rng);
         c.q.to_ms = *c.q.from_ms + kDayMs;
         return c;
       }},
      {"from_ms=<t>",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.from_ms = random_time(rng);
         return c;
       }},
      {"latest=true",
       [&](std::mt19937_64& rng, bool bank) {
         auto c = list_call(rng, bank);
         c.q.latest_only = true;
         return c;
       }},
      {"chain=<first version>",
       [&](std::mt19937_64& rng, bool) {
         const auto& e = chains_sample[pick(rng, chains_sample.size())];
         Call c;
         c.org = e.org;
         c.q.first_version = e.id;
         return c;
       }},
      {"org=<org>&chain=<first version>",
       [&](std::mt19937_64& rng, bool) {
         const auto& e = chains_sample[pick(rng, chains_sample.size())];
         Call c;
         c.org = e.org;
         c.q.org = net.orgs[e.org];
         c.q.first_version = e.id;
         return c;
       }},
      {"GET /v1/reports/{id}/versions",
       [&](std::mt19937_64& rng, bool) {
         const auto& e = samples.reports.items[pick(rng, samples.reports.items.size())];
         Call c;
         c.route = Route::kVersions;
         c.org = e.org;
         c.report_id = e.id;
         return c;
       }},
      {"after=<cursor of page k-1> (no filter)",
       [&](std::mt19937_64& rng, bool bank) {
         Call c;
         c.org = pick(rng, norgs);
         const auto& cur = bank ? bank_cursors[c.org] : regulator_cursors;
         c.q.after = cur[pick(rng, cur.size())];
         return c;
       }},
  };

  std::mt19937_64 qrng(s.seed + 1);
  std::vector<KindResult> results;
  auto run_kind = [&](const Kind& k, bool bank) {
    auto call = [&](const Call& c) -> std::size_t {
      const auto& reader = bank ? banks[c.org] : regulator;
      if (c.route == Route::kVersions) {
        return must(identity::list_report_versions(*chain, reader, c.report_id), "versions").size();
      }
      return must(identity::list_visible_reports(*chain, reader, c.q), "list").reports.size();
    };
    for (int i = 0; i < 5; ++i) call(k.make(qrng, bank));  // warm
    std::vector<double> ms;
    std::size_t rows = 0;
    auto start = Clock::now();
    for (int i = 0; i < s.queries; ++i) {
      const Call c = k.make(qrng, bank);
      auto t0 = Clock::now();
      rows += call(c);
      ms.push_back(secs_since(t0) * 1e3);
      if (i >= 19 && secs_since(start) > s.kind_seconds) break;
    }
    std::sort(ms.begin(), ms.end());
    KindResult r{k.name,
                 bank ? "bank" : "regulator",
                 ms.size(),
                 rl::bench::percentile_of_sorted(ms, 50),
                 rl::bench::percentile_of_sorted(ms, 99),
                 ms.back(),
                 static_cast<double>(rows) / static_cast<double>(ms.size())};
    std::fprintf(stderr, "  query %-40s %-9s n=%zu p50 %.2f p99 %.2f ms\n", r.kind.c_str(),
                 r.reader.c_str(), r.n, r.p50, r.p99);
    results.push_back(r);
  };
  auto t_queries = Clock::now();
  for (const auto& k : kinds) {
    run_kind(k, false);
    run_kind(k, true);
  }
  const double query_secs = secs_since(t_queries);

  std::printf("\n================ queries (page of 100; ms per call) ================\n");
  std::printf("%-40s %-9s %6s %9s %9s %9s %9s  %s\n", "query", "reader", "calls", "p50", "p99",
              "max", "rows/call", "p99 < 20 ms");
  std::size_t met = 0;
  double worst = 0;
  std::string worst_kind;
  for (const auto& r : results) {
    const bool ok = r.p99 < kTargetP99Ms;
    met += ok;
    if (r.p99 > worst) {
      worst = r.p99;
      worst_kind = r.kind + " (" + r.reader + ")";
    }
    std::printf("%-40s %-9s %6zu %9.2f %9.2f %9.2f %9.1f  %s (p99/target %.2f)\n", r.kind.c_str(),
                r.reader.c_str(), r.n, r.p50, r.p99, r.max, r.rows, ok ? "met" : "NOT MET",
                r.p99 / kTargetP99Ms);
  }
  std::printf(
      "p99 < %.0f ms: %zu of %zu query kinds x readers; slowest p99 %.2f ms: %s; queries "
      "took %.0f s\n",
      kTargetP99Ms, met, results.size(), worst, worst_kind.c_str(), query_secs);
  print_memory("after queries:");
  const auto m = memory();
  std::printf(
      "RESULT reports=%.0f load_reports_per_s=%.0f bytes_per_report=%.0f rss_mb=%.0f "
      "hwm_mb=%.0f p99_met=%zu/%zu worst_p99_ms=%.2f\n",
      reports, reports / st.secs, static_cast<double>(after) / reports, m.rss_mb, m.hwm_mb, met,
      results.size(), worst);
  return 0;
}
