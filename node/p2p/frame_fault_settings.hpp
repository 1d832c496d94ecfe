#pragma once
// TEST-ONLY: what regledgerd_frame_faults does to received P2P frames (docs/fault-testing.md,
// "Frame-level faults"). Parsed from the environment of that test-only executable; no production
// target compiles this file and no config file can name these settings.
//
//   REGLEDGER_FRAME_FAULTS="drop=0.05,dup=0.05,reorder=0.05,delay=0.05,delay_ms=5-300,hold_ms=1000"
//   REGLEDGER_FRAME_FAULTS_SEED=12345     (unset: drawn at start and logged)
//
// Every key is optional (absent rates are 0); the rates are per received data frame and their
// sum is at most 1.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::p2p::detail {

inline constexpr const char* kFrameFaultsEnv = "REGLEDGER_FRAME_FAULTS";
inline constexpr const char* kFrameFaultsSeedEnv = "REGLEDGER_FRAME_FAULTS_SEED";

struct FrameFaultSettings {
  double drop = 0;     // the frame is never delivered
  double dup = 0;      // delivered twice in a row
  double reorder = 0;  // held back and delivered after the next frame from the same peer
  double delay = 0;    // delivered after U[delay_min, delay_max]; later frames overtake it
  std::chrono::milliseconds delay_min{5};
  std::chrono::milliseconds delay_max{300};
  // A held frame whose peer sends nothing more is delivered after this: reorder, not loss.
  std::chrono::milliseconds hold_max{1000};
  std::uint64_t seed = 0;

  std::string describe() const;  // "drop=0.05 dup=0.05 ... seed=S", for the start log line
};

// Codes: bad_config (unknown key, malformed or out-of-range value, rates summing above 1).
Result<FrameFaultSettings> parse_frame_fault_settings(std::string_view spec, std::uint64_t seed);
// nullopt when REGLEDGER_FRAME_FAULTS is unset or empty. Code: bad_config.
Result<std::optional<FrameFaultSettings>> frame_fault_settings_from_env();

}  // namespace rl::p2p::detail
