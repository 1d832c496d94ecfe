// A fuzz target with planted bugs, for the standalone driver's bite tests (expect_crash.cmake):
// an input holding "ABRT" aborts, one holding "OOBR" reads a byte past its end (an ASan report),
// one holding "HANG" never returns (the per-input timeout).
// Four given bytes are out of reach of random edits; only the dictionary token the test passes
// makes them reachable, so the test also shows that dictionaries are used.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <thread>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (in.find("ABRT") != std::string_view::npos) std::abort();
  if (in.find("OOBR") != std::string_view::npos) {
    // volatile: the read must happen, though its value is unused.
    const volatile std::uint8_t past_end = data[size];
    (void)past_end;
  }
  if (in.find("HANG") != std::string_view::npos) {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return 0;
}
