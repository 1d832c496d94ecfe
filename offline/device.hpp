#pragma once
// A device as a state machine over injected storage, clock and random source
// (docs/offline.md, "Protocol"). The steps of one transfer, sender S and receiver R:
//
//   S.init(amount)        -> InitMsg      S journals INITIATED, refuses a second init (busy)
//   R.respond(init)       -> ResponseMsg  R journals its pending receive (rB, ephemeral key)
//   S.execute(response)   -> ExecuteMsg   S journals: coins spent, change kept, counter + 1,
//                                          hop + session MAC + issuer MAC (EXECUTED)
//   R.complete(execute)   -> AckMsg       R checks the session MAC first, then everything else,
//                                          then journals the received output
//   S.finish(ack)                         S journals the transfer as completed
//
// Every step either returns its message after one atomic journal write or an error with a
// field-specific code (offline/errors.hpp) and no state change. After a crash, open() on the
// same storage resumes: resend_execute() and acknowledgement() repeat the lost messages.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/x509.hpp"
#include "offline.pb.h"
#include "offline/clock.hpp"
#include "offline/identity.hpp"
#include "offline/limits.hpp"
#include "offline/random.hpp"
#include "offline/storage.hpp"

namespace rl::offline {

// What the device holds of its own (a secure element in a real device).
struct DeviceCredentials {
  crypto::PrivateKey key;    // the certificate key (non-repudiation)
  crypto::Certificate cert;  // CN = device id
  std::vector<crypto::Certificate> intermediates;
  Bytes mac_key;     // diversified from the issuer master key
  std::string name;  // shown to the peer in INIT
};

struct DeviceConfig {
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  Limits limits;
  TrustAnchors trust;
  std::vector<crypto::PublicKey> issuer_keys;
};

class Device {
 public:
  // Opens the device over `storage`, resuming from its journal. The ports must outlive it.
  static Result<Device> open(DeviceConfig config, DeviceCredentials credentials, Storage& storage,
                             Clock& clock, Random& random);

  // Accepts a root voucher issued to this device (LoadDevice on the ledger).
  Status load(ByteView root_voucher);

  // Sender steps.
  Result<Bytes> init(std::int64_t amount);
  Result<Bytes> execute(ByteView response_msg);
  Status finish(ByteView ack_msg);
  // Drops an INITIATED transfer; after EXECUTE the value is in flight and cannot be.
  Status abort();
  // The journaled ExecuteMsg of an EXECUTED transfer, to retransmit after a crash.
  Result<Bytes> resend_execute() const;

  // Receiver steps.
  Result<Bytes> respond(ByteView init_msg);
  Result<Bytes> complete(ByteView execute_msg);
  // The acknowledgement of an already completed receive (found by its hop hash), for a sender
  // that did not get it.
  Result<Bytes> acknowledgement(ByteView hop_hash) const;

  // Inspection.
  const std::string& device_id() const { return device_id_; }
  std::int64_t balance() const;    // sum of the coins held
  std::int64_t in_flight() const;  // amount of an EXECUTED transfer not yet acknowledged
  bool has_received(ByteView hop_hash) const;
  const regledger::offline::v1::DeviceState& state() const { return state_; }
  // Everything the held coins descend from, for settlement on the ledger.
  regledger::offline::v1::Provenance settlement_provenance() const;

  Device(Device&&) noexcept = default;

 private:
  Device(DeviceConfig config, DeviceCredentials credentials, Storage& storage, Clock& clock,
         Random& random, std::string device_id);

  Status commit(regledger::offline::v1::DeviceState next);
  // A fresh ephemeral ECDH key: its raw scalar (what the journal keeps) and the key.
  Result<std::pair<Bytes, crypto::PrivateKey>> new_ephemeral_key();
  Result<crypto::PrivateKey> ephemeral_key(const std::string& scalar) const;
  // What must hold of every state the device keeps: each coin's amount positive and their sum
  // within int64. A state the device made itself and breaks this is a bug (commit asserts); a
  // journal read from storage that breaks it is damaged or tampered (open refuses it).
  static Status state_invariants(const regledger::offline::v1::DeviceState& s);

  DeviceConfig config_;
  DeviceCredentials creds_;
  Storage* storage_;
  Clock* clock_;
  Random* random_;
  std::string device_id_;
  Bytes cert_id_;
  regledger::offline::v1::DeviceState state_;
};

}  // namespace rl::offline
