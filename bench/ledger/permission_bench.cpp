// What the write path's permission checks cost (issue #5: "a benchmark shows single-node ingest
// with and without the permission checks; the checks cost under 5%").
//
// One process, no HTTP: the node's own ingest path driven directly, on a real RocksDB store in a
// temp directory opened from a real genesis (genesis init's CA and validator, plus --accounts
// reporting accounts over --orgs institutions, each with a certificate bound at genesis):
//
//   admission   --admit-threads threads decode each pre-signed tx and call node::admit_tx (the
//               function behind POST /v1/txs): duplicate checks, then Chain::admit = the full
//               execution rules against committed state, signature verified and cached; into a
//               node::Mempool with the node's default bounds.
//   blocks      meanwhile the main thread does what the single-validator Sealer does (seal when
//               --block-txs are pending or 100 ms passed): Chain::build_block, then
//               Chain::check_block on the block bytes (what every other validator does with a
//               proposal; --no-check-block leaves it out, as a lone sealer does), signer state,
//               precommit signature, Chain::commit_block (synced write).
//
// A run is timed from the first admission to the commit of the last tx; committed tx/s = txs /
// that time. "on" opens the chain with the default ExecOptions (what regledgerd does), "off" with
// ExecOptions::permission_checks = false, which skips exactly the permission checks listed in
// ledger/executor.hpp. Both ingest the same signed bytes; every run starts from a fresh store.
// After --warmup untimed runs, runs alternate on, off, on, off ...; the medians and the overhead
// are reported.
//
// --compare encryption measures encryption at rest the same way (issue #14: "ingest throughput
// with encryption at rest on versus off, target: under 10% slower"): "on" opens the store through
// the encrypted Env (ledger/storage_encryption.hpp, AES-256-CTR, a fresh data key), "off" opens it
// plaintext; permission checks are on in both.
//
// Optionally (--queries > 0): list-report queries by organization (100 rows) through the node's
// listing (identity::list_visible_reports) for a regulator and for a bank's account, each with
// output permission at level --reader-level, vs. open reads, interleaved the same way.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/report_payloads.hpp"
#include "bench/common/stats.hpp"
#include "bench/common/temp_dir.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "config/node_config.hpp"
#include "crypto/keys.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "genesis/network_init.hpp"
#include "ledger/chain.hpp"
#include "ledger/commit.hpp"
#include "ledger/genesis.hpp"
#include "ledger/limits.hpp"
#include "ledger/permission.hpp"
#include "ledger/storage_encryption.hpp"
#include "ledger/tx.hpp"
#include "node/app/admission.hpp"
#include "node/app/identity/ledger_view.hpp"
#include "node/app/identity/principal.hpp"
#include "node/app/identity/read_policy.hpp"
#include "node/app/identity/report_listing.hpp"
#include "node/app/mempool.hpp"

namespace {

namespace fs = std::filesystem;
namespace ledger = rl::ledger;
using Clock = std::chrono::steady_clock;

template <typename T>
T must(rl::Result<T> r, const char* what) {
  return rl::bench::must("permission_bench", std::move(r), what);
}

void must(const rl::Status& st, const char* what) {
  rl::bench::must("permission_bench", st, what);
}

double secs_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

using rl::bench::median;

std::string two_digits(std::size_t v) {
  return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10);
}

using rl::bench::TempDir;

struct Settings {
  int txs = 30000;
  int runs = 5;
  int warmup = 1;
  int block_txs = 5000;  // genesis default (BlockParams::max_block_txs)
  int accounts = 1000;
  int orgs = 10;
  int payload = 1024;
  int admit_threads = 0;  // 0 = one per core
  bool no_check_block = false;
  int queries = 2000;
  int reader_level = 25;
  std::string log_level = "error";
  std::string compare = "permissions";  // or "encryption"
  bool encryption() const { return compare == "encryption"; }
};

// The store options of an "on" or "off" run: encrypted through `env` only when encryption is what
// is compared and the run is "on".
ledger::StoreOptions store_options(const Settings& s, bool on,
                                   const std::shared_ptr<const ledger::EncryptedEnv>& env) {
  return ledger::StoreOptions{s.encryption() && on ? env : nullptr};
}

struct Account {
  std::string id;
  std::string org;
  rl::crypto::PrivateKey key;
  rl::Bytes cert_id;
};

struct Network {
  ledger::Genesis genesis;
  rl::crypto::PrivateKey validator_key;
  std::vector<Account> accounts;
  std::vector<std::string> orgs;
};

// genesis init (root CA, issuing CA, one validator, the regulator admin, the capital-adequacy
// template, a linear permission mapping), plus the institutions and their reporting accounts,
// each with a key and a certificate from the issuing CA bound at genesis. Written out and read
// back as genesis.json, as a node loads it.
Network make_network(const Settings& s, const fs::path& dir) {
  auto def = rl::genesis::default_definition();
  def.scrypt_n = 1024;
  def.block.max_block_txs = static_cast<std::uint32_t>(s.block_txs);
  // The widest window genesis allows: every pre-signed tx stays valid for the whole run.
  def.block.tx_expiry_window = ledger::limits::kMaxTxExpiryWindow;
  def.chain_id = "permission-bench";
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
  // One scrypt credential for every account: logins are not measured.
  auto credential = must(rl::genesis::make_credential("bench-password", 1024), "credential");

  Network n{std::move(g), std::move(validator_key), {}, {}};
  for (int o = 0; o < s.orgs; ++o) {
    std::string id = "bank-" + two_digits(static_cast<std::size_t>(o));
    n.genesis.organizations.push_back({id, "Institution " + id, "institution"});
    n.orgs.push_back(id);
  }
  const std::int64_t t = rl::wall_now_ms() / 1000;
  const auto suite = n.genesis.suite;
  auto start = Clock::now();
  for (int i = 0; i < s.accounts; ++i) {
    const std::string& org = n.orgs[static_cast<std::size_t>(i % s.orgs)];
    std::string id = org + "-reporter-" + std::to_string(i);
    auto key = must(rl::crypto::PrivateKey::generate(suite), "account key");
    auto csr = must(rl::crypto::CertificateRequest::create(key, {id, org, "Reporting", ""}), "csr");
    rl::crypto::IssueOptions io;
    io.not_before = t - 3600;
    io.not_after = t + 30 * 86400;
    io.profile = rl::crypto::CertProfile::kEndEntity;
    auto cert = must(rl::crypto::issue_certificate(issuing, issuing_key, csr, io), "issue");
    ledger::GenesisAccount a;
    a.id = id;
    a.org = org;
    a.role = "reporter";
    // Input only (00) or input and output (01), levels 00-49: labels differ across accounts.
    a.permission_code =
        std::string(i % 2 == 0 ? "00" : "01") + two_digits(static_cast<std::size_t>(i % 50));
    a.credential = credential;
    a.certificate_pems = {cert.to_pem()};
    n.genesis.accounts.push_back(std::move(a));
    n.accounts.push_back({id, org, std::move(key), cert.id(suite)});
  }
  std::string json = ledger::genesis_to_json(n.genesis);
  must(rl::write_file((dir / "genesis.json").string(), json), "write genesis");
  n.genesis = must(ledger::parse_genesis(json), "re-parse genesis");
  std::printf(
      "  genesis: %d organizations, %d reporting accounts with bound certificates "
      "(%.1f s), %zu KB\n",
      s.orgs, s.accounts, secs_since(start), json.size() / 1024);
  std::fflush(stdout);
  return n;
}

// The cluster bench's submission: a capital-adequacy report of --payload bytes of JSON, round-
// robin over the accounts, signed on every core. Nonces are unique per account.
std::vector<rl::Bytes> presign(const Settings& s, const Network& n, std::uint64_t* bytes) {
  const std::vector<std::string> payloads = rl::bench::padded_report_payloads(n.orgs, s.payload);
  std::vector<rl::Bytes> out(static_cast<std::size_t>(s.txs));
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::uint64_t> total{0};
  auto start = Clock::now();
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::uint64_t local = 0;
      for (std::size_t i = t; i < out.size(); i += threads) {
        const auto& a = n.accounts[i % n.accounts.size()];
        ledger::pb::TxBody body;
        body.set_chain_id(n.genesis.chain_id);
        body.set_nonce(i / n.accounts.size() + 1);
        body.set_expires_at_height(ledger::limits::kMaxTxExpiryWindow);
        body.set_signer(a.id);
        auto* r = body.mutable_submit_report();
        r->set_template_id("capital-adequacy");
        r->set_period("2026-Q3");
        r->set_content_type("application/json");
        r->set_payload(payloads[i % n.accounts.size() % n.orgs.size()]);
        out[i] = must(ledger::sign_tx(body, a.key, a.cert_id), "sign");
        local += out[i].size();
      }
      total += local;
    });
  }
  pool.clear();  // joins
  *bytes = total.load();
  std::printf("  signed %d txs (%.0f bytes each on average) in %.1f s on %u threads\n", s.txs,
              static_cast<double>(*bytes) / s.txs, secs_since(start), threads);
  std::fflush(stdout);
  return out;
}

struct RunResult {
  double rate = 0;
  double secs = 0;
  std::uint64_t committed = 0;
  std::uint64_t refused = 0;  // at admission
  std::uint64_t dropped = 0;  // at block building
  std::uint64_t blocks = 0;
  std::string first_error;
};

// Admission threads feed the mempool; this thread seals blocks until every tx is committed or
// was refused.
RunResult ingest(const Settings& s, const Network& n, const std::vector<rl::Bytes>& txs,
                 const fs::path& data_dir, bool on,
                 const std::shared_ptr<const ledger::EncryptedEnv>& env) {
  const bool permission_checks = s.encryption() || on;
  auto chain = must(ledger::Chain::open(data_dir.string(), n.genesis,
                                        ledger::ExecOptions{.permission_checks = permission_checks},
                                        store_options(s, on, env)),
                    "open chain");
  const rl::node::NodeConfig defaults;
  rl::node::Mempool mempool(defaults.mempool_max_txs, defaults.mempool_max_bytes);
  const auto block_txs = static_cast<std::size_t>(s.block_txs);
  const unsigned admitters = s.admit_threads > 0
                                 ? static_cast<unsigned>(s.admit_threads)
                                 : std::max(1u, std::thread::hardware_concurrency());
  RunResult r;
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<unsigned> admitting{admitters};
  std::mutex err_mu;
  auto note_error = [&](const rl::Error& e) {
    std::lock_guard lock(err_mu);
    if (r.first_error.empty()) r.first_error = e.to_string();
  };

  auto start = Clock::now();
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < admitters; ++t) {
      pool.emplace_back([&] {
        for (std::size_t i = next++; i < txs.size(); i = next++) {
          auto d = ledger::decode_tx(n.genesis.suite, txs[i]);
          if (!d.ok()) {
            refused++;
            note_error(d.error());
            continue;
          }
          while (true) {
            auto st = rl::node::admit_tx(*chain, mempool, std::move(d).value(), rl::wall_now_ms());
            if (st.ok()) break;
            if (st.error().code == "mempool_full") {  // the API answers 503; clients retry
              std::this_thread::sleep_for(std::chrono::milliseconds(2));
              d = ledger::decode_tx(n.genesis.suite, txs[i]);
              continue;
            }
            refused++;
            note_error(st.error());
            break;
          }
        }
        if (--admitting == 0) mempool.wake_all();
      });
    }

    // The Sealer's loop and seal_once, with check_block between build and commit.
    auto next_seal = Clock::now() + std::chrono::milliseconds(100);
    while (true) {
      // In this order: once admission is over, an empty mempool stays empty.
      const bool admitted_all = admitting.load() == 0;
      const std::size_t pending = mempool.size();
      if (pending == 0 && admitted_all) break;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_seal - Clock::now());
      if (pending < block_txs && !admitted_all && left.count() > 0) {
        mempool.wait_for(block_txs, left);
        continue;
      }
      next_seal = Clock::now() + std::chrono::milliseconds(100);
      if (pending == 0) continue;
      auto taken = mempool.take(block_txs);
      std::vector<ledger::DroppedTx> dropped;
      auto built = must(chain->build_block(taken, rl::wall_now_ms(), 0, &dropped), "build_block");
      for (const auto& d : dropped) note_error(d.error);
      ledger::PreparedBlock block = !s.no_check_block
                                        ? must(chain->check_block(built.block_bytes), "check_block")
                                        : std::move(built);
      ledger::pb::SignerState state;
      state.set_height(block.height);
      state.set_round(0);
      state.set_signed_block_hash(rl::to_string(block.block_hash));
      must(chain->save_signer_state(state), "save signer state");
      auto sig = must(ledger::sign_precommit(chain->anchor(), n.validator_key, 0, block.height, 0,
                                             block.block_hash),
                      "sign precommit");
      ledger::pb::CommitCertificate cert;
      cert.set_height(block.height);
      cert.set_round(0);
      cert.set_block_hash(rl::to_string(block.block_hash));
      *cert.add_signatures() = sig;
      must(chain->commit_block(block, cert), "commit_block");
      mempool.release(taken);
      r.committed += block.txs.size();
      r.dropped += dropped.size();
      r.blocks++;
    }
  }
  r.secs = secs_since(start);
  r.refused = refused.load();
  r.rate = static_cast<double>(r.committed) / r.secs;
  return r;
}

// List queries by organization (100 rows each, GET /v1/reports?org=...), through the node's
// listing (identity::list_visible_reports: organization scope, output permission, clearance) for
// `reader`, or open (nullopt: ReadAccess::kOpen). Queries go round `orgs`.
double query_us(const ledger::Chain& chain, const std::vector<std::string>& orgs, int queries,
                const rl::node::identity::OptionalReader& reader, std::size_t* kept) {
  std::size_t rows = 0;
  auto start = Clock::now();
  for (int q = 0; q < queries; ++q) {
    rl::node::identity::ReportQuery query;
    query.org = orgs[static_cast<std::size_t>(q) % orgs.size()];
    query.limit = 100;
    rows +=
        must(rl::node::identity::list_visible_reports(chain, reader, query), "list").reports.size();
  }
  double us = secs_since(start) * 1e6 / queries;
  *kept = rows;
  return us;
}

// A reader as the node loads it for a session of `account` (organization kind `kind`), with
// output permission at `level`.
rl::node::identity::ReadContext reader_of(const ledger::Chain& chain, const std::string& account,
                                          const std::string& org, const std::string& kind,
                                          int level) {
  rl::node::identity::Principal p;
  p.account = account;
  p.org = org;
  p.org_kind = kind;
  p.role = "reporter";
  p.permission_code = "11" + two_digits(static_cast<std::size_t>(level));
  p.permission = must(ledger::parse_permission_code(p.permission_code), "reader code");
  rl::node::identity::LedgerView view(chain);
  return must(rl::node::identity::load_read_context(view, std::move(p)), "read context");
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{
      "Single-node ingest with and without the write path's permission checks (issue #5: they "
      "cost under 5%).\nReal RocksDB, real genesis, many accounts; admission, block building, "
      "checking and committing through ledger::Chain; runs alternate on/off and the medians and "
      "the overhead are printed."};
  app.add_option("--txs", s.txs, "Signed SubmitReport txs ingested per run")
      ->check(CLI::Range(100, 2'000'000))
      ->capture_default_str();
  app.add_option("--runs", s.runs, "Runs per configuration (on and off alternate; medians)")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  app.add_option("--warmup", s.warmup,
                 "Untimed runs first (checks on), so that the first measured run does not pay "
                 "for cold caches")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  app.add_option("--block-txs", s.block_txs,
                 "Txs per block (genesis max_block_txs; the node default is 5000)")
      ->check(CLI::Range(1, 20000))
      ->capture_default_str();
  app.add_option("--accounts", s.accounts,
                 "Reporting accounts with bound certificates (txs round-robin over them)")
      ->check(CLI::Range(1, 3000))
      ->capture_default_str();
  app.add_option("--orgs", s.orgs, "Institutions the accounts belong to")
      ->check(CLI::Range(1, 99))
      ->capture_default_str();
  app.add_option("--payload", s.payload, "Report payload bytes (JSON)")
      ->check(CLI::Range(128, 60000))
      ->capture_default_str();
  app.add_option("--admit-threads", s.admit_threads,
                 "Threads admitting txs, as the API's handlers do (0 = one per core)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_flag("--no-check-block", s.no_check_block,
               "Leave out check_block (a lone sealer only builds and commits; by default each "
               "block is also checked as another validator would)");
  app.add_option("--queries", s.queries,
                 "List queries per read round, with and without the read-permission filter (0 "
                 "skips the read figure)")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  app.add_option("--reader-level", s.reader_level,
                 "Level LL of the reader (code 11LL) in the read figure")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  app.add_option("--log-level", s.log_level, "spdlog level of the ledger (trace ... off)")
      ->capture_default_str();
  app.add_option("--compare", s.compare,
                 "What on/off toggles: the write path's permission checks (issue #5, target < 5%) "
                 "or encryption at rest (issue #14, target < 10%)")
      ->check(CLI::IsMember({"permissions", "encryption"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (s.orgs > s.accounts) s.orgs = s.accounts;
  spdlog::set_level(spdlog::level::from_str(s.log_level));

  const char* what = s.encryption() ? "encryption" : "checks";
  const double target_pct = s.encryption() ? 10.0 : 5.0;
  // One data key for every encrypted run: what a node has.
  auto ring = std::make_shared<ledger::KeyRing>(rl::crypto::StorageCipher::kAes256Ctr);
  must(ring->add(1, rl::crypto::random_bytes(32)), "data key");
  must(ring->set_current(1), "data key");
  auto env = std::make_shared<const ledger::EncryptedEnv>(ring);
  std::printf("comparing: %s on/off\n",
              s.encryption() ? "encryption at rest" : "permission checks");
  std::printf(
      "permission_bench: %d txs/run, %d runs each (on/off interleaved) after %d warm-up, %d txs "
      "per block, %d accounts in %d orgs, payload %d bytes, admission threads %d, check_block %s, "
      "%u cores\n",
      s.txs, s.runs, s.warmup, s.block_txs, s.accounts, s.orgs, s.payload,
      s.admit_threads > 0 ? s.admit_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
      s.no_check_block ? "no" : "yes", std::thread::hardware_concurrency());
  std::fflush(stdout);

  TempDir dir("regledger-permission-bench-");
  Network net = make_network(s, dir.path());
  std::uint64_t bytes = 0;
  auto txs = presign(s, net, &bytes);

  for (int i = 0; i < s.warmup; ++i) {
    fs::path data = dir.path() / ("warmup-" + std::to_string(i));
    auto r = ingest(s, net, txs, data, true, env);
    std::printf("  warm-up %d/%d %s on   %llu committed, %.2f s -> %7.0f tx/s (not counted)\n",
                i + 1, s.warmup, what, static_cast<unsigned long long>(r.committed), r.secs,
                r.rate);
    std::fflush(stdout);
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  std::vector<double> on, off;
  bool all_committed = true;
  // The last "on" run's store stays for the read figure; the others are removed as they end.
  const fs::path kept = dir.path() / ("data-" + std::to_string(2 * s.runs - 2));
  for (int i = 0; i < 2 * s.runs; ++i) {
    const bool checks = i % 2 == 0;
    fs::path data = dir.path() / ("data-" + std::to_string(i));
    auto r = ingest(s, net, txs, data, checks, env);
    (checks ? on : off).push_back(r.rate);
    std::printf("  run %2d/%d %s %-3s  %llu committed in %llu blocks, %.2f s -> %7.0f tx/s%s%s\n",
                i + 1, 2 * s.runs, what, checks ? "on" : "off",
                static_cast<unsigned long long>(r.committed),
                static_cast<unsigned long long>(r.blocks), r.secs, r.rate,
                r.refused + r.dropped > 0 ? "  NOT ALL COMMITTED: " : "", r.first_error.c_str());
    std::fflush(stdout);
    if (r.committed != txs.size()) all_committed = false;
    if (data != kept) {
      std::error_code ec;
      fs::remove_all(data, ec);
    }
  }

  const double med_on = median(on), med_off = median(off);
  const double overhead = (med_off / med_on - 1.0) * 100.0;  // extra time per tx with the checks
  std::printf("\n================ permission_bench results ================\n");
  auto list = [](const std::vector<double>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.0f", i ? " / " : "", v[i]);
      out += buf;
    }
    return out;
  };
  std::printf("committed tx/s, %s on : median %.0f  (runs %s)\n", what, med_on, list(on).c_str());
  std::printf("committed tx/s, %s off: median %.0f  (runs %s)\n", what, med_off, list(off).c_str());
  std::printf("ratio on/off: %.3f  (time per tx: on %.1f us, off %.1f us)\n", med_on / med_off,
              1e6 / med_on, 1e6 / med_off);
  // Each on run and the off run after it ran back to back: their ratio cancels slow drift in
  // what else the machine is doing.
  std::vector<double> paired;
  for (std::size_t i = 0; i < on.size() && i < off.size(); ++i) {
    paired.push_back((off[i] / on[i] - 1.0) * 100.0);
  }
  auto spread = [](const std::vector<double>& v) {
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return (*hi / *lo - 1.0) * 100.0;
  };
  std::string pairs;
  for (std::size_t i = 0; i < paired.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%+.1f", i ? " / " : "", paired[i]);
    pairs += buf;
  }
  std::printf("paired overhead (off/on - 1 of adjacent runs), median %+.1f%%  (pairs %s)\n",
              median(paired), pairs.c_str());
  std::printf("run-to-run spread (max/min - 1): on %.1f%%, off %.1f%%%s\n", spread(on), spread(off),
              spread(on) > std::abs(overhead) || spread(off) > std::abs(overhead)
                  ? "  (larger than the measured overhead: more or longer runs narrow it)"
                  : "");
  std::printf("%s overhead: %.1f%% (target < %.0f%%): %s%s\n",
              s.encryption() ? "encryption at rest" : "permission checks", overhead, target_pct,
              overhead < target_pct ? "MET" : "NOT MET",
              all_committed ? "" : "  [some runs did not commit every tx: see above]");

  if (s.queries > 0) {
    // The last "on" run's store, reopened as a node opens it: every report, labelled. The filter
    // is the node's (read_policy); open reads are ReadAccess::kOpen. The reader has output
    // permission at --reader-level.
    auto chain =
        must(ledger::Chain::open(kept.string(), net.genesis, {}, store_options(s, true, env)),
             "reopen chain");
    // A regulator reads every organization within its clearance; a bank's account reads only its
    // own organization's reports (it asks for those).
    struct Case {
      const char* who;
      rl::node::identity::ReadContext reader;
      std::vector<std::string> orgs;
    };
    std::vector<Case> cases;
    cases.push_back({"regulator, every organization",
                     reader_of(*chain, "regulator-admin", "regulator", "regulator", s.reader_level),
                     net.orgs});
    cases.push_back({"institution, its own organization",
                     reader_of(*chain, "bank-reader", net.orgs[0], "institution", s.reader_level),
                     {net.orgs[0]}});
    for (const auto& c : cases) {
      std::vector<double> with, without;
      std::size_t kept_with = 0, kept_without = 0;
      query_us(*chain, c.orgs, std::min(s.queries, 200), std::nullopt, &kept_without);  // warm
      for (int i = 0; i < s.runs; ++i) {
        with.push_back(query_us(*chain, c.orgs, s.queries, c.reader, &kept_with));
        without.push_back(query_us(*chain, c.orgs, s.queries, std::nullopt, &kept_without));
      }
      const double mw = median(with), mo = median(without);
      std::printf(
          "list queries (100 reports by org; %s), us/query: filter %.1f  open %.1f  (medians of "
          "%d rounds of %d); rows returned %zu vs %zu; read filter overhead: %.1f%%\n",
          c.who, mw, mo, s.runs, s.queries, kept_with, kept_without, (mw / mo - 1.0) * 100.0);
    }
  }
  std::printf("RESULT %s_on_tx_per_s=%.0f %s_off_tx_per_s=%.0f overhead_pct=%.1f\n",
              s.encryption() ? "encryption" : "permission", med_on,
              s.encryption() ? "encryption" : "permission", med_off, overhead);
  return all_committed ? 0 : 1;
}
