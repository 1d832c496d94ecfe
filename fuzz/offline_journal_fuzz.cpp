// libFuzzer target: the device journal (offline::FileStorage's journal.bin, `regledger device`'s
// state/ directory): Device::open decodes whatever record the storage holds, and the device is
// then used. A journal is the device's own file, but a damaged or tampered one must be refused
// with a code, never read out of bounds or trusted into a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/offline_world.hpp"

namespace of = rl::offline::fuzz;

namespace {

// The journals of an honest transfer: B fresh is empty, so the four stages plus both ends.
std::vector<rl::Bytes> valid_journals() {
  const auto& t = of::honest();
  std::vector<rl::Bytes> out;
  for (const auto& j : t.journal) {
    if (j) out.push_back(*j);
  }
  out.push_back(t.final_a);
  out.push_back(t.final_b);
  return out;
}

const std::vector<rl::Bytes>& journals() {
  static const std::vector<rl::Bytes> j = valid_journals();
  return j;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  of::silence_protobuf_logs();
  std::vector<rl::Bytes> seeds;
  for (std::size_t i = 0; i < journals().size(); ++i) {
    seeds.push_back(of::framed(static_cast<std::uint8_t>(i), 0, journals()[i]));
    seeds.push_back(of::framed(static_cast<std::uint8_t>(i), 1, {}));
  }
  of::seed_corpus(*argc, *argv, seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& t = of::honest();
  const auto& valid = journals()[data[0] % journals().size()];
  const rl::Bytes record = of::message_from(data[1], rl::ByteView(data + 2, size - 2), valid);
  rl::offline::MemoryStorage storage;
  of::must(storage.commit(record));
  rl::offline::ManualClock clock{of::kT0 + 3600};
  rl::offline::SeededRandom random(7);
  // Either device's credentials: a journal of the other device must be refused, not adopted.
  auto dev = rl::offline::Device::open(t.world.config(), data[0] & 0x80 ? t.b : t.a, storage, clock,
                                       random);
  if (!dev.ok()) return 0;
  (void)dev->balance();
  (void)dev->in_flight();
  (void)dev->settlement_provenance();
  (void)dev->resend_execute();
  (void)dev->init(1);
  return 0;
}
