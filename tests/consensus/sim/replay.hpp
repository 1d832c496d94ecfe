#pragma once
// One-line commands that replay a single simulator run, and the reading of the environment they
// set. A command names everything the run depends on (the seed, n, the fault mix by name and any
// test-only switch) and the absolute path of the running binary, so it can be pasted from a CI
// log into a shell in any directory of the same build:
//   RL_SIM_SEED=S RL_SIM_N=4 RL_SIM_MIX=crash /abs/path/consensus_sim_test
//     --gtest_filter='*Replay.FromEnvironment'   (one line)
// Bite-test runs add RL_SIM_BYZANTINE=k, RL_SIM_NO_LOCK=1, RL_SIM_RESTART_DISK=no-safety-state |
// no-lock, RL_SIM_STOP_AT_HEAL=k, RL_SIM_EQUAL_POWER=1.

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "tests/consensus/sim/options.hpp"

namespace rl::consensus::sim {

inline const char* restart_disk_name(RestartDisk d) {
  switch (d) {
    case RestartDisk::kIntact:
      return "intact";
    case RestartDisk::kNoSafetyState:
      return "no-safety-state";
    case RestartDisk::kNoLock:
      return "no-lock";
  }
  return "intact";
}

// The running test binary, absolute: ctest runs it from the build tree, the reader of a log may
// be anywhere.
inline std::string self_path(const char* fallback) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? fallback : p.string();
}

inline std::string replay_command(const SimOptions& o, std::string_view mix) {
  std::string s = "RL_SIM_SEED=" + std::to_string(o.seed);
  s.append(" RL_SIM_N=").append(std::to_string(o.n));
  s.append(" RL_SIM_MIX=").append(mix);
  if (o.byzantine >= 0) s.append(" RL_SIM_BYZANTINE=").append(std::to_string(o.byzantine));
  if (o.disable_locking) s.append(" RL_SIM_NO_LOCK=1");
  if (o.restart_disk != RestartDisk::kIntact)
    s.append(" RL_SIM_RESTART_DISK=").append(restart_disk_name(o.restart_disk));
  if (o.stop_at_heal > 0) s.append(" RL_SIM_STOP_AT_HEAL=").append(std::to_string(o.stop_at_heal));
  if (o.equal_power) s.append(" RL_SIM_EQUAL_POWER=1");
  s.append(" ").append(self_path("./consensus_sim_test"));
  s.append(" --gtest_filter='*Replay.FromEnvironment'");
  return s;
}

// The options a replay command set; nullopt (and `error`) on a value that names nothing, so a
// mistyped mix does not silently replay another run.
inline std::optional<SimOptions> options_from_environment(std::string& mix, std::string& error) {
  auto env = [](const char* name) -> const char* { return std::getenv(name); };
  SimOptions o;
  o.seed = std::strtoull(env("RL_SIM_SEED"), nullptr, 10);
  o.n = env("RL_SIM_N") ? std::atoi(env("RL_SIM_N")) : 4;
  mix = env("RL_SIM_MIX") ? env("RL_SIM_MIX") : "all";
  const auto faults = mix_faults(mix);
  if (!faults) {
    error = "unknown RL_SIM_MIX '" + mix + "'";
    return std::nullopt;
  }
  o.faults = *faults;
  if (env("RL_SIM_BYZANTINE")) o.byzantine = std::atoi(env("RL_SIM_BYZANTINE"));
  o.disable_locking = env("RL_SIM_NO_LOCK") != nullptr;
  if (const char* d = env("RL_SIM_RESTART_DISK")) {
    const std::string_view name = d;
    bool known = false;
    for (RestartDisk k :
         {RestartDisk::kIntact, RestartDisk::kNoSafetyState, RestartDisk::kNoLock}) {
      if (name == restart_disk_name(k)) {
        o.restart_disk = k;
        known = true;
      }
    }
    if (!known) {
      error = "unknown RL_SIM_RESTART_DISK '" + std::string(name) + "'";
      return std::nullopt;
    }
  }
  if (env("RL_SIM_STOP_AT_HEAL")) o.stop_at_heal = std::atoi(env("RL_SIM_STOP_AT_HEAL"));
  o.equal_power = env("RL_SIM_EQUAL_POWER") != nullptr;
  o.verbose = env("RL_SIM_QUIET") == nullptr;
  return o;
}

}  // namespace rl::consensus::sim
