#pragma once
// Validator-to-validator transport: TLS 1.3 with mutual authentication, length-prefixed frames,
// one connection per peer pair, reconnect with backoff and bounded per-peer send queues.
//
// Who may connect is decided during the TLS handshake: the peer's certificate must chain to
// `ca_pem` AND its public key (SubjectPublicKeyInfo DER) must be one of `members`. Anyone else
// fails the handshake, before a single frame is read. After TLS each side sends a Hello frame
// (chain id, node name, protocol version); a peer whose name does not match the member entry
// of its certificate, or whose chain id differs, is disconnected.
//
// Wire format of a frame: u32be length (of what follows) || u8 channel || payload.
// `length` is checked against max_frame_bytes before anything is allocated; a frame that is
// oversized, truncated by EOF, or on an unknown channel closes that connection (and only that
// one). Payload meaning belongs to the caller (consensus codec bytes, protobuf Tx bytes, sync
// messages); this layer never interprets it.
//
// Threading: the network runs its own I/O thread. Handlers are called on that thread and must
// not block (post the work elsewhere). send()/broadcast() are thread-safe.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "crypto/tls.hpp"

namespace rl::p2p {

enum class Channel : std::uint8_t {
  kHello = 0,          // internal to this layer; never delivered to the handler
  kConsensus = 1,      // consensus::encode_message bytes
  kTx = 2,             // a serialized pb::Tx
  kSyncRequest = 3,    // block sync request
  kSyncResponse = 4,   // block sync response
  kStatus = 5,         // peer's chain head summary
  kBlockRequest = 6,   // a full block asked for by hash (compact proposals)
  kBlockResponse = 7,  // its answer
};
inline constexpr std::uint8_t kMaxChannel = 7;
// "consensus", "tx", ...; "control" for kHello (this layer's own frames).
const char* channel_name(Channel c);

struct Member {
  std::string name;    // unique node name (as in genesis / config)
  Bytes tls_spki_der;  // public key of its TLS certificate
};

struct DialTarget {
  std::string name;  // must be a member
  std::string host;
  std::uint16_t port = 0;
};

struct P2pConfig {
  std::string chain_id;
  std::string self_name;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0 = ephemeral (see P2pNetwork::port)
  crypto::TlsIdentity identity;   // our certificate chain and key
  std::string ca_pem;             // roots a peer certificate must chain to
  std::vector<Member> members;    // everyone allowed to connect (self may be listed)
  std::vector<DialTarget> dial;   // whom this node connects to (self is skipped)
  std::size_t max_frame_bytes = std::size_t{24} << 20;
  std::size_t max_queue_bytes = std::size_t{64} << 20;  // per peer; beyond it send() fails
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  // A connection with no frame received for this long is closed, and so is one whose current
  // write has not completed for this long (a peer that stopped reading). This layer sends its
  // own keepalive (a Ping on channel 0) every idle_timeout / 3, so silence means a dead or stuck
  // peer even when the caller has nothing to send.
  std::chrono::milliseconds idle_timeout{15000};
};

using SharedBytes = std::shared_ptr<const Bytes>;

// (peer name, channel, payload). Never called for kHello.
using FrameHandler = std::function<void(const std::string&, Channel, SharedBytes)>;
// (peer name, connected?) on every transition.
using PeerHandler = std::function<void(const std::string&, bool)>;

struct PeerInfo {
  std::string name;
  bool connected = false;
  bool outbound = false;
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
  std::uint64_t dropped_out = 0;  // frames refused because the send queue was full
  std::size_t queued_bytes = 0;
  // By channel (index: Channel; 0 is this layer's control frames): frame bytes received and
  // sent since the node started, and the send queue now.
  std::array<std::uint64_t, kMaxChannel + 1> bytes_in{};
  std::array<std::uint64_t, kMaxChannel + 1> bytes_out{};
  std::array<std::size_t, kMaxChannel + 1> queued_bytes_by_channel{};
  // Established connections to this peer: 1 normally, 2 for a moment while a duplicate from a
  // simultaneous dial is being retired.
  std::uint32_t connections = 0;
};

class P2pNetwork {
 public:
  // Binds the listener, starts the I/O thread and begins dialing. Codes: bad_config,
  // bind_failed, tls_config.
  static Result<std::unique_ptr<P2pNetwork>> start(P2pConfig config, FrameHandler on_frame,
                                                   PeerHandler on_peer);
  virtual ~P2pNetwork() = default;

  // Closes every connection and joins the I/O thread. Idempotent; no handler runs afterwards.
  virtual void stop() = 0;
  virtual std::uint16_t port() const = 0;
  // Queues a frame for one connected peer. False if not connected or its queue is full.
  virtual bool send(const std::string& peer, Channel channel, SharedBytes payload) = 0;
  // Queues a frame for every connected peer (skipping `except`). Returns how many took it.
  virtual std::size_t broadcast(Channel channel, SharedBytes payload,
                                const std::string& except = {}) = 0;
  virtual std::vector<PeerInfo> peers() const = 0;
  // Replaces who may connect and whom this node dials (validator-set governance, decision 0041).
  // From the next handshake on only the new members' keys pass; connections of members that
  // left are closed, new members are dialled. Applied on the I/O thread, asynchronously.
  // Code: bad_config (duplicate names or keys, dial target not a member).
  virtual Status set_members(std::vector<Member> members, std::vector<DialTarget> dial) = 0;
};

}  // namespace rl::p2p
