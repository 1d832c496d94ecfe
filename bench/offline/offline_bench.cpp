// What one dual-offline transfer costs each device, and how big its messages are: CPU
// microseconds of the sender's steps (INIT + EXECUTE + finish) and of the receiver's
// (RESPONSE + COMPLETE), and the settlement check of the resulting one-hop chain, per suite.
// Each transfer is a fresh pair of devices over in-memory journals, the sender holding one root
// voucher and paying part of it (one input, receiver output and change), so every transfer is
// the same shape. Medians over --transfers transfers. Not a test: `make bench` runs it.
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/stats.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/root_voucher.hpp"
#include "offline/settlement_check.hpp"
#include "tests/crypto/pki_fixture.hpp"

namespace {

using rl::Bytes;
using rl::bench::must;
namespace off = rl::offline;
namespace crypto = rl::crypto;
constexpr const char* kProg = "offline_bench";

// CPU time of this thread, microseconds: the device's cost, not the machine's load.
double cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

using rl::bench::median;

struct Samples {
  std::vector<double> sender_us, receiver_us, settle_us;
  std::vector<double> init_b, response_b, execute_b, ack_b;
};

off::DeviceCredentials credentials(crypto::Suite suite, const crypto::testing::Pki& pki,
                                   const std::string& id, const Bytes& master) {
  auto key = must(kProg, crypto::PrivateKey::generate(suite), "device key");
  auto cert = crypto::testing::issue_from_new_csr(
      pki.inter, pki.inter_key, key, id,
      crypto::testing::options_for(crypto::CertProfile::kEndEntity, crypto::testing::kT0,
                                   crypto::testing::kT0 + crypto::testing::kYear));
  return {
      key, cert, {pki.inter}, must(kProg, off::diversify_device_key(suite, master, id), "mac"), id};
}

Samples run(crypto::Suite suite, int transfers) {
  const crypto::testing::Pki pki = crypto::testing::make_pki(suite);
  const auto issuer = must(kProg, crypto::PrivateKey::generate(suite), "issuer key");
  const Bytes master(off::mac_key_size(suite), 0x42);
  off::DeviceConfig config;
  config.suite = suite;
  config.trust.roots = {pki.root};
  config.issuer_keys = {issuer.public_key()};
  const auto a_creds = credentials(suite, pki, "bench-a", master);
  const auto b_creds = credentials(suite, pki, "bench-b", master);
  off::ManualClock clock(crypto::testing::kT0 + 3600);
  off::SystemRandom random;
  off::SettlementContext settle{suite, config.trust, config.issuer_keys, master, config.limits};

  Samples s;
  for (int i = 0; i < transfers; ++i) {
    off::MemoryStorage a_disk, b_disk;
    auto a = must(kProg, off::Device::open(config, a_creds, a_disk, clock, random), "open a");
    auto b = must(kProg, off::Device::open(config, b_creds, b_disk, clock, random), "open b");
    const Bytes root = must(kProg,
                            off::issue_root_voucher(issuer, {"bench-a", 100'00, clock.now() + 86400,
                                                             static_cast<std::uint64_t>(i + 1)}),
                            "root");
    must(kProg, a.load(root), "load");
    double sender = 0, receiver = 0;
    double t = cpu_us();
    const Bytes init = must(kProg, a.init(30'00), "init");
    sender += cpu_us() - t;
    t = cpu_us();
    const Bytes resp = must(kProg, b.respond(init), "respond");
    receiver += cpu_us() - t;
    t = cpu_us();
    const Bytes exec = must(kProg, a.execute(resp), "execute");
    sender += cpu_us() - t;
    t = cpu_us();
    const Bytes ack = must(kProg, b.complete(exec), "complete");
    receiver += cpu_us() - t;
    t = cpu_us();
    must(kProg, a.finish(ack), "finish");
    sender += cpu_us() - t;
    const Bytes prov = off::encode(b.settlement_provenance());
    t = cpu_us();
    must(kProg, off::check_settlement(settle, prov), "settlement check");
    s.settle_us.push_back(cpu_us() - t);
    s.sender_us.push_back(sender);
    s.receiver_us.push_back(receiver);
    s.init_b.push_back(static_cast<double>(init.size()));
    s.response_b.push_back(static_cast<double>(resp.size()));
    s.execute_b.push_back(static_cast<double>(exec.size()));
    s.ack_b.push_back(static_cast<double>(ack.size()));
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int transfers = 200;
  CLI::App app{"dual-offline transfer: CPU per device side and bytes per message"};
  app.add_option("--transfers", transfers, "Transfers per suite (medians over them)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  std::printf("%-12s %10s %10s %10s %8s %8s %8s %8s\n", "suite", "sender_us", "receiver_us",
              "settle_us", "init_B", "resp_B", "exec_B", "ack_B");
  for (crypto::Suite suite : {crypto::Suite::kP256Sha256, crypto::Suite::kSm2Sm3}) {
    run(suite, std::max(1, transfers / 10));  // warm-up: caches, allocator, OpenSSL fetches
    const Samples s = run(suite, transfers);
    std::printf("%-12s %10.0f %10.0f %10.0f %8.0f %8.0f %8.0f %8.0f\n",
                std::string(crypto::suite_name(suite)).c_str(), median(s.sender_us),
                median(s.receiver_us), median(s.settle_us), median(s.init_b), median(s.response_b),
                median(s.execute_b), median(s.ack_b));
  }
  std::printf("medians over %d transfers per suite; one input, receiver output and change\n",
              transfers);
  return 0;
}
