// Chain::admit_relayed, the check a validator runs on a transaction gossiped by a peer: every
// envelope rule of admit(), not the payload's; a relayed tx whose payload fails is dropped when a
// block is built, never committed.
#include <gtest/gtest.h>

#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger {
namespace {

testing::TxOptions with_nonce(std::uint64_t n) {
  testing::TxOptions o;
  o.nonce = n;
  return o;
}

using namespace testing;  // NOLINT(google-build-using-namespace): test file

class RelayedAdmissionTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a"))});
    reporter_ = enroll("bank-a-reporting", "bank-a", "reporter", "0105");
  }
  std::int64_t now() const { return chain_->head().time_ms + 1000; }
  std::optional<client::Identity> reporter_;
};

TEST_F(RelayedAdmissionTest, EnvelopeRulesStillApply) {
  Bytes good = sign_as(*reporter_, submit_report(kCapital, "2026-Q3", capital_payload()));
  EXPECT_TRUE(chain_->admit_relayed(decode(good), now()).ok());

  Bytes expired = sign_as(*reporter_, submit_report(kCapital, "2026-Q3", capital_payload()), [&] {
    TxOptions o;
    o.expires_at_height = chain_->head().height;
    return o;
  }());
  EXPECT_EQ(chain_->admit_relayed(decode(expired), now()).error().code, "tx_expired");

  pb::Tx forged = decode(good).tx;
  forged.set_signature(decode(sign_as(admin_, register_org("x"))).tx.signature());
  EXPECT_EQ(chain_->admit_relayed(decode(to_bytes(forged.SerializeAsString())), now()).error().code,
            "bad_signature");

  Bytes stranger = sign_as(*reporter_, submit_report(kCapital, "2026-Q3", capital_payload()), [] {
    TxOptions o;
    o.signer = "nobody";
    return o;
  }());
  EXPECT_EQ(chain_->admit_relayed(decode(stranger), now()).error().code, "unknown_signer");

  Bytes used_nonce =
      sign_as(*reporter_, submit_report(kCapital, "2026-Q3", capital_payload()), with_nonce(4242));
  commit_txs({used_nonce});
  Bytes replay =
      sign_as(*reporter_, submit_report(kCapital, "2026-Q4", capital_payload()), with_nonce(4242));
  EXPECT_EQ(chain_->admit_relayed(decode(replay), now()).error().code, "nonce_replayed");
}

TEST_F(RelayedAdmissionTest, PayloadRulesWaitForExecutionWhichDropsTheTx) {
  Bytes bad = sign_as(*reporter_, submit_report(kCapital, "2026-Q3", R"({"institution":"x"})"));
  EXPECT_EQ(chain_->admit(decode(bad), now()).error().code, "bad_report");
  EXPECT_TRUE(chain_->admit_relayed(decode(bad), now()).ok());
  // It never reaches a block: the builder drops it, and a block carrying it is refused.
  expect_rejected(bad, "bad_report");
}

}  // namespace
}  // namespace rl::ledger
