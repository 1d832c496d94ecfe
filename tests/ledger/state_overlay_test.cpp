// StateOverlay: transaction staging and the write-set hash app_hash commits to.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"
#include "ledger/state_overlay.hpp"
#include "ledger/store.hpp"

namespace rl::ledger {
namespace {

namespace fs = std::filesystem;
constexpr auto kSuite = crypto::Suite::kP256Sha256;

Bytes b(std::string_view s) {
  return to_bytes(s);
}

class StateOverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rl-overlay-test-" + to_hex(crypto::random_bytes(8)));
    fs::create_directories(dir_);
    store_ = Store::open(dir_.string()).value();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Bytes hash_of(const std::vector<std::pair<std::string, std::string>>& kvs) {
    StateOverlay o(*store_);
    o.begin_tx();
    for (const auto& [k, v] : kvs) o.put(b(k), b(v));
    o.commit_tx();
    return o.write_set_hash(kSuite);
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StateOverlayTest, AbortLeavesNoWrites) {
  StateOverlay o(*store_);
  const Bytes empty_hash = o.write_set_hash(kSuite);
  o.begin_tx();
  o.put(b("org/a"), b("1"));
  o.put(b("org/b"), b("2"));
  // Staged writes are visible to the transaction itself.
  EXPECT_EQ(o.get(b("org/a")).value(), std::optional<Bytes>(b("1")));
  o.abort_tx();
  EXPECT_TRUE(o.writes().empty());
  EXPECT_FALSE(o.get(b("org/a")).value().has_value());
  EXPECT_FALSE(o.get(b("org/b")).value().has_value());
  EXPECT_EQ(o.write_set_hash(kSuite), empty_hash);
}

TEST_F(StateOverlayTest, AbortKeepsEarlierCommittedTransactions) {
  StateOverlay o(*store_);
  o.begin_tx();
  o.put(b("k1"), b("v1"));
  o.commit_tx();
  const Bytes after_first = o.write_set_hash(kSuite);

  o.begin_tx();
  o.put(b("k1"), b("overwritten"));  // overwrite of a committed key, then aborted
  o.put(b("k2"), b("v2"));
  EXPECT_EQ(o.get(b("k1")).value(), std::optional<Bytes>(b("overwritten")));
  o.abort_tx();
  EXPECT_EQ(o.get(b("k1")).value(), std::optional<Bytes>(b("v1")));
  EXPECT_FALSE(o.get(b("k2")).value().has_value());
  EXPECT_EQ(o.writes().size(), 1u);
  EXPECT_EQ(o.write_set_hash(kSuite), after_first);
}

TEST_F(StateOverlayTest, BeginDiscardsUncommittedStaging) {
  StateOverlay o(*store_);
  o.begin_tx();
  o.put(b("k"), b("v"));
  o.begin_tx();  // previous tx neither committed nor aborted
  o.commit_tx();
  EXPECT_TRUE(o.writes().empty());
}

TEST_F(StateOverlayTest, StagedWritesAreNotHashedUntilCommitted) {
  StateOverlay o(*store_);
  const Bytes empty_hash = o.write_set_hash(kSuite);
  o.begin_tx();
  o.put(b("k"), b("v"));
  EXPECT_EQ(o.write_set_hash(kSuite), empty_hash);
  o.commit_tx();
  EXPECT_NE(o.write_set_hash(kSuite), empty_hash);
}

TEST_F(StateOverlayTest, ReadsThroughToStoreAndShadowsIt) {
  WriteBatch batch;
  batch.put(Cf::kState, b("acct/x"), b("stored"));
  ASSERT_TRUE(store_->write(batch).ok());
  StateOverlay o(*store_);
  EXPECT_EQ(o.get(b("acct/x")).value(), std::optional<Bytes>(b("stored")));
  o.begin_tx();
  o.put(b("acct/x"), b("new"));
  o.commit_tx();
  EXPECT_EQ(o.get(b("acct/x")).value(), std::optional<Bytes>(b("new")));
  // The overlay never writes the store.
  EXPECT_EQ(store_->get(Cf::kState, b("acct/x")).value(), std::optional<Bytes>(b("stored")));
  // Store reads are not part of the write set.
  StateOverlay fresh(*store_);
  ASSERT_TRUE(fresh.get(b("acct/x")).ok());
  EXPECT_TRUE(fresh.writes().empty());
}

TEST_F(StateOverlayTest, WriteSetHashIsIndependentOfInsertionOrder) {
  std::vector<std::pair<std::string, std::string>> kvs;
  for (int i = 0; i < 40; ++i) {
    kvs.emplace_back("key/" + std::to_string(i * 7919 % 1000), "value-" + std::to_string(i));
  }
  const Bytes reference = hash_of(kvs);
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(kvs.begin(), kvs.end(), rng);
    EXPECT_EQ(hash_of(kvs), reference);
  }
  // Spread over several transactions, in reverse.
  StateOverlay o(*store_);
  for (auto it = kvs.rbegin(); it != kvs.rend(); ++it) {
    o.begin_tx();
    o.put(b(it->first), b(it->second));
    o.commit_tx();
  }
  EXPECT_EQ(o.write_set_hash(kSuite), reference);
}

TEST_F(StateOverlayTest, WriteSetHashDependsOnKeysAndValues) {
  const Bytes h = hash_of({{"a", "1"}, {"b", "2"}});
  EXPECT_NE(hash_of({{"a", "1"}, {"b", "3"}}), h);             // value
  EXPECT_NE(hash_of({{"a", "1"}, {"c", "2"}}), h);             // key
  EXPECT_NE(hash_of({{"a", "2"}, {"b", "1"}}), h);             // values swapped between keys
  EXPECT_NE(hash_of({{"a", "1"}}), h);                         // fewer writes
  EXPECT_NE(hash_of({{"a", "1"}, {"b", "2"}, {"c", ""}}), h);  // an empty value still counts
  // Length framing: the split between key and value matters.
  EXPECT_NE(hash_of({{"ab", "c"}}), hash_of({{"a", "bc"}}));
  EXPECT_NE(hash_of({{"a", "b"}, {"c", "d"}}), hash_of({{"a", "bc"}, {"", "d"}}));
  // Last write to a key wins, and is all that counts.
  StateOverlay o(*store_);
  o.begin_tx();
  o.put(b("a"), b("old"));
  o.commit_tx();
  o.begin_tx();
  o.put(b("a"), b("1"));
  o.put(b("b"), b("2"));
  o.commit_tx();
  EXPECT_EQ(o.write_set_hash(kSuite), h);
  // The suite's hash is used.
  EXPECT_NE(o.write_set_hash(crypto::Suite::kSm2Sm3), h);
}

TEST_F(StateOverlayTest, WriteSetHashMatchesTheDocumentedEncoding) {
  // H("regledger/writeset/v1\0" || for each (k, v) in key order: u32be |k| k u32be |v| v)
  Bytes buf = b("regledger/writeset/v1");
  buf.push_back(0);
  for (auto [k, v] : {std::pair{"a", "1"}, std::pair{"bb", "22"}}) {
    std::string ks(k), vs(v);
    buf.insert(buf.end(), {0, 0, 0, static_cast<std::uint8_t>(ks.size())});
    buf.insert(buf.end(), ks.begin(), ks.end());
    buf.insert(buf.end(), {0, 0, 0, static_cast<std::uint8_t>(vs.size())});
    buf.insert(buf.end(), vs.begin(), vs.end());
  }
  EXPECT_EQ(hash_of({{"bb", "22"}, {"a", "1"}}), crypto::hash(kSuite, buf));
}

TEST(ChainAppHash, ChainsPreviousHash) {
  Bytes prev1(32, 1), prev2(32, 2), ws(32, 9);
  EXPECT_NE(chain_app_hash(kSuite, prev1, ws), chain_app_hash(kSuite, prev2, ws));
  Bytes cat = prev1;
  cat.insert(cat.end(), ws.begin(), ws.end());
  EXPECT_EQ(chain_app_hash(kSuite, prev1, ws), crypto::hash(kSuite, cat));
}

}  // namespace
}  // namespace rl::ledger
