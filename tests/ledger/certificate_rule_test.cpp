// One commit-certificate rule (decision 0070): every path that checks a certificate gives the
// same verdict, because every path calls consensus::verify_certificate. The certificates here
// differ from a valid one only in the order of their signatures, the case on which the ledger
// and the core once disagreed (the ledger refused only duplicates; the core required strictly
// increasing validator indices, so a synced block could pass one and fail the other).
//
// Paths: the rule itself (what the core runs on a synced block), ledger::verify_commit (block
// sync in the shell and the client's verified reads), Chain::commit_block (the ledger's commit
// path) and verify_receipt (an auditor offline). Fixture: genesis with four validators of power
// 1, so any three sign a valid certificate.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "consensus/certificate.hpp"
#include "ledger/commit.hpp"
#include "ledger/receipt.hpp"
#include "tests/ledger/four_validator_fixture.hpp"

namespace rl::ledger::testing {
namespace {

class OneCertificateRule : public FourValidatorFixture {
 protected:
  // The rule's verdict on `cert`, as the core reaches it on a synced block.
  Status rule(const pb::CommitCertificate& cert) {
    const auto& set = chain_->anchor().genesis_keys;
    const ValidatorKeysVerifier verifier(set);
    return consensus::verify_certificate(chain_->anchor().chain_id, set.set, verifier,
                                         certificate_from_pb(cert));
  }
};

TEST_F(OneCertificateRule, EveryPathGivesTheRulesVerdictOnSignatureOrder) {
  const PreparedBlock block = build(*chain_, {sign_as(admin_, register_org("bank-a"))});
  const auto& anchor = chain_->anchor();
  const auto& set = anchor.genesis_keys;

  struct Case {
    std::vector<std::uint32_t> order;
    bool valid;
  };
  const std::vector<Case> cases = {
      {{0, 1, 2}, true},
      {{1, 2, 3}, true},
      {{0, 1, 2, 3}, true},
      {{2, 1, 0}, false},
      {{0, 2, 1}, false},
      {{1, 0, 2}, false},
      {{0, 1, 1, 2}, false},  // a signer twice: not
                              // strictly increasing
                              // either
      {{3, 2, 1, 0}, false},
  };
  for (const auto& c : cases) {
    std::string name;
    for (auto i : c.order) name += std::to_string(i);
    const auto cert = certify_in(c.order, block.height, block.block_hash);

    const Status by_rule = rule(cert);
    EXPECT_EQ(by_rule.ok(), c.valid) << "rule, order " << name;
    const Status by_ledger = verify_commit(anchor, set, block.height, block.block_hash, cert);
    EXPECT_EQ(by_ledger.ok(), c.valid) << "verify_commit, order " << name;
    if (!c.valid) {
      ASSERT_FALSE(by_rule.ok());
      ASSERT_FALSE(by_ledger.ok());
      EXPECT_NE(by_rule.error().message.find("not strictly increasing"), std::string::npos)
          << name << ": " << by_rule.error().message;
      EXPECT_EQ(by_ledger.error().code, "bad_commit");
      EXPECT_EQ(by_ledger.error().message, by_rule.error().message) << name;
    }
    if (!c.valid) {
      // The ledger's commit path refuses it and nothing is stored.
      const auto head = chain_->head();
      auto st = chain_->commit_block(block, cert);
      ASSERT_FALSE(st.ok()) << "commit_block accepted order " << name;
      EXPECT_EQ(st.error().code, "bad_commit");
      EXPECT_EQ(st.error().message, by_rule.error().message);
      EXPECT_EQ(chain_->head().height, head.height);
    }
  }

  // Commit with a valid certificate, then show a receipt carrying a reordered one fails offline
  // with the same reason, while the genuine receipt verifies.
  ASSERT_TRUE(
      chain_->commit_block(block, certify_in({0, 1, 2}, block.height, block.block_hash)).ok());
  auto receipt = chain_->receipt(block.txs[0]->id).value();
  ASSERT_TRUE(receipt.has_value());
  ASSERT_TRUE(verify_receipt(anchor, *receipt).ok());
  for (const auto& order : std::vector<std::vector<std::uint32_t>>{{2, 1, 0}, {0, 2, 1}}) {
    Receipt r = *receipt;
    r.commit = to_bytes(certify_in(order, block.height, block.block_hash).SerializeAsString());
    auto verified = verify_receipt(anchor, r);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error().code, "receipt_invalid");
    EXPECT_NE(verified.error().message.find("not strictly increasing"), std::string::npos)
        << verified.error().message;
  }
  // And a receipt whose certificate lists a different valid signer set in order verifies.
  Receipt other = *receipt;
  other.commit =
      to_bytes(certify_in({1, 2, 3}, block.height, block.block_hash).SerializeAsString());
  EXPECT_TRUE(verify_receipt(anchor, other).ok());
}

TEST_F(OneCertificateRule, TheConvertersRoundTripAndTheRuleBoundsRounds) {
  const PreparedBlock block = build(*chain_, {});
  const auto cert = certify_in({0, 1, 2}, block.height, block.block_hash);
  const auto back = certificate_to_pb(certificate_from_pb(cert));
  EXPECT_EQ(back.SerializeAsString(), cert.SerializeAsString());
  // A round the wire can carry but consensus never reaches is refused by the rule, not wrapped.
  auto far = cert;
  far.set_round(0xFFFFFFFFu);
  auto st = verify_commit(chain_->anchor(), chain_->anchor().genesis_keys, block.height,
                          block.block_hash, far);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("round out of range"), std::string::npos) << st.error().message;
}

TEST_F(OneCertificateRule, AGenesisWhosePowerConsensusCannotScheduleIsRefused) {
  Genesis g = genesis_;
  g.validators[1].power = consensus::kMaxTotalPower;  // total above the core's bound
  auto anchor = make_trust_anchor(g);
  ASSERT_FALSE(anchor.ok());
  EXPECT_EQ(anchor.error().code, "bad_genesis");
  // Two names for one key are one validator set member twice: refused as before.
  Genesis dup = genesis_;
  dup.validators[2].certificate_pem = dup.validators[1].certificate_pem;
  EXPECT_FALSE(make_trust_anchor(dup).ok());
}

}  // namespace
}  // namespace rl::ledger::testing
