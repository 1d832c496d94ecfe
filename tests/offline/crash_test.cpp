// Crashes at every journal boundary, on both sides, recovered by reopening the device over its
// journal: value is never created or lost. The invariant, checked after every step:
//   sum over devices of (coins held) + (amounts in flight: executed by a sender and not yet
//   stored by its receiver) = total loaded,
// no output is held by two devices, and at the end every device's vouchers pass the settlement
// check with no double spend between them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>

#include "fixture.hpp"

namespace rl::offline::testing {
namespace {

// Storage that fails one chosen commit, before or after writing it (a power cut either just
// before or just after the rename).
class CrashingStorage final : public Storage {
 public:
  explicit CrashingStorage(MemoryStorage& disk) : disk_(disk) {}
  Result<std::optional<Bytes>> load() override { return disk_.load(); }
  Status commit(ByteView record) override {
    if (countdown_ < 0 || countdown_-- > 0) return disk_.commit(record);
    if (after_) (void)disk_.commit(record);
    crashed_ = true;
    return make_error("crash", "simulated power loss");
  }
  // Crash at the `n`-th commit from now (0 = the next one).
  void arm(int n, bool after) {
    countdown_ = n;
    after_ = after;
  }
  void disarm() { countdown_ = -1; }
  bool take_crash() { return std::exchange(crashed_, false); }

 private:
  MemoryStorage& disk_;
  int countdown_ = -1;
  bool after_ = false;
  bool crashed_ = false;
};

struct SimDevice {
  SimDevice(std::string i, DeviceCredentials c, DeviceConfig cfg, std::uint64_t seed)
      : id(std::move(i)), random(seed), creds(std::move(c)), config(std::move(cfg)) {}
  std::string id;
  MemoryStorage disk;
  CrashingStorage port{disk};
  SeededRandom random;
  DeviceCredentials creds;
  DeviceConfig config;
  std::optional<Device> dev;
};

class CrashSim {
 public:
  CrashSim(Network& net, std::uint64_t seed) : net_(net), rng_(seed) {
    for (int i = 0; i < 3; ++i) {
      const std::string id = "dev-" + std::to_string(i);
      devices_.push_back(std::make_unique<SimDevice>(id, net.credentials(id), net.config(),
                                                     seed * 7 + static_cast<std::uint64_t>(i)));
      restart(*devices_.back());
      for (int r = 0; r < 2; ++r) {
        const std::int64_t amount = 10'00 + static_cast<std::int64_t>(rng_() % 40'00);
        must(devices_.back()->dev->load(net.root(id, amount)), "load");
        total_ += amount;
      }
    }
  }

  void restart(SimDevice& d) {
    d.port.disarm();
    d.port.take_crash();
    d.dev.reset();
    d.dev.emplace(must(Device::open(d.config, d.creds, d.port, net_.clock(), d.random), "reopen"));
  }

  // One transfer with an optional crash armed on one side; then recovery until idle.
  void transfer(SimDevice& s, SimDevice& r, std::int64_t amount, SimDevice* crash_dev, int crash_at,
                bool after) {
    if (crash_dev) crash_dev->port.arm(crash_at, after);
    run_protocol(s, r, amount);
    check();
    recover(s, r);
    check();
    s.port.disarm();
    r.port.disarm();
  }

  // Runs the steps; a crashed device is restarted and the transfer stops there.
  void run_protocol(SimDevice& s, SimDevice& r, std::int64_t amount) {
    auto step = [&](SimDevice& d, auto&& result) {
      if (d.port.take_crash()) {
        restart(d);
        ++crashes_;
        return false;
      }
      return result.ok();
    };
    auto init = s.dev->init(amount);
    if (!step(s, init)) return;
    auto resp = r.dev->respond(*init);
    if (!step(r, resp)) return;
    auto exec = s.dev->execute(*resp);
    if (!step(s, exec)) return;
    check();
    auto ack = r.dev->complete(*exec);
    if (!step(r, ack)) return;
    check();
    auto fin = s.dev->finish(*ack);
    step(s, fin);
  }

  // What a sender does after a restart: drop an INITIATED transfer, retransmit an EXECUTED one
  // (the receiver completes it, or says it already has and repeats its acknowledgement).
  void recover(SimDevice& s, SimDevice& r) {
    for (int attempt = 0; attempt < 8 && s.dev->state().has_pending_send(); ++attempt) {
      if (s.dev->state().pending_send().stage() == pb::PendingSend::INITIATED) {
        if (!s.dev->abort().ok() && s.port.take_crash()) restart(s);
        continue;
      }
      const Bytes hop = to_bytes(s.dev->state().pending_send().hop_hash());
      const Bytes exec = must(s.dev->resend_execute());
      auto ack = r.dev->complete(exec);
      if (r.port.take_crash()) {
        restart(r);
        continue;
      }
      if (!ack.ok()) {
        ASSERT_EQ(ack.error().code, "replayed") << ack.error().to_string();
        ack = r.dev->acknowledgement(hop);
        ASSERT_TRUE(ack.ok());
      }
      check();
      const Status fin = s.dev->finish(*ack);
      if (s.port.take_crash())
        restart(s);
      else
        ASSERT_TRUE(fin.ok()) << fin.error().to_string();
    }
    ASSERT_FALSE(s.dev->state().has_pending_send()) << "sender did not recover";
  }

  void check() {
    std::int64_t sum = 0;
    std::set<std::pair<std::string, std::uint32_t>> held;
    for (const auto& d : devices_) {
      sum += d->dev->balance();
      for (const pb::Coin& c : d->dev->state().coins()) {
        ASSERT_TRUE(held.insert({c.ref().source_hash(), c.ref().index()}).second)
            << "one output held twice";
      }
      if (d->dev->in_flight() > 0) {
        const pb::PendingSend& p = d->dev->state().pending_send();
        if (!device(p.receiver_device_id()).dev->has_received(as_bytes(p.hop_hash()))) {
          sum += d->dev->in_flight();
        }
      }
    }
    ASSERT_EQ(sum, total_) << "value created or lost";
  }

  SimDevice& device(const std::string& id) {
    for (auto& d : devices_) {
      if (d->id == id) return *d;
    }
    throw std::runtime_error("no device " + id);
  }

  void settle_all() {
    std::vector<SettlementReport> reports;
    std::int64_t held = 0;
    for (const auto& d : devices_) {
      held += d->dev->balance();
      reports.push_back(must(
          check_settlement(net_.settlement(), encode(d->dev->settlement_provenance())), "settle"));
    }
    EXPECT_EQ(held, total_);
    EXPECT_TRUE(find_conflicts(reports).empty());
  }

  std::vector<std::unique_ptr<SimDevice>>& devices() { return devices_; }
  std::mt19937_64& rng() { return rng_; }
  int crashes() const { return crashes_; }

 private:
  Network& net_;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<SimDevice>> devices_;
  std::int64_t total_ = 0;
  int crashes_ = 0;
};

class CrashTest : public ::testing::TestWithParam<Suite> {
 protected:
  Network net{GetParam()};
};

// Every boundary once: sender writes (INIT, EXECUTE, finish) and receiver writes (RESPONSE,
// COMPLETE), each crashed before and after the write.
TEST_P(CrashTest, EveryBoundary) {
  CrashSim sim(net, 1);
  auto& d = sim.devices();
  for (bool after : {false, true}) {
    for (int write = 0; write < 3; ++write) {
      sim.transfer(*d[0], *d[1], 1'00, d[0].get(), write, after);                 // sender side
      if (write < 2) sim.transfer(*d[1], *d[2], 1'00, d[2].get(), write, after);  // receiver
      net.clock().advance(1);
    }
  }
  EXPECT_EQ(sim.crashes(), 10);
  sim.settle_all();
}

// Many seeded schedules: random payers, payees, amounts (some refused for lack of funds) and
// a crash at a random boundary of a random side in most transfers. RL_OFFLINE_CRASH_SEEDS
// widens the sweep (default 25 seeds per suite, sized for the ASan unit pass).
TEST_P(CrashTest, RandomSchedules) {
  const char* env = std::getenv("RL_OFFLINE_CRASH_SEEDS");
  const std::uint64_t seeds = env ? std::strtoull(env, nullptr, 10) : 25;
  int crashes = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    CrashSim sim(net, seed);
    auto& d = sim.devices();
    auto& rng = sim.rng();
    for (int t = 0; t < 8; ++t) {
      const std::size_t si = rng() % 3;
      const std::size_t ri = (si + 1 + rng() % 2) % 3;
      const std::int64_t amount = 1 + static_cast<std::int64_t>(rng() % 60'00);
      SimDevice* victim = nullptr;
      int write = 0;
      if (rng() % 4 != 0) {
        const bool sender = rng() % 2 == 0;
        victim = sender ? d[si].get() : d[ri].get();
        write = static_cast<int>(rng() % (sender ? 3 : 2));
      }
      sim.transfer(*d[si], *d[ri], amount, victim, write, rng() % 2 == 0);
      net.clock().advance(1 + static_cast<std::int64_t>(rng() % 30));
      if (::testing::Test::HasFatalFailure()) return;
    }
    sim.settle_all();
    crashes += sim.crashes();
  }
  EXPECT_GT(crashes, static_cast<int>(seeds * 2));  // the schedules did crash
}

INSTANTIATE_TEST_SUITE_P(Suites, CrashTest, ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         suite_label);

}  // namespace
}  // namespace rl::offline::testing
