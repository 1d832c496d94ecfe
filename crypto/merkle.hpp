#pragma once
// RFC 6962 Merkle tree: leaf hash = H(0x00 || leaf), node hash = H(0x01 || left || right);
// the tree over n leaves splits at the largest power of two smaller than n.

#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

Bytes merkle_leaf_hash(Suite suite, ByteView leaf);
Bytes merkle_node_hash(Suite suite, ByteView left, ByteView right);
// Root over leaf hashes; the empty tree's root is H("").
Bytes merkle_root(Suite suite, const std::vector<Bytes>& leaf_hashes);
// Audit path for leaf `index` (RFC 6962 section 2.1.1), bottom-up.
std::vector<Bytes> merkle_inclusion_proof(Suite suite, const std::vector<Bytes>& leaf_hashes,
                                          std::uint64_t index);
bool merkle_verify_inclusion(Suite suite, ByteView leaf_hash, std::uint64_t index,
                             std::uint64_t tree_size, const std::vector<Bytes>& proof,
                             ByteView root);

}  // namespace rl::crypto
