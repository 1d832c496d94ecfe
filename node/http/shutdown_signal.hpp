#pragma once
// Graceful shutdown on SIGINT/SIGTERM without doing work inside a signal handler: the signals
// are delivered through asio::signal_set on a private io_context, and the caller's thread then
// runs the (non-async-signal-safe) stop logic normally.
//
//   auto server = HttpsServer::start(cfg, handler);
//   int sig = rl::http::wait_for_shutdown_signal();   // blocks the main thread
//   spdlog::info("shutting down signal={}", sig);
//   (*server)->stop();

namespace rl::http {

// Blocks until SIGINT or SIGTERM arrives; returns the signal number. Call it once, from the
// main thread, before other threads could have had the signals delivered to them.
int wait_for_shutdown_signal();

}  // namespace rl::http
