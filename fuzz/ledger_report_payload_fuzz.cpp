// libFuzzer target, differential: the hand-written report-payload scanner that block execution
// runs (ledger::check_json_object_fields) against the nlohmann SAX check it replaced
// (tests/ledger/report_payload_reference). The check is consensus-critical, so any input on which
// they disagree -- accepted by one and not the other, or refused with different errors -- aborts.
// The whole input is the payload; its length picks one of a few required-key lists.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/report_payload.hpp"
#include "tests/ledger/report_payload_reference.hpp"

namespace {

std::string outcome(const rl::Status& st) {
  return st.ok() ? "ok" : st.error().code + ": " + st.error().message;
}

// More names than the scanner's one-word set of found keys holds.
std::vector<std::string_view> many_keys() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (int i = 0; i < 70; ++i) n.push_back("k" + std::to_string(i));
    return n;
  }();
  return {names.begin(), names.end()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::array<std::vector<std::string_view>, 5> kLists{{
      {},
      {"institution", "period"},
      {"period", "a/b", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"},
      {"", "k", "k"},
      many_keys(),
  }};
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const auto& required = kLists[size % kLists.size()];
  const std::string fast = outcome(rl::ledger::check_json_object_fields(payload, required));
  const std::string ref =
      outcome(rl::ledger::reference::check_json_object_fields(payload, required));
  if (fast != ref) {
    std::fprintf(stderr,
                 "report payload scanner diverges from the nlohmann reference\n"
                 "  scanner:   %s\n  reference: %s\n",
                 fast.c_str(), ref.c_str());
    std::abort();
  }
  return 0;
}
