// Fuzz dictionaries (fuzz/NAME.dict) for the standalone smoke driver, in the libFuzzer/AFL format
// that `make fuzz` hands to libFuzzer with -dict=, so that one file serves both modes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rl::fuzz_smoke {

using Input = std::vector<std::uint8_t>;

struct Dictionary {
  std::vector<Input> tokens;
  std::string error;  // empty when the whole text parsed
};

// One token a line: "text" or name="text", with \\, \" and \xHH escapes. Blank lines and lines
// starting with '#' are skipped. A malformed line is an error (naming its line number) rather
// than a token silently dropped: a dictionary that half-parses would weaken the pass unseen.
Dictionary parse_dictionary(std::string_view text);

}  // namespace rl::fuzz_smoke
