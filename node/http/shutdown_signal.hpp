#pragma once
// Graceful shutdown on SIGINT/SIGTERM without doing work inside a signal handler: the signals
// are delivered through asio::signal_set on a private io_context, and the caller's thread then
// runs the (non-async-signal-safe) stop logic normally.
//
//   ShutdownSignal shutdown;          // construct early: from here on SIGINT/SIGTERM are caught
//   auto server = HttpsServer::start(cfg, handler);
//   int sig = shutdown.wait();        // blocks the main thread
//   (*server)->stop();
//
// Internal failures can end the wait too: shutdown.request() from any thread.

#include <memory>

namespace rl::http {

class ShutdownSignal {
 public:
  ShutdownSignal();  // installs the SIGINT/SIGTERM handlers
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  // Blocks until a signal arrives (returns its number) or request() is called (returns 0).
  int wait();
  // Thread-safe; ends wait() with 0.
  void request();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::http
