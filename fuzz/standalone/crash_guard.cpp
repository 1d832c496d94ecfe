#include "fuzz/standalone/crash_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstring>
#include <string_view>
#include <utility>

// Provided by the sanitizer runtime when the build has one (weak: the driver links without it).
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace rl::fuzz_smoke {
namespace {

// Process-wide because signal handlers and the death callback take no argument.
struct State {
  CrashReport report;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::uint64_t exec = 0;
  volatile std::sig_atomic_t saved = 0;  // the first report wins (abort may follow a report)
};
State& state() {
  static State s;
  return s;
}

void say(std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, s.data(), s.size());
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

void say_number(std::uint64_t v) {
  std::array<char, 24> buf{};
  std::size_t i = buf.size();
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > 0);
  say(std::string_view(buf.data() + i, buf.size() - i));
}

bool write_artifact(const State& s) {
  const int fd = ::open(s.report.artifact_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < s.size) {
    const ssize_t n = ::write(fd, s.data + done, s.size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return done == s.size;
}

void save_current_input(std::string_view why) {
  State& s = state();
  if (s.saved) return;
  s.saved = 1;
  say("\nfuzz-smoke: ");
  say(why);
  if (s.data == nullptr) {
    say(" outside any input (e.g. a leak reported at exit): no input to save\n");
    return;
  }
  say(" on execution ");
  say_number(s.exec);
  if (s.report.artifact_path.empty()) {  // replaying files: the input is the one named last
    say("\n");
    return;
  }
  if (!write_artifact(s)) {
    say("; could not write the input to ");
    say(s.report.artifact_path);
    say("\n");
    return;
  }
  say("\nfuzz-smoke: crash input written to ");
  say(s.report.artifact_path);
  say("\nfuzz-smoke: replay the input:  ");
  say(s.report.replay_input);
  say("\nfuzz-smoke: replay the pass:   ");
  say(s.report.replay_pass);
  say(" --runs ");
  say_number(s.exec);
  say("\n");
}

void on_sanitizer_death() {
  save_current_input("sanitizer report");
}

void on_signal(int sig) {
  if (sig == SIGALRM) {
    save_current_input("per-input timeout");
    ::_exit(70);
  }
  save_current_input(sig == SIGABRT ? "abort" : "fatal signal");
  // Die of the same signal, so that the exit status says what happened.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void install_crash_guard(CrashReport report) {
  state().report = std::move(report);
  if (__sanitizer_set_death_callback != nullptr) {
    __sanitizer_set_death_callback(on_sanitizer_death);
  }
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGALRM}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

void set_current_input(const std::uint8_t* data, std::size_t size, std::uint64_t exec) {
  State& s = state();
  s.data = data;
  s.size = size;
  s.exec = exec;
  if (s.report.timeout_seconds != 0) ::alarm(data == nullptr ? 0 : s.report.timeout_seconds);
}

}  // namespace rl::fuzz_smoke
