#pragma once
// A fixed offline network for the offline/ fuzz targets: a root and issuing CA, the root-voucher
// issuer key, the master MAC key and two devices, all from fixed private scalars and a fixed
// clock, so that a message one fuzzer process wrote into its corpus still chains to the same
// keys in the next process (certificate signatures differ per process, the keys do not).
//
// Inputs are framed as [step][mode][payload]: mode even, the payload replaces the message under
// test; mode odd, the payload edits the valid message this process just made for that step
// ([cut][pos_hi pos_lo xor]...), which reaches the checks behind the decoders without needing a
// corpus that matches this process's transcript.

#include <google/protobuf/stubs/logging.h>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "crypto/x509.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/root_voucher.hpp"
#include "offline/settlement_check.hpp"

namespace rl::offline::fuzz {

inline constexpr crypto::Suite kSuite = crypto::Suite::kP256Sha256;
inline constexpr std::int64_t kT0 = 1700000000;  // 2023-11-14T22:13:20Z
inline constexpr std::int64_t kDay = 86400;

// The fixed world failed to build: a bug in the harness, not a finding.
template <typename T>
T must(Result<T> r) {
  if (!r.ok()) std::abort();
  return std::move(r).value();
}
inline void must(const Status& s) {
  if (!s.ok()) std::abort();
}

inline crypto::PrivateKey fixed_key(std::uint8_t n) {
  Bytes scalar(32, 0);
  scalar[31] = n;  // small scalars are valid P-256 private keys
  scalar[0] = 0x11;
  return must(crypto::PrivateKey::from_raw_scalar(kSuite, scalar));
}

inline crypto::IssueOptions options(crypto::CertProfile profile, std::int64_t years) {
  crypto::IssueOptions o;
  o.profile = profile;
  o.serial = 1;
  o.not_before = kT0 - kDay;
  o.not_after = kT0 + years * 365 * kDay;
  return o;
}

struct World {
  crypto::PrivateKey root_key = fixed_key(1);
  crypto::PrivateKey inter_key = fixed_key(2);
  crypto::PrivateKey issuer_key = fixed_key(3);
  crypto::Certificate root =
      must(crypto::create_root_certificate(root_key, {"Fuzz Root", "RegLedger Fuzz", "", "CN"},
                                           options(crypto::CertProfile::kRootCa, 20)));
  crypto::Certificate inter =
      issue(root, root_key, inter_key, "Fuzz Issuing CA", crypto::CertProfile::kIntermediateCa, 10);
  Bytes master_key = Bytes(mac_key_size(kSuite), 0x5a);

  static crypto::Certificate issue(const crypto::Certificate& ca, const crypto::PrivateKey& ca_key,
                                   const crypto::PrivateKey& key, const std::string& cn,
                                   crypto::CertProfile profile, std::int64_t years) {
    auto csr = must(crypto::CertificateRequest::create(key, {cn, "RegLedger Fuzz", "", "CN"}));
    return must(crypto::issue_certificate(ca, ca_key, csr, options(profile, years)));
  }

  DeviceConfig config() const {
    DeviceConfig c;
    c.suite = kSuite;
    c.trust.roots = {root};
    c.issuer_keys = {issuer_key.public_key()};
    return c;
  }
  DeviceCredentials credentials(const std::string& id, std::uint8_t key_n) const {
    auto key = fixed_key(key_n);
    auto cert = issue(inter, inter_key, key, id, crypto::CertProfile::kEndEntity, 1);
    return {key, cert, {inter}, must(diversify_device_key(kSuite, master_key, id)), "Wallet " + id};
  }
  SettlementContext settlement() const {
    SettlementContext s;
    s.suite = kSuite;
    s.trust.roots = {root};
    s.issuer_keys = {issuer_key.public_key()};
    s.issuer_master_key = master_key;
    return s;
  }
  Bytes root_voucher(const std::string& device_id, std::int64_t amount) const {
    return must(issue_root_voucher(issuer_key, {device_id, amount, kT0 + 7 * kDay, 1}));
  }
};

// One device over a fresh in-memory journal, at the fixed time.
struct FuzzDevice {
  MemoryStorage storage;
  ManualClock clock{kT0 + 3600};
  SeededRandom random;
  std::optional<Device> dev;

  FuzzDevice(const World& w, const DeviceCredentials& creds, std::uint64_t seed) : random(seed) {
    dev.emplace(must(Device::open(w.config(), creds, storage, clock, random)));
  }
};

// The steps that decode a message from the other device, in protocol order.
enum Step : std::uint8_t { kRespond = 0, kExecute = 1, kComplete = 2, kFinish = 3, kSteps = 4 };

// One honest transfer A -> B of 300 out of a 1000 root, recorded: each step's valid input message,
// the journal of the device that takes it, and both devices' journals and B's settlement
// provenance at the end.
struct HonestTransfer {
  World world;
  DeviceCredentials a = world.credentials("dev-a", 10);
  DeviceCredentials b = world.credentials("dev-b", 11);
  Bytes root;
  Bytes message[kSteps];
  std::optional<Bytes> journal[kSteps];
  Bytes final_a, final_b, provenance_b;

  HonestTransfer() {
    FuzzDevice da(world, a, 1), db(world, b, 2);
    root = world.root_voucher("dev-a", 1000);
    must(da.dev->load(root));
    journal[kRespond] = db.storage.record();
    message[kRespond] = must(da.dev->init(300));
    journal[kExecute] = da.storage.record();
    message[kExecute] = must(db.dev->respond(message[kRespond]));
    journal[kComplete] = db.storage.record();
    message[kComplete] = must(da.dev->execute(message[kExecute]));
    journal[kFinish] = da.storage.record();
    message[kFinish] = must(db.dev->complete(message[kComplete]));
    must(da.dev->finish(message[kFinish]));
    final_a = *da.storage.record();
    final_b = *db.storage.record();
    provenance_b = encode(db.dev->settlement_provenance());
  }
};

// Built once per process: certificates and signatures are the slow part.
inline const HonestTransfer& honest() {
  static const HonestTransfer t;
  return t;
}

// The message under test: the payload itself (mode even) or `valid` edited by the payload.
inline Bytes message_from(std::uint8_t mode, ByteView payload, const Bytes& valid) {
  if (mode % 2 == 0) return Bytes(payload.begin(), payload.end());
  Bytes m = valid;
  if (payload.empty() || m.empty()) return m;
  if (payload[0] != 0) m.resize(m.size() * payload[0] / 256);
  for (std::size_t i = 1; i + 2 < payload.size() && !m.empty(); i += 3) {
    const std::size_t pos = ((std::size_t{payload[i]} << 8) | payload[i + 1]) % m.size();
    m[pos] ^= payload[i + 2];
  }
  return m;
}

inline Bytes framed(std::uint8_t step, std::uint8_t mode, ByteView payload) {
  Bytes out{step, mode};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// Malformed strings are the point here: protobuf's "invalid UTF-8" log line per input would bury
// the fuzzer's own output (scripts/fuzz.sh keeps it in build/fuzz/logs/NAME.log).
inline void silence_protobuf_logs() {
  google::protobuf::SetLogHandler(nullptr);
}

// Writes `seeds` into the corpus directory named on the command line when it holds no file yet
// (libFuzzer reads the corpus after LLVMFuzzerInitialize): every run starts from valid messages.
inline void seed_corpus(int argc, char** argv, const std::vector<Bytes>& seeds) {
  namespace fs = std::filesystem;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    std::error_code ec;
    if (!fs::is_directory(argv[i], ec) || !fs::is_empty(argv[i], ec)) continue;
    for (std::size_t n = 0; n < seeds.size(); ++n) {
      std::ofstream f(fs::path(argv[i]) / ("seed-" + std::to_string(n)), std::ios::binary);
      f.write(reinterpret_cast<const char*>(seeds[n].data()),
              static_cast<std::streamsize>(seeds[n].size()));
    }
    return;
  }
}

}  // namespace rl::offline::fuzz
