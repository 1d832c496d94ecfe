#include "crypto/merkle.hpp"

#include <algorithm>
#include <span>

#include "crypto/hash.hpp"

namespace rl::crypto {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// Largest power of two strictly smaller than n (n >= 2).
std::size_t split_point(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

using LeafSpan = std::span<const Bytes>;

// MTH over a non-empty range of leaf hashes (RFC 6962 section 2.1).
Bytes subtree_root(Suite suite, LeafSpan leaves) {
  if (leaves.size() == 1) return leaves[0];
  const std::size_t k = split_point(leaves.size());
  return merkle_node_hash(suite, subtree_root(suite, leaves.first(k)),
                          subtree_root(suite, leaves.subspan(k)));
}

// PATH(m, D[n]) (RFC 6962 section 2.1.1), appended bottom-up.
void audit_path(Suite suite, LeafSpan leaves, std::size_t m, std::vector<Bytes>& out) {
  if (leaves.size() <= 1) return;
  const std::size_t k = split_point(leaves.size());
  if (m < k) {
    audit_path(suite, leaves.first(k), m, out);
    out.push_back(subtree_root(suite, leaves.subspan(k)));
  } else {
    audit_path(suite, leaves.subspan(k), m - k, out);
    out.push_back(subtree_root(suite, leaves.first(k)));
  }
}

}  // namespace

Bytes merkle_leaf_hash(Suite suite, ByteView leaf) {
  Hasher h(suite);
  const std::uint8_t prefix = kLeafPrefix;
  h.update(ByteView(&prefix, 1)).update(leaf);
  return h.finish();
}

Bytes merkle_node_hash(Suite suite, ByteView left, ByteView right) {
  Hasher h(suite);
  const std::uint8_t prefix = kNodePrefix;
  h.update(ByteView(&prefix, 1)).update(left).update(right);
  return h.finish();
}

Bytes merkle_root(Suite suite, const std::vector<Bytes>& leaf_hashes) {
  if (leaf_hashes.empty()) return hash(suite, {});
  return subtree_root(suite, leaf_hashes);
}

std::vector<Bytes> merkle_inclusion_proof(Suite suite, const std::vector<Bytes>& leaf_hashes,
                                          std::uint64_t index) {
  // No proof exists for an index outside the tree; an empty path would only verify for a
  // one-leaf tree, and callers check the index against the size they publish anyway.
  std::vector<Bytes> path;
  if (index >= leaf_hashes.size()) return path;
  audit_path(suite, leaf_hashes, static_cast<std::size_t>(index), path);
  return path;
}

bool merkle_verify_inclusion(Suite suite, ByteView leaf_hash, std::uint64_t index,
                             std::uint64_t tree_size, const std::vector<Bytes>& proof,
                             ByteView root) {
  // RFC 9162 section 2.1.3.2, step by step.
  const std::size_t hlen = hash_size(suite);
  if (index >= tree_size) return false;
  if (leaf_hash.size() != hlen || root.size() != hlen) return false;
  if (proof.size() > 64) return false;  // a 64-bit tree is at most 64 levels deep
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  Bytes r(leaf_hash.begin(), leaf_hash.end());
  for (const Bytes& p : proof) {
    if (p.size() != hlen) return false;
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = merkle_node_hash(suite, p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = merkle_node_hash(suite, r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && ByteView(r).size() == root.size() &&
         std::equal(r.begin(), r.end(), root.begin());
}

}  // namespace rl::crypto
