#pragma once
// The network's mask key (decision 0060): 32 random bytes, hex in a file of mode 0600 that every
// node serving third parties holds (config.json "protection": {"mask_key_file": ...}). Tokens are
// HMACs under keys derived from it, so nodes with the same key give the same tokens.

#include <string>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "crypto/suite.hpp"

namespace rl::node::third_party {

// Reads and checks a mask key file: hex of exactly 32 bytes, readable by its owner only.
// Codes: file_not_found, bad_mask_key.
Result<Bytes> read_mask_key_file(const std::string& path);

// A short public name of a mask key (16 hex digits of a domain-separated hash), shown in every
// third-party answer: a third party joining tokens from two nodes sees at once when the nodes
// hold different keys, and an operator compares it across nodes. It reveals nothing of the key.
std::string mask_key_id(crypto::Suite suite, ByteView mask_key);

}  // namespace rl::node::third_party
