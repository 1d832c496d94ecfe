#pragma once
// The private keys of this node's key service (docs/sealed.md "Key services"): the current key,
// which new seals are made to, and the keys it had before rotations, which shares sealed earlier
// are still encrypted to. Each is a PEM file held like every node secret (mode 0600 or 0400).
// Immutable after loading; safe to share between threads.

#include <map>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"

namespace rl::node::sealed {

class KeyServiceKeys {
 public:
  // `paths`: the current key first, then previous ones. Codes: key_service_key_missing,
  // key_service_key_mode, bad_key_service_key (not a private key of the network's suite).
  static Result<KeyServiceKeys> load(crypto::Suite suite, const std::vector<std::string>& paths);
  // Writes a new key file (mode 0600); refuses to overwrite one. Code: already_exists,
  // write_failed.
  static Status create(crypto::Suite suite, const std::string& path);

  // The key a share names by its id (nullptr: this service never had it).
  const crypto::PrivateKey* find(ByteView key_id) const;
  const Bytes& current_key_id() const { return current_id_; }
  crypto::PublicKey current_public_key() const { return keys_.at(current_id_).public_key(); }

 private:
  std::map<Bytes, crypto::PrivateKey> keys_;  // by key id
  Bytes current_id_;
};

}  // namespace rl::node::sealed
