// libFuzzer target: the offline decoders that take bytes from a transaction or a file rather than
// from the other device: the root voucher (LoadDevice on the ledger, `device load` onto the
// device) and the settlement provenance (SettleVouchers: check_settlement, which every validator
// runs on bytes any account of the holder's organization submits). Oracle besides the
// sanitizers: a refused root voucher leaves the device's journal as it was.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/offline_world.hpp"

namespace of = rl::offline::fuzz;

namespace {

enum Target : std::uint8_t { kVerifyRoot = 0, kDeviceLoad = 1, kSettlement = 2, kTargets = 3 };

const rl::Bytes& valid_for(Target target) {
  const auto& t = of::honest();
  return target == kSettlement ? t.provenance_b : t.root;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  of::silence_protobuf_logs();
  std::vector<rl::Bytes> seeds;
  for (std::uint8_t s = 0; s < kTargets; ++s) {
    seeds.push_back(of::framed(s, 0, valid_for(static_cast<Target>(s))));
    seeds.push_back(of::framed(s, 1, {}));
  }
  of::seed_corpus(*argc, *argv, seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& t = of::honest();
  const auto target = static_cast<Target>(data[0] % kTargets);
  const rl::Bytes msg =
      of::message_from(data[1], rl::ByteView(data + 2, size - 2), valid_for(target));
  switch (target) {
    case kVerifyRoot: {
      const rl::offline::Limits limits;
      (void)rl::offline::verify_root_voucher(of::kSuite, {t.world.issuer_key.public_key()}, msg,
                                             limits);
      break;
    }
    case kDeviceLoad: {
      of::FuzzDevice d(t.world, t.a, 1);
      const auto before = d.storage.record();
      if (!d.dev->load(msg).ok() && d.storage.record() != before) std::abort();
      break;
    }
    case kSettlement: {
      auto report = rl::offline::check_settlement(t.world.settlement(), msg);
      if (report.ok()) (void)rl::offline::find_conflicts({*report, *report});
      break;
    }
    default:
      break;
  }
  return 0;
}
