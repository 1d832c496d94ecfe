// Leaves the input that crashed a smoke run behind in a file, whatever killed the process: a
// sanitizer report (ASan/UBSan/LSan call the death callback before they exit), abort() or a
// trap (signal handlers), or an input that runs longer than the per-input timeout (SIGALRM).
// What runs at crash time is async-signal-safe: open/write/close on strings prepared in advance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rl::fuzz_smoke {

struct CrashReport {
  std::string artifact_path;     // where the crashing input is written; empty: it is a file already
  std::string replay_input;      // the command that runs that file again, alone
  std::string replay_pass;       // the same pass up to the crash, without the trailing run count
  unsigned timeout_seconds = 0;  // per input; 0 = none
};

// Installs the handlers. Signals that the sanitizer runtime already handles (SIGSEGV, SIGBUS,
// SIGFPE under ASan) are left to it: its report ends in the death callback, which saves the input.
void install_crash_guard(CrashReport report);

// Marks the input about to run (execution number `exec`, counted from 1) or, with nullptr, that
// none is running: a report then (a leak found at exit) names no input.
void set_current_input(const std::uint8_t* data, std::size_t size, std::uint64_t exec);

}  // namespace rl::fuzz_smoke
