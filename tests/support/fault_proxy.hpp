#pragma once
// A controllable TCP proxy for one dialled link between two real nodes (tests only; loopback
// only). It listens on 127.0.0.1:listen_port and forwards every connection it accepts to
// 127.0.0.1:target_port, copying bytes both ways on its own I/O thread.
//
// P2P links are TLS, so the proxy works on bytes, never on frames: it cannot drop, duplicate or
// reorder one message without breaking the TLS record stream (the peer would see a MAC failure
// and close). What it can do, and what each does to the nodes (docs/fault-testing.md):
//   delay    every chunk read is written `fixed + U[0, jitter]` later, never earlier than the
//            chunk before it (TCP keeps byte order, so jitter only varies the delay);
//   stall    the direction stops: nothing more is read or written, TCP flow control pushes
//            back onto the sender; after the node's idle timeout the connection is closed by
//            the node itself (so a long stall ends as a cut);
//   cut      every open connection is reset (RST both ways, bytes held for delay are lost);
//            the nodes redial and re-send, which at the message level is loss plus duplicates;
//   refuse   new connections are reset as soon as they are accepted (with cut: a partition);
//   heal     no delay, no stall, accept again.
// Direction kForward is dialer -> listener (the bytes the dialling node writes), kBackward the
// answer.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace rl::testing {

enum class ProxyDirection : std::uint8_t { kForward = 0, kBackward = 1 };

struct ProxyCounters {
  std::uint64_t accepted = 0;              // connections forwarded
  std::uint64_t refused = 0;               // connections reset at accept (refusing)
  std::uint64_t cut = 0;                   // open connections reset by cut()
  std::array<std::uint64_t, 2> bytes{};    // forwarded, by ProxyDirection
  std::array<std::uint64_t, 2> delayed{};  // chunks written later than read, by direction
};

class FaultProxy {
 public:
  // Binds 127.0.0.1:listen_port now (throws std::runtime_error when it cannot) and starts the
  // I/O thread. `seed` drives the jitter.
  FaultProxy(int listen_port, int target_port, std::uint64_t seed);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int listen_port() const { return listen_port_; }

  // Each control takes effect on the I/O thread before it returns.
  void set_delay(ProxyDirection d, std::chrono::milliseconds fixed,
                 std::chrono::milliseconds jitter);
  void set_stalled(ProxyDirection d, bool stalled);
  void set_refusing(bool refusing);
  // Resets every open connection; returns how many there were.
  std::uint64_t cut();
  // No delay, no stall, accepting. Open connections stay open.
  void heal();
  ProxyCounters counters() const;

 private:
  class Impl;
  const int listen_port_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::testing
