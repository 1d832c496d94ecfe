// libFuzzer target: the four device-to-device messages of an offline transfer (docs/offline.md
// "The protocol, message by message"), each at the step that decodes it from the other device:
// INIT at respond(), RESPONSE at execute(), EXECUTE at complete(), ACK at finish(). The device
// starts from the journal an honest transfer left at that point. Oracle besides the sanitizers:
// a refused message leaves the device's journal byte for byte as it was (offline/device.hpp).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/offline_world.hpp"

namespace of = rl::offline::fuzz;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  of::silence_protobuf_logs();
  const auto& t = of::honest();
  std::vector<rl::Bytes> seeds;
  for (std::uint8_t s = 0; s < of::kSteps; ++s) {
    seeds.push_back(of::framed(s, 0, t.message[s]));  // the valid message itself
    seeds.push_back(of::framed(s, 1, {}));            // edits of it, none yet
  }
  of::seed_corpus(*argc, *argv, seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& t = of::honest();
  const auto step = static_cast<of::Step>(data[0] % of::kSteps);
  const rl::Bytes msg =
      of::message_from(data[1], rl::ByteView(data + 2, size - 2), t.message[step]);

  const bool sender = step == of::kExecute || step == of::kFinish;
  rl::offline::MemoryStorage storage;
  if (t.journal[step]) of::must(storage.commit(*t.journal[step]));
  rl::offline::ManualClock clock{of::kT0 + 3600};
  rl::offline::SeededRandom random(data[1]);
  auto dev = of::must(
      rl::offline::Device::open(t.world.config(), sender ? t.a : t.b, storage, clock, random));
  const auto before = storage.record();

  bool ok = false;
  switch (step) {
    case of::kRespond:
      ok = dev.respond(msg).ok();
      break;
    case of::kExecute:
      ok = dev.execute(msg).ok();
      break;
    case of::kComplete:
      ok = dev.complete(msg).ok();
      break;
    case of::kFinish:
      ok = dev.finish(msg).ok();
      break;
    default:
      break;
  }
  if (!ok && storage.record() != before) std::abort();  // a refusal changed the journal
  (void)dev.balance();
  (void)dev.settlement_provenance();
  return 0;
}
