#pragma once
// Shared fixtures for the P2P tests: certificates made with the project's own CA functions,
// configs with short timeouts, a recorder for handler calls, a raw TCP/TLS client for hostile
// input, and a capture of log lines (refusals are logged, which lets tests wait for them instead
// of sleeping).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/tls.hpp"
#include "node/p2p/frame.hpp"
#include "node/p2p/p2p_network.hpp"

namespace rl::p2p::test {

inline constexpr char kChainId[] = "p2p-test-chain";
// Generous: only reached when something is broken (never a pass condition).
inline constexpr std::chrono::milliseconds kWait{15000};

struct TestNode {
  std::string name;
  crypto::TlsIdentity identity;
  Bytes spki_der;
};

struct TestPki {
  std::string ca_pem;
  // "node0", "node1", "node2": run as networks; "probe": a member used by raw clients.
  std::vector<TestNode> nodes;
  TestNode probe;
  TestNode outsider;  // issued by ca_pem's root, but not a member
  std::string foreign_ca_pem;
  TestNode foreign;  // issued by an unrelated root
};

// Made once per process; certificates are valid from a day ago for a year.
const TestPki& pki();
const TestNode& node(int i);

std::vector<Member> default_members();  // node0..2 and probe
// Short timeouts; listens on `port` (0 = ephemeral); no dial targets.
P2pConfig make_config(const TestNode& self, std::uint16_t port = 0);
// A port that was free a moment ago (for configs that must dial each other before starting).
std::uint16_t free_port();

SharedBytes shared(Bytes b);
SharedBytes shared(std::string_view s);
Bytes random_bytes(std::size_t n, std::uint64_t seed);

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = kWait);

struct Delivered {
  std::string peer;
  Channel channel;
  SharedBytes payload;
};

// Collects what a network hands to its handlers.
class Recorder {
 public:
  FrameHandler frame_handler();
  PeerHandler peer_handler();

  std::vector<Delivered> frames() const;
  std::vector<std::pair<std::string, bool>> peer_events() const;
  std::size_t frame_count() const;
  // Waits until `pred(frames)` holds.
  bool wait_frames(const std::function<bool(const std::vector<Delivered>&)>& pred,
                   std::chrono::milliseconds timeout = kWait);
  // Waits until at least one frame from `peer` with exactly `payload` arrived on `channel`.
  bool wait_frame(const std::string& peer, Channel channel, const Bytes& payload,
                  std::chrono::milliseconds timeout = kWait);
  bool wait_peer_event(const std::string& peer, bool connected,
                       std::chrono::milliseconds timeout = kWait);
  std::size_t count_peer_events(const std::string& peer, bool connected) const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivered> frames_;
  std::vector<std::pair<std::string, bool>> events_;
};

struct RunningNode {
  std::string name;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<P2pNetwork> network;
};
RunningNode start_node(P2pConfig config);

// Every pair among `nodes` connected over exactly one connection, both ends agreeing on who
// dialed it.
bool mesh_stable(const std::vector<const RunningNode*>& nodes);
std::optional<PeerInfo> peer_info(const P2pNetwork& net, const std::string& peer);

// Log lines (payload only) seen since process start.
bool wait_log(const std::function<bool(const std::string&)>& pred,
              std::chrono::milliseconds timeout = kWait);
bool wait_log_containing(const std::vector<std::string>& parts,
                         std::chrono::milliseconds timeout = kWait);
std::size_t log_mark();  // index of the next log line; pass to the *_since variants
bool wait_log_containing_since(std::size_t mark, const std::vector<std::string>& parts,
                               std::chrono::milliseconds timeout = kWait);

// A raw client: plain TCP, optionally TLS with an identity, then arbitrary bytes.
class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port);
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  bool tcp_connected() const;
  // TLS 1.3 client handshake; "" on success, else the error message. In TLS 1.3 a client whose
  // certificate the server refuses still completes its side; the refusal arrives on read.
  std::string handshake(const std::string& ca_pem, const crypto::TlsIdentity* identity);
  bool write(ByteView bytes);  // over TLS after handshake(), raw TCP before
  bool send_hello(const std::string& name, const std::string& chain_id = kChainId);
  bool send_frame(Channel channel, ByteView payload);
  void shutdown_send();  // TCP half-close (no TLS close_notify): the peer sees a truncated stream

  struct ReadResult {
    Bytes data;
    bool closed = false;  // the remote closed or the connection failed (vs. timing out)
    std::string error;
  };
  // Reads until `enough(data)` or the remote closes or `timeout`.
  ReadResult read_until(std::chrono::milliseconds timeout,
                        const std::function<bool(const Bytes&)>& enough);
  ReadResult read_until_closed(std::chrono::milliseconds timeout = kWait);
  // The first complete frame, if one arrives.
  std::optional<Frame> read_frame(std::chrono::milliseconds timeout = kWait);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::p2p::test
