#include "crypto/merkle.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/hash.hpp"
#include "test_util.hpp"

namespace rl::crypto {
namespace {

using testing::hex;

// A direct transcription of RFC 6962 section 2.1 over the raw leaf data, independent of the
// library's traversal (it hashes leaves itself and slices vectors by value).
struct ReferenceTree {
  Suite suite;

  Bytes h(const Bytes& data) const { return hash(suite, data); }
  static std::uint64_t k_for(std::uint64_t n) {
    std::uint64_t k = 1;
    while (k < n) k <<= 1;
    return k >> 1;  // largest power of two strictly less than n (n >= 2)
  }
  Bytes mth(const std::vector<Bytes>& d) const {
    if (d.empty()) return h({});
    if (d.size() == 1) {
      Bytes in{0x00};
      in.insert(in.end(), d[0].begin(), d[0].end());
      return h(in);
    }
    const std::size_t k = k_for(d.size());
    const Bytes left = mth({d.begin(), d.begin() + static_cast<long>(k)});
    const Bytes right = mth({d.begin() + static_cast<long>(k), d.end()});
    Bytes in{0x01};
    in.insert(in.end(), left.begin(), left.end());
    in.insert(in.end(), right.begin(), right.end());
    return h(in);
  }
  // The sides on which the audit path's siblings sit, bottom-up ('L' = sibling on the left).
  static std::string path_shape(std::uint64_t m, std::uint64_t n) {
    if (n <= 1) return {};
    const std::uint64_t k = k_for(n);
    return m < k ? path_shape(m, k) + "R" : path_shape(m - k, n - k) + "L";
  }
  std::vector<Bytes> path(std::size_t m, const std::vector<Bytes>& d) const {
    if (d.size() <= 1) return {};
    const std::size_t k = k_for(d.size());
    const std::vector<Bytes> left(d.begin(), d.begin() + static_cast<long>(k));
    const std::vector<Bytes> right(d.begin() + static_cast<long>(k), d.end());
    std::vector<Bytes> out;
    if (m < k) {
      out = path(m, left);
      out.push_back(mth(right));
    } else {
      out = path(m - k, right);
      out.push_back(mth(left));
    }
    return out;
  }
};

std::vector<Bytes> make_leaves(std::size_t n) {
  std::vector<Bytes> leaves;
  for (std::size_t i = 0; i < n; ++i) leaves.push_back(to_bytes("leaf-" + std::to_string(i)));
  return leaves;
}

std::vector<Bytes> leaf_hashes(Suite suite, const std::vector<Bytes>& leaves) {
  std::vector<Bytes> out;
  for (const Bytes& l : leaves) out.push_back(merkle_leaf_hash(suite, l));
  return out;
}

class MerkleTest : public ::testing::TestWithParam<Suite> {};
INSTANTIATE_TEST_SUITE_P(BothSuites, MerkleTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         [](const auto& info) {
                           return info.param == Suite::kP256Sha256 ? "Sha256" : "Sm3";
                         });

// Roots from the certificate-transparency reference test vectors (SHA-256).
TEST(MerkleKnownAnswerTest, CertificateTransparencyRoots) {
  const std::vector<std::string> inputs = {"",
                                           "00",
                                           "10",
                                           "2021",
                                           "3031",
                                           "40414243",
                                           "5051525354555657",
                                           "606162636465666768696a6b6c6d6e6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  std::vector<Bytes> hashes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    hashes.push_back(merkle_leaf_hash(Suite::kP256Sha256, hex(inputs[i])));
    EXPECT_EQ(to_hex(merkle_root(Suite::kP256Sha256, hashes)), roots[i]) << "size " << i + 1;
  }
  EXPECT_EQ(to_hex(merkle_root(Suite::kP256Sha256, {})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_P(MerkleTest, MatchesReferenceAndEveryProofVerifies) {
  const Suite suite = GetParam();
  const ReferenceTree ref{suite};
  for (std::size_t n = 0; n <= 70; ++n) {
    const std::vector<Bytes> leaves = make_leaves(n);
    const std::vector<Bytes> hashes = leaf_hashes(suite, leaves);
    const Bytes root = merkle_root(suite, hashes);
    ASSERT_EQ(root, ref.mth(leaves)) << "n=" << n;
    for (std::size_t i = 0; i < n; ++i) {
      const std::vector<Bytes> proof = merkle_inclusion_proof(suite, hashes, i);
      ASSERT_EQ(proof, ref.path(i, leaves)) << "n=" << n << " i=" << i;
      ASSERT_TRUE(merkle_verify_inclusion(suite, hashes[i], i, n, proof, root))
          << "n=" << n << " i=" << i;
      // The proof is bound to its position: no other index accepts it.
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i) {
          ASSERT_FALSE(merkle_verify_inclusion(suite, hashes[i], j, n, proof, root));
        }
      }
    }
    EXPECT_TRUE(merkle_inclusion_proof(suite, hashes, n).empty());
    EXPECT_FALSE(
        merkle_verify_inclusion(suite, hashes.empty() ? Bytes(32, 0) : hashes[0], n, n, {}, root));
  }
}

// Flipping any single bit of leaf, any proof element, root, index or size breaks verification.
void expect_all_single_bit_tampers_fail(Suite suite, std::size_t n, std::size_t i) {
  const std::vector<Bytes> hashes = leaf_hashes(suite, make_leaves(n));
  const Bytes root = merkle_root(suite, hashes);
  const std::vector<Bytes> proof = merkle_inclusion_proof(suite, hashes, i);
  ASSERT_TRUE(merkle_verify_inclusion(suite, hashes[i], i, n, proof, root));
  for (std::size_t bit = 0; bit < 256; ++bit) {
    Bytes leaf = hashes[i];
    leaf[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(merkle_verify_inclusion(suite, leaf, i, n, proof, root));
    Bytes bad_root = root;
    bad_root[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[i], i, n, proof, bad_root));
    for (std::size_t e = 0; e < proof.size(); ++e) {
      std::vector<Bytes> bad = proof;
      bad[e][bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[i], i, n, bad, root));
    }
  }
  for (int bit = 0; bit < 64; ++bit) {
    const std::uint64_t flip = 1ull << bit;
    EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[i], i ^ flip, n, proof, root))
        << "n=" << n << " i=" << i << " index bit " << bit;
    // A proof does not commit to the tree size beyond its shape: e.g. leaf 0 of a 70-leaf tree
    // has the same path shape (six right siblings, then one opaque right sibling) in any tree
    // of 65..128 leaves. RFC 9162 verification must fail exactly when the shape differs; the
    // root signed together with the size is what binds the size.
    const std::uint64_t other_size = n ^ flip;
    const bool same_shape =
        i < other_size && other_size < (1ull << 20) &&
        ReferenceTree::path_shape(i, other_size) == ReferenceTree::path_shape(i, n);
    EXPECT_EQ(merkle_verify_inclusion(suite, hashes[i], i, other_size, proof, root), same_shape)
        << "n=" << n << " i=" << i << " size bit " << bit;
  }
}

TEST_P(MerkleTest, SingleBitTampersFail) {
  for (std::size_t n = 1; n <= 12; ++n) {
    for (std::size_t i = 0; i < n; ++i) expect_all_single_bit_tampers_fail(GetParam(), n, i);
  }
  for (std::size_t n : {31u, 32u, 33u, 64u, 65u, 70u}) {
    for (std::size_t i : {std::size_t{0}, n / 2, n - 2, n - 1}) {
      expect_all_single_bit_tampers_fail(GetParam(), n, i);
    }
  }
}

TEST_P(MerkleTest, StructuralProofChangesFail) {
  const Suite suite = GetParam();
  const std::vector<Bytes> hashes = leaf_hashes(suite, make_leaves(13));
  const Bytes root = merkle_root(suite, hashes);
  const std::vector<Bytes> proof = merkle_inclusion_proof(suite, hashes, 5);
  ASSERT_TRUE(merkle_verify_inclusion(suite, hashes[5], 5, 13, proof, root));
  std::vector<Bytes> shorter(proof.begin(), proof.end() - 1);
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[5], 5, 13, shorter, root));
  std::vector<Bytes> longer = proof;
  longer.push_back(proof.back());
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[5], 5, 13, longer, root));
  std::vector<Bytes> truncated_element = proof;
  truncated_element[0].pop_back();
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[5], 5, 13, truncated_element, root));
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[5], 5, 0, proof, root));
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[5], 13, 13, proof, root));
  EXPECT_FALSE(merkle_verify_inclusion(suite, Bytes(31, 0), 5, 13, proof, root));
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[5], 5, 13, proof, Bytes{}));
  // A single-leaf tree: the root is the leaf hash and the proof is empty.
  EXPECT_TRUE(merkle_verify_inclusion(suite, hashes[0], 0, 1, {}, hashes[0]));
  EXPECT_FALSE(merkle_verify_inclusion(suite, hashes[0], 0, 1, {hashes[1]}, hashes[0]));
}

TEST(MerkleHashTest, DomainSeparation) {
  // A leaf hash is never the node hash of the same bytes.
  const Bytes a(32, 1), b(32, 2);
  Bytes ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  EXPECT_NE(merkle_leaf_hash(Suite::kP256Sha256, ab), merkle_node_hash(Suite::kP256Sha256, a, b));
  Bytes leaf_input{0x00};
  EXPECT_EQ(merkle_leaf_hash(Suite::kSm2Sm3, {}), sm3(leaf_input));
}

}  // namespace
}  // namespace rl::crypto
