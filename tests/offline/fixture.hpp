#pragma once
// A small offline network for the tests, per suite: a root CA and issuing CA for devices, a
// foreign CA nobody trusts, an issuer key for root vouchers, the issuer master MAC key, and
// devices over in-memory journals sharing one manual clock.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/file_storage.hpp"
#include "offline/ids.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/root_voucher.hpp"
#include "offline/settlement_check.hpp"
#include "tests/crypto/pki_fixture.hpp"
#include "tests/support/must.hpp"

namespace rl::offline::testing {

namespace pb = regledger::offline::v1;
using crypto::Suite;
using crypto::testing::kDay;
using crypto::testing::kT0;
using crypto::testing::kYear;
using rl::testing::must;

inline std::string suite_label(const ::testing::TestParamInfo<Suite>& info) {
  return info.param == Suite::kP256Sha256 ? "P256" : "Sm2";
}

// One certificate authority (root + issuing CA) issuing device certificates.
struct Authority {
  crypto::PrivateKey root_key;
  crypto::Certificate root;
  crypto::PrivateKey inter_key;
  crypto::Certificate inter;

  static Authority make(Suite suite, const std::string& name) {
    using crypto::testing::options_for;
    auto root_key = must(crypto::PrivateKey::generate(suite));
    auto root = must(crypto::create_root_certificate(
        root_key, {name + " Root", "RegLedger Test", "", "CN"},
        options_for(crypto::CertProfile::kRootCa, kT0 - kDay, kT0 + 20 * kYear)));
    auto inter_key = must(crypto::PrivateKey::generate(suite));
    auto inter = crypto::testing::issue_from_new_csr(
        root, root_key, inter_key, name + " Issuing CA",
        options_for(crypto::CertProfile::kIntermediateCa, kT0 - kDay, kT0 + 10 * kYear));
    return {std::move(root_key), std::move(root), std::move(inter_key), std::move(inter)};
  }
};

// A device with its own journal, random source and credentials; reopen() is a restart.
struct TestDevice {
  TestDevice(std::string i, DeviceCredentials c, DeviceConfig cfg, std::uint64_t seed)
      : id(std::move(i)),
        random(std::make_unique<SeededRandom>(seed)),
        creds(std::move(c)),
        config(std::move(cfg)) {}
  std::string id;
  MemoryStorage storage;
  std::unique_ptr<SeededRandom> random;
  DeviceCredentials creds;
  DeviceConfig config;
  std::optional<Device> dev;

  Device& operator*() { return *dev; }
  Device* operator->() { return &*dev; }
};

class Network {
 public:
  Network(Suite suite, Limits limits = {})
      : suite_(suite),
        limits_(limits),
        ca_(Authority::make(suite, "Device")),
        foreign_(Authority::make(suite, "Foreign")),
        issuer_key_(must(crypto::PrivateKey::generate(suite))),
        master_key_(Bytes(mac_key_size(suite), 0x5a)) {}

  Suite suite() const { return suite_; }
  ManualClock& clock() { return clock_; }
  const Authority& ca() const { return ca_; }
  const crypto::PrivateKey& issuer_key() const { return issuer_key_; }
  const Bytes& master_key() const { return master_key_; }
  Limits& limits() { return limits_; }

  DeviceConfig config() const {
    DeviceConfig c;
    c.suite = suite_;
    c.limits = limits_;
    c.trust.roots = {ca_.root};
    c.issuer_keys = {issuer_key_.public_key()};
    return c;
  }

  // A device certificate from `ca` (the network's by default) valid over [nb, na].
  DeviceCredentials credentials(const std::string& id, const Authority* ca = nullptr,
                                std::int64_t nb = kT0 - kDay, std::int64_t na = kT0 + kYear) {
    const Authority& a = ca ? *ca : ca_;
    auto key = must(crypto::PrivateKey::generate(suite_));
    auto cert = crypto::testing::issue_from_new_csr(
        a.inter, a.inter_key, key, id,
        crypto::testing::options_for(crypto::CertProfile::kEndEntity, nb, na));
    Bytes mac_key = must(diversify_device_key(suite_, master_key_, id));
    return DeviceCredentials{
        std::move(key), std::move(cert), {a.inter}, std::move(mac_key), "Wallet " + id};
  }

  std::unique_ptr<TestDevice> device(const std::string& id, const Authority* ca = nullptr,
                                     std::int64_t nb = kT0 - kDay, std::int64_t na = kT0 + kYear) {
    auto d = std::make_unique<TestDevice>(id, credentials(id, ca, nb, na), config(),
                                          std::hash<std::string>{}(id) + seed_++);
    reopen(*d);
    return d;
  }

  // Restart: a new Device object over the same journal (what survives a crash).
  void reopen(TestDevice& d) {
    d.dev.reset();
    d.dev.emplace(must(Device::open(d.config, d.creds, d.storage, clock_, *d.random), "open"));
  }

  Bytes root(const std::string& device_id, std::int64_t amount, std::int64_t lifetime = 7 * kDay) {
    return must(
        issue_root_voucher(issuer_key_, {device_id, amount, clock_.now() + lifetime, ++serial_}));
  }

  void load(TestDevice& d, std::int64_t amount) { must(d->load(root(d.id, amount)), "load"); }

  SettlementContext settlement() const {
    SettlementContext s;
    s.suite = suite_;
    s.trust.roots = {ca_.root};
    s.issuer_keys = {issuer_key_.public_key()};
    s.issuer_master_key = master_key_;
    s.limits = limits_;
    return s;
  }

  const Authority& foreign() const { return foreign_; }

 private:
  Suite suite_;
  Limits limits_;
  ManualClock clock_{kT0 + 3600};
  Authority ca_;
  Authority foreign_;
  crypto::PrivateKey issuer_key_;
  Bytes master_key_;
  std::uint64_t serial_ = 0;
  std::uint64_t seed_ = 1;
};

// The four messages of one transfer.
struct Transcript {
  Bytes init, response, execute, ack;
};

// Runs the protocol A -> B to the end, or stops at the first refusal.
inline Result<Transcript> transfer(Device& a, Device& b, std::int64_t amount) {
  Transcript t;
  RL_ASSIGN_OR_RETURN(t.init, a.init(amount));
  RL_ASSIGN_OR_RETURN(t.response, b.respond(t.init));
  RL_ASSIGN_OR_RETURN(t.execute, a.execute(t.response));
  RL_ASSIGN_OR_RETURN(t.ack, b.complete(t.execute));
  RL_TRY(a.finish(t.ack));
  return t;
}

inline Bytes serialized(const Device& d) {
  return encode(d.state());
}

inline Bytes provenance_bytes(const Device& d) {
  return encode(d.settlement_provenance());
}

template <typename Msg>
Msg parse(ByteView b) {
  Msg m;
  if (!m.ParseFromArray(b.data(), static_cast<int>(b.size()))) throw std::runtime_error("parse");
  return m;
}

inline std::string code_of(const Status& s) {
  return s.ok() ? "ok" : s.error().code;
}
template <typename T>
std::string code_of(const Result<T>& r) {
  return r.ok() ? "ok" : r.error().code;
}

}  // namespace rl::offline::testing
