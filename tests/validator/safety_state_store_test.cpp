// SafetyStateStore against a real RocksDB-backed Chain: block values are written once, by hash,
// beside the state; the state on disk stays small; values no longer referenced are deleted; a
// reload gives back exactly the state that was saved; a missing or altered value is refused.
#include "node/validator/safety_state_store.hpp"

#include <gtest/gtest.h>

#include "consensus/codec.hpp"
#include "node/validator/consensus_crypto.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::node {
namespace {

using ledger::testing::LedgerFixture;

class SafetyStateStoreTest : public LedgerFixture {
 protected:
  SafetyStateStoreTest() : hasher_(crypto::Suite::kP256Sha256) {}

  // A real block value (so the BlockHasher gives a real hash) of about `bytes` bytes.
  std::pair<Bytes, Bytes> block_value(std::size_t bytes) {
    std::vector<Bytes> txs;
    while (txs.size() * 200 < bytes) {
      txs.push_back(ledger::testing::sign_as(
          admin_, ledger::testing::register_org(std::string("org-") + std::to_string(++counter_))));
    }
    auto block = build(*chain_, txs);
    return {block.block_bytes, block.block_hash};
  }

  consensus::SafetyState locked_state(const Bytes& value, const Bytes& hash) {
    consensus::SafetyState s;
    s.height = 1;
    s.round = 2;
    s.step = consensus::Step::kPrecommit;
    s.locked_round = 1;
    s.locked_value = value;
    s.locked_hash = hash;
    s.valid_round = 1;
    s.valid_value = value;
    s.valid_hash = hash;
    return s;
  }

  std::size_t stored_state_bytes() { return (**chain_->consensus_state()).size(); }

  BlockHasher hasher_;
  int counter_ = 0;
};

TEST_F(SafetyStateStoreTest, ValuesAreStoredOnceByHashAndRestored) {
  auto [value, hash] = block_value(20'000);
  ASSERT_GT(value.size(), 10'000u);
  SafetyStateStore store(*chain_, hasher_);
  auto state = locked_state(value, hash);
  ASSERT_TRUE(store.save(state).ok());
  // The state on disk carries hashes, not the (twice referenced) value.
  EXPECT_LT(stored_state_bytes(), 1'000u);
  EXPECT_EQ(store.stored_values().size(), 1u);
  auto on_disk = chain_->consensus_value(hash);
  ASSERT_TRUE(on_disk.ok() && *on_disk);
  EXPECT_EQ(**on_disk, value);

  // A later step of the same round writes the state again; the value is not rewritten.
  state.step = consensus::Step::kPrecommit;
  state.round = 3;
  ASSERT_TRUE(store.save(state).ok());
  EXPECT_EQ(store.stored_values().size(), 1u);

  SafetyStateStore reopened(*chain_, hasher_);
  auto loaded = reopened.load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, state);
  EXPECT_EQ(reopened.stored_values(), store.stored_values());
}

TEST_F(SafetyStateStoreTest, UnreferencedValuesAreDeleted) {
  auto [value, hash] = block_value(2'000);
  SafetyStateStore store(*chain_, hasher_);
  ASSERT_TRUE(store.save(locked_state(value, hash)).ok());
  consensus::SafetyState next;  // the next height: no lock, no valid value, no proposal
  next.height = 2;
  ASSERT_TRUE(store.save(next).ok());
  EXPECT_TRUE(store.stored_values().empty());
  auto gone = chain_->consensus_value(hash);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(SafetyStateStoreTest, LastProposalValueIsRestored) {
  auto [value, hash] = block_value(2'000);
  consensus::SafetyState s;
  s.height = 1;
  consensus::Proposal p;
  p.height = 1;
  p.round = 0;
  p.value = value;
  p.value_hash = hash;
  p.signature = Bytes(70, 0x30);
  s.last_proposal = p;
  SafetyStateStore store(*chain_, hasher_);
  ASSERT_TRUE(store.save(s).ok());
  auto loaded = SafetyStateStore(*chain_, hasher_).load();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->last_proposal->value, value);
}

TEST_F(SafetyStateStoreTest, MissingOrAlteredValueIsStorageCorrupt) {
  auto [value, hash] = block_value(2'000);
  auto state = locked_state(value, hash);
  // The state names a value that was never stored.
  ASSERT_TRUE(chain_
                  ->save_consensus_state(consensus::encode_safety_state([&] {
                    auto s = state;
                    s.locked_value.clear();
                    s.valid_value.clear();
                    return s;
                  }()))
                  .ok());
  auto missing = SafetyStateStore(*chain_, hasher_).load();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "storage_corrupt");

  // The value under the hash is another block.
  auto [other, other_hash] = block_value(3'000);
  ASSERT_NE(other_hash, hash);
  std::vector<std::pair<ByteView, ByteView>> puts{{hash, other}};
  ASSERT_TRUE(chain_
                  ->save_consensus_state(consensus::encode_safety_state([&] {
                                           auto s = state;
                                           s.locked_value.clear();
                                           s.valid_value.clear();
                                           return s;
                                         }()),
                                         puts)
                  .ok());
  auto altered = SafetyStateStore(*chain_, hasher_).load();
  ASSERT_FALSE(altered.ok());
  EXPECT_EQ(altered.error().code, "storage_corrupt");
}

TEST_F(SafetyStateStoreTest, StateWithInlineValuesFromOlderVersionsStillLoads) {
  auto [value, hash] = block_value(2'000);
  auto state = locked_state(value, hash);
  ASSERT_TRUE(chain_->save_consensus_state(consensus::encode_safety_state(state)).ok());
  auto loaded = SafetyStateStore(*chain_, hasher_).load();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, state);
}

}  // namespace
}  // namespace rl::node
