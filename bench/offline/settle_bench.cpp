// Settlement throughput on one node (issue #13: "at least 5,000 voucher hops/s committed").
//
// One process, no HTTP, no consensus peers: a real genesis (genesis init, with its offline
// section, plus three institutions bank-a/b/c with an admin each, certificates bound at genesis)
// and a ledger::Chain over real RocksDB in a temp directory, as permission_bench does.
//
// Untimed, once: --devices devices in groups of three (A of bank-a, B of bank-b, C of bank-c),
// each with a key and a certificate from the network's issuing CA. In every group A holds a root
// voucher, pays B --pays times (each with change back to A) and B pays C onward once, all with
// offline::Device in-process exactly as two phones would. Then A, B and C each settle what they
// hold: one SettleVouchers tx each, carrying the device's provenance (its roots and every hop its
// coins descend from, so the hops of a group appear in more than one provenance).
//
// Untimed, per run: a fresh chain; the value issued to bank-a, every device registered, every A
// loaded with its root (committed blocks, as a node would).
//
// Timed, per run: the settlement txs, decoded, in blocks of --block-txs through what the node's
// sealer calls: Chain::build_block (executes each tx: the settlement check of every hop, the
// double-spend records, the credits), optionally Chain::check_block (what every other validator
// runs on the proposal), the signer state, the precommit signature and Chain::commit_block
// (synced write). Every tx signature and every hop is verified inside the timed window: nothing
// was admitted first, so no cache is warm (the worst case for a proposer, and what a validator
// pays for a proposal it never saw the txs of).
//
// --admitted first admits every settlement tx (untimed, on every core, Chain::admit as the API
// does): the timed window is then the sealer's own path with what admission left in the caches.
//
// Reported: hops settled per second (every hop of every committed provenance: each is checked),
// distinct hops per second, us per hop, the ratio to the 5,000 hops/s target, and for the split
// the pure settlement check (offline::check_settlement on one core, nothing cached) per hop.
// Runs alternate the node's default (the offline verification memo and its prefetch, see
// ledger/settlement_prefetch.hpp) with ExecOptions::offline_verify_memo = false (every check in
// execution, on one thread: the code before the memo); medians of each.
#include <spdlog/spdlog.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/stats.hpp"
#include "bench/common/temp_dir.hpp"
#include "client/lib/identity.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "genesis/network_init.hpp"
#include "ledger/chain.hpp"
#include "ledger/commit.hpp"
#include "ledger/genesis.hpp"
#include "ledger/genesis_offline.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/root_voucher.hpp"
#include "offline/settlement_check.hpp"

namespace {

namespace fs = std::filesystem;
namespace ledger = rl::ledger;
namespace off = rl::offline;
namespace crypto = rl::crypto;
using rl::Bytes;
using Clock = std::chrono::steady_clock;
constexpr const char* kProg = "settle_bench";
constexpr double kTargetHopsPerSec = 5000;

template <typename T>
T must(rl::Result<T> r, const char* what) {
  return rl::bench::must(kProg, std::move(r), what);
}
void must(const rl::Status& st, const char* what) {
  rl::bench::must(kProg, st, what);
}

double secs_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds of the whole process (every thread): what the work costs, whatever else the
// machine is running.
double cpu_secs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

using rl::bench::median;

using rl::bench::TempDir;

struct Settings {
  int devices = 900;
  int pays = 3;
  int runs = 3;
  int block_txs = 500;
  bool check_block = false;
  bool memo_only = false;
  bool admitted = false;
  std::string log_level = "error";
};

struct Signer {
  std::string account;
  crypto::PrivateKey key;
  Bytes cert_id;
  std::uint64_t nonce = 0;
};

struct Network {
  ledger::Genesis genesis;
  crypto::Certificate issuing;
  crypto::PrivateKey issuing_key;
  crypto::PrivateKey validator_key;
  crypto::PrivateKey offline_issuer;
  Bytes master_key;
  std::vector<Signer> admins;  // bank-a, bank-b, bank-c
  Signer regulator;
};

const char* const kOrgs[3] = {"bank-a", "bank-b", "bank-c"};

// genesis init (root and issuing CA, one validator, the regulator admin, the offline section and
// its keys) plus the three institutions, each with an admin account whose certificate is bound at
// genesis. Written out and read back, as a node loads it.
Network make_network(const Settings& s, const fs::path& dir) {
  auto def = rl::genesis::default_definition();
  def.scrypt_n = 1024;
  def.block.max_block_txs = static_cast<std::uint32_t>(std::max(s.block_txs, 1000));
  def.block.tx_expiry_window = ledger::limits::kMaxTxExpiryWindow;
  def.chain_id = "settle-bench";
  auto init = must(rl::genesis::init_network(def, (dir / "net").string()), "genesis init");
  auto g = must(ledger::parse_genesis(must(rl::read_file(init.genesis_path), "read genesis")),
                "parse genesis");
  auto pem = [&](const fs::path& p) { return must(rl::read_file(p.string()), "read pem"); };
  const fs::path home(init.node_homes[0]);
  auto admin = must(rl::client::load_identity(init.admin_dir), "regulator admin");
  Signer regulator{admin.account, admin.key, admin.cert.id(g.suite), 0};
  Network n{std::move(g),
            must(crypto::Certificate::from_pem(pem(dir / "net/ca/issuing.pem")), "issuing CA"),
            must(crypto::PrivateKey::from_pem(pem(dir / "net/ca/issuing.key")), "CA key"),
            must(crypto::PrivateKey::from_pem(pem(home / "node.key")), "validator key"),
            must(crypto::PrivateKey::from_pem(pem(dir / "net/ca/offline-issuer.key")), "issuer"),
            must(ledger::read_master_key_file((home / "offline-master.key").string()), "master"),
            {},
            std::move(regulator)};
  auto credential = must(rl::genesis::make_credential("bench-password", 1024), "credential");
  const std::int64_t t = rl::wall_now_ms() / 1000;
  for (const char* org : kOrgs) {
    n.genesis.organizations.push_back({org, std::string("Institution ") + org, "institution"});
    const std::string id = std::string(org) + "-admin";
    auto key = must(crypto::PrivateKey::generate(n.genesis.suite), "admin key");
    auto csr = must(crypto::CertificateRequest::create(key, {id, org, "Devices", ""}), "csr");
    crypto::IssueOptions io;
    io.not_before = t - 3600;
    io.not_after = t + 30 * 86400;
    io.profile = crypto::CertProfile::kEndEntity;
    auto cert = must(crypto::issue_certificate(n.issuing, n.issuing_key, csr, io), "issue");
    ledger::GenesisAccount a;
    a.id = id;
    a.org = org;
    a.role = "admin";
    a.permission_code = "0100";
    a.credential = credential;
    a.certificate_pems = {cert.to_pem()};
    n.genesis.accounts.push_back(std::move(a));
    n.admins.push_back({id, std::move(key), cert.id(n.genesis.suite), 0});
  }
  n.genesis = must(ledger::parse_genesis(ledger::genesis_to_json(n.genesis)), "re-parse genesis");
  return n;
}

Bytes sign(const Network& n, Signer& who, const std::function<void(ledger::pb::TxBody&)>& fill) {
  ledger::pb::TxBody body;
  body.set_chain_id(n.genesis.chain_id);
  body.set_nonce(++who.nonce);
  body.set_expires_at_height(ledger::limits::kMaxTxExpiryWindow);
  body.set_signer(who.account);
  fill(body);
  return must(ledger::sign_tx(body, who.key, who.cert_id), "sign");
}

// One device as a phone holds it: credentials, journal, and the state machine over them.
struct SimDevice {
  SimDevice(std::string i, off::DeviceCredentials c) : id(std::move(i)), creds(std::move(c)) {}
  std::string id;
  off::DeviceCredentials creds;
  off::MemoryStorage storage;
  std::unique_ptr<off::Device> dev;
};

struct Workload {
  std::vector<Bytes> setup;          // IssueValue, RegisterDevice and LoadDevice txs, in order
  std::vector<Bytes> settle;         // SettleVouchers txs
  std::vector<std::size_t> hops_in;  // hops in each settle tx's provenance
  std::vector<Bytes> provenances;
  std::size_t distinct_hops = 0;
};

// Makes the devices, runs every transfer and signs every tx (nothing here is timed).
Workload make_workload(const Settings& s, Network& n, const ledger::TrustAnchor& anchor) {
  const auto suite = n.genesis.suite;
  const int groups = s.devices / 3;
  const std::int64_t now = rl::wall_now_ms() / 1000;
  off::DeviceConfig cfg;
  cfg.suite = suite;
  cfg.limits = anchor.offline_limits;
  cfg.trust.roots = anchor.roots;
  cfg.issuer_keys = anchor.offline_issuer_keys;
  off::ManualClock clock(now);
  std::vector<std::unique_ptr<SimDevice>> devs(static_cast<std::size_t>(groups) * 3);
  std::vector<Bytes> roots(static_cast<std::size_t>(groups));
  auto start = Clock::now();
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        off::SystemRandom random;
        for (std::size_t g = t; g < static_cast<std::size_t>(groups); g += threads) {
          for (std::size_t k = 0; k < 3; ++k) {
            const std::string id = "dev-" + std::to_string(g) + "-" + "abc"[k];
            auto key = must(crypto::PrivateKey::generate(suite), "device key");
            auto csr = must(crypto::CertificateRequest::create(key, {id, kOrgs[k], "Wallet", ""}),
                            "device csr");
            crypto::IssueOptions io;
            io.not_before = now - 86400;
            io.not_after = now + 365 * 86400;
            io.profile = crypto::CertProfile::kEndEntity;
            auto cert = must(crypto::issue_certificate(n.issuing, n.issuing_key, csr, io), "cert");
            auto d = std::make_unique<SimDevice>(
                id, off::DeviceCredentials{
                        key,
                        cert,
                        {n.issuing},
                        must(off::diversify_device_key(suite, n.master_key, id), "mac key"),
                        id});
            d->dev = std::make_unique<off::Device>(
                must(off::Device::open(cfg, d->creds, d->storage, clock, random), "open"));
            devs[g * 3 + k] = std::move(d);
          }
          roots[g] = must(
              off::issue_root_voucher(n.offline_issuer, {devs[g * 3]->id, 1000'00, now + 7 * 86400,
                                                         static_cast<std::uint64_t>(g + 1)}),
              "root");
          auto& a = *devs[g * 3]->dev;
          auto& b = *devs[g * 3 + 1]->dev;
          auto& c = *devs[g * 3 + 2]->dev;
          must(a.load(roots[g]), "device load");
          auto pay = [](off::Device& from, off::Device& to, std::int64_t amount) {
            auto init = must(from.init(amount), "init");
            auto resp = must(to.respond(init), "respond");
            auto exec = must(from.execute(resp), "execute");
            auto ack = must(to.complete(exec), "complete");
            must(from.finish(ack), "finish");
          };
          for (int p = 0; p < s.pays; ++p) pay(a, b, 100'00);
          pay(b, c, 50'00);
        }
      });
    }
  }
  Workload w;
  w.distinct_hops = static_cast<std::size_t>(groups) * static_cast<std::size_t>(s.pays + 1);
  w.setup.push_back(sign(n, n.regulator, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_propose();
    p->set_proposal_id("issue-bench");
    p->set_expires_at_height(100);
    p->mutable_issue_value()->set_org_id("bank-a");
    p->mutable_issue_value()->set_amount(static_cast<std::int64_t>(groups) * 1000'00);
  }));
  for (std::size_t i = 0; i < devs.size(); ++i) {
    const SimDevice& d = *devs[i];
    w.setup.push_back(sign(n, n.admins[i % 3], [&](ledger::pb::TxBody& b) {
      auto* r = b.mutable_register_device();
      r->set_device_id(d.id);
      r->set_owner_org(kOrgs[i % 3]);
      r->set_certificate_der(rl::to_string(d.creds.cert.to_der()));
      r->add_chain_der(rl::to_string(n.issuing.to_der()));
    }));
  }
  for (std::size_t g = 0; g < roots.size(); ++g) {
    w.setup.push_back(sign(n, n.admins[0], [&](ledger::pb::TxBody& b) {
      b.mutable_load_device()->set_device_id(devs[g * 3]->id);
      b.mutable_load_device()->set_root_voucher(rl::to_string(roots[g]));
    }));
  }
  // C settles first (what it received onward), then B, then A (their change).
  for (std::size_t k : {2, 1, 0}) {
    for (std::size_t g = 0; g < roots.size(); ++g) {
      const SimDevice& d = *devs[g * 3 + k];
      auto prov = d.dev->settlement_provenance();
      w.hops_in.push_back(static_cast<std::size_t>(prov.hops_size()));
      w.provenances.push_back(off::encode(prov));
      w.settle.push_back(sign(n, n.admins[k], [&](ledger::pb::TxBody& b) {
        b.mutable_settle_vouchers()->set_device_id(d.id);
        b.mutable_settle_vouchers()->set_provenance(rl::to_string(w.provenances.back()));
      }));
    }
  }
  std::printf(
      "  %zu devices, %zu distinct hops (%d transfers per group of 3), %zu settlement txs "
      "made in %.1f s on %u threads\n",
      devs.size(), w.distinct_hops, s.pays + 1, w.settle.size(), secs_since(start), threads);
  std::fflush(stdout);
  return w;
}

// Builds and commits `txs` in blocks of `block_txs`, as the single-validator sealer does (with
// check_block between, when asked). Returns the txs committed.
std::size_t seal_all(const Settings& s, const Network& n, ledger::Chain& chain,
                     const std::vector<ledger::TxRef>& txs, std::string* first_error) {
  std::size_t committed = 0;
  for (std::size_t at = 0; at < txs.size();) {
    const std::size_t end = std::min(txs.size(), at + static_cast<std::size_t>(s.block_txs));
    std::vector<ledger::TxRef> batch(txs.begin() + static_cast<std::ptrdiff_t>(at),
                                     txs.begin() + static_cast<std::ptrdiff_t>(end));
    at = end;
    std::vector<ledger::DroppedTx> dropped;
    auto built = must(chain.build_block(batch, rl::wall_now_ms(), 0, &dropped), "build_block");
    if (!dropped.empty() && first_error->empty()) *first_error = dropped[0].error.to_string();
    ledger::PreparedBlock block = s.check_block
                                      ? must(chain.check_block(built.block_bytes), "check_block")
                                      : std::move(built);
    ledger::pb::SignerState state;
    state.set_height(block.height);
    state.set_round(0);
    state.set_signed_block_hash(rl::to_string(block.block_hash));
    must(chain.save_signer_state(state), "save signer state");
    auto sig = must(ledger::sign_precommit(chain.anchor(), n.validator_key, 0, block.height, 0,
                                           block.block_hash),
                    "sign precommit");
    ledger::pb::CommitCertificate cert;
    cert.set_height(block.height);
    cert.set_round(0);
    cert.set_block_hash(rl::to_string(block.block_hash));
    *cert.add_signatures() = sig;
    must(chain.commit_block(block, cert), "commit_block");
    committed += block.txs.size();
  }
  return committed;
}

std::vector<ledger::TxRef> decode_all(const Network& n, const std::vector<Bytes>& raw) {
  std::vector<ledger::TxRef> out;
  out.reserve(raw.size());
  for (const auto& b : raw) {
    out.push_back(std::make_shared<const ledger::DecodedTx>(
        must(ledger::decode_tx(n.genesis.suite, b), "tx")));
  }
  return out;
}

struct RunResult {
  double secs = 0;
  double cpu = 0;
  std::size_t committed = 0;
  std::size_t hops = 0;
  std::string first_error;
};

RunResult run_once(const Settings& s, const Network& n, const Workload& w, const fs::path& data,
                   bool memo) {
  ledger::ExecOptions options;
  options.offline_verify_memo = memo;
  auto chain = must(ledger::Chain::open(data.string(), n.genesis, options), "open chain");
  must(chain->set_offline_master_key(n.master_key), "master key");
  RunResult r;
  auto setup = decode_all(n, w.setup);
  // The IssueValue proposal first, in a block of its own: registrations follow it.
  std::vector<ledger::TxRef> first(setup.begin(), setup.begin() + 1);
  std::vector<ledger::TxRef> rest(setup.begin() + 1, setup.end());
  if (seal_all(s, n, *chain, first, &r.first_error) != 1 ||
      seal_all(s, n, *chain, rest, &r.first_error) != rest.size()) {
    std::fprintf(stderr, "%s: setup did not commit: %s\n", kProg, r.first_error.c_str());
    std::exit(1);
  }
  auto txs = decode_all(n, w.settle);
  if (s.admitted) {
    // What a node's API threads do before a tx reaches a block (untimed here): the full rules
    // against committed state, which verifies and remembers the tx signature and, with the memo,
    // every chain, signature and MAC of the provenance.
    std::atomic<std::size_t> next{0};
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
      pool.emplace_back([&] {
        for (std::size_t k = next++; k < txs.size(); k = next++) {
          must(chain->admit(*txs[k], rl::wall_now_ms()), "admit");
        }
      });
    }
  }
  auto start = Clock::now();
  const double cpu0 = cpu_secs();
  r.committed = seal_all(s, n, *chain, txs, &r.first_error);
  r.secs = secs_since(start);
  r.cpu = cpu_secs() - cpu0;
  for (std::size_t h : w.hops_in) r.hops += h;
  if (r.committed != txs.size()) r.hops = 0;  // a partial run measures nothing
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{
      "Offline settlement throughput on one node (issue #13: at least 5,000 voucher hops/s "
      "committed).\nReal genesis, real RocksDB; devices transfer in-process (untimed), then "
      "their SettleVouchers txs are built and committed in blocks through ledger::Chain "
      "(timed). Runs alternate the offline verification memo on/off; medians are printed."};
  app.add_option("--devices", s.devices,
                 "Devices, in groups of three (A pays B --pays times, B pays C once; each settles)")
      ->check(CLI::Range(3, 300000))
      ->capture_default_str();
  app.add_option("--pays", s.pays, "A->B transfers per group (the hop limit bounds the chain)")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  app.add_option("--runs", s.runs, "Timed runs per configuration (medians)")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  app.add_option("--block-txs", s.block_txs, "Settlement txs per block")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  app.add_flag("--check-block", s.check_block,
               "Also run check_block on each block (what every other validator does)");
  app.add_flag("--memo-only", s.memo_only, "Skip the runs without the memo");
  app.add_flag("--admitted", s.admitted,
               "Admit every settlement tx first (untimed, on every core, as the API would): the "
               "timed window is then the sealer's own path with whatever admission left cached");
  app.add_option("--log-level", s.log_level, "spdlog level of the ledger (trace ... off)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(s.log_level));
  s.devices -= s.devices % 3;

  std::printf(
      "settle_bench: %d devices, %d A->B transfers per group, %d runs, %d txs per block, "
      "check_block %s, admitted first %s, %u cores\n",
      s.devices, s.pays, s.runs, s.block_txs, s.check_block ? "yes" : "no",
      s.admitted ? "yes" : "no", std::thread::hardware_concurrency());
  std::fflush(stdout);

  TempDir dir("regledger-settle-bench-");
  Network net = make_network(s, dir.path());
  ledger::TrustAnchor anchor;
  {
    auto probe = must(ledger::Chain::open((dir.path() / "probe").string(), net.genesis), "probe");
    anchor = probe->anchor();
  }
  Workload w = make_workload(s, net, anchor);

  // The pure settlement check alone, on one core, nothing cached: the verification share.
  double check_cpu = 0;
  std::size_t checked_hops = 0;
  {
    const off::SettlementContext sc{net.genesis.suite, off::TrustAnchors{anchor.roots, {}},
                                    anchor.offline_issuer_keys, net.master_key,
                                    anchor.offline_limits};
    const double cpu0 = cpu_secs();
    for (std::size_t i = 0; i < w.provenances.size(); ++i) {
      must(off::check_settlement(sc, w.provenances[i]), "settlement check");
      checked_hops += w.hops_in[i];
    }
    check_cpu = cpu_secs() - cpu0;
  }
  const double check_us = check_cpu * 1e6 / static_cast<double>(checked_hops);

  struct Mode {
    std::vector<double> rate, cpu_us;
  };
  Mode on, off_mode;
  std::size_t hops = 0;
  bool all = true;
  int i = 0;
  for (int r = 0; r < s.runs; ++r) {
    for (bool memo : {true, false}) {
      if (!memo && s.memo_only) continue;
      const fs::path data = dir.path() / ("run-" + std::to_string(i++));
      auto res = run_once(s, net, w, data, memo);
      const double rate = static_cast<double>(res.hops) / res.secs;
      const double cpu_us = res.cpu * 1e6 / static_cast<double>(std::max<std::size_t>(res.hops, 1));
      (memo ? on : off_mode).rate.push_back(rate);
      (memo ? on : off_mode).cpu_us.push_back(cpu_us);
      hops = res.hops;
      if (res.hops == 0) all = false;
      std::printf(
          "  run %2d memo %-3s  %zu txs, %zu hops in %.2f s -> %7.0f hops/s (CPU %.0f "
          "us/hop)%s%s\n",
          i, memo ? "on" : "off", res.committed, res.hops, res.secs, rate, cpu_us,
          res.hops == 0 ? "  NOT ALL COMMITTED: " : "", res.first_error.c_str());
      std::fflush(stdout);
      std::error_code ec;
      fs::remove_all(data, ec);
    }
  }

  const double per_tx = static_cast<double>(hops) / static_cast<double>(w.settle.size());
  const double distinct_share = static_cast<double>(w.distinct_hops) / static_cast<double>(hops);
  std::printf("\n================ settle_bench results ================\n");
  std::printf("workload: %zu settlement txs, %zu hops settled (%.2f per tx), %zu distinct\n",
              w.settle.size(), hops, per_tx, w.distinct_hops);
  std::printf(
      "pure settlement check (offline::check_settlement, one core, nothing cached): "
      "%.0f us CPU/hop\n",
      check_us);
  auto report = [&](const char* name, const Mode& m) {
    if (m.rate.empty()) return;
    const double rate = median(m.rate), cpu = median(m.cpu_us);
    std::string runs;
    for (std::size_t k = 0; k < m.rate.size(); ++k) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.0f", k ? " / " : "", m.rate[k]);
      runs += buf;
    }
    std::printf(
        "%s: median %.0f hops/s committed (runs %s) = %.0f us/hop wall; CPU %.0f us/hop (all "
        "threads), of which the settlement check inline would be %.0f; distinct hops %.0f/s; "
        "ratio to the 5,000 hops/s target %.2f\n",
        name, rate, runs.c_str(), 1e6 / rate, cpu, check_us, rate * distinct_share,
        rate / kTargetHopsPerSec);
  };
  report("memo off (every check inline, one thread)", off_mode);
  report("memo on  (node default: memo + prefetch) ", on);
  const double med_on = on.rate.empty() ? 0.0 : median(on.rate);
  const double med_off = off_mode.rate.empty() ? 0.0 : median(off_mode.rate);
  if (med_on > 0 && med_off > 0) {
    std::printf("speed-up memo on/off: %.2fx wall, %.2fx CPU\n", med_on / med_off,
                median(off_mode.cpu_us) / median(on.cpu_us));
  }
  std::printf("target 5,000 hops/s: %s\n", med_on >= kTargetHopsPerSec ? "MET" : "NOT MET");
  std::printf("RESULT settle_hops_per_s=%.0f settle_off_hops_per_s=%.0f target_ratio=%.2f\n",
              med_on, med_off, med_on / kTargetHopsPerSec);
  return all ? 0 : 1;
}
