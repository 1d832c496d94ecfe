#pragma once
// LedgerFixture with a genesis of four validators of power 1 (any three sign a valid
// certificate) whose private keys the test holds: for rules about validators' signatures
// (commit certificates, equivocation evidence).

#include <cstdint>
#include <vector>

#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {

class FourValidatorFixture : public LedgerFixture {
 protected:
  static constexpr std::uint32_t kValidators = 4;

  void SetUp() override;

  // Signed by the validators in `order`, in that order.
  pb::CommitCertificate certify_in(const std::vector<std::uint32_t>& order, std::uint64_t height,
                                   ByteView block_hash);
  // The fixture's helpers commit with validators 0, 1, 2 in increasing order.
  pb::CommitCertificate certify(std::uint64_t height, ByteView block_hash,
                                std::uint32_t round) override;

  std::vector<crypto::PrivateKey> keys_;  // index = validator index
};

}  // namespace rl::ledger::testing
