// Certificates (foreign CA, expired, revoked), limits (caps, hop limit, transfer count,
// expiry, busy), and a rolled-back device caught by the settlement check. Both suites.

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace rl::offline::testing {
namespace {

class RulesTest : public ::testing::TestWithParam<Suite> {
 protected:
  Network net{GetParam()};
};

TEST_P(RulesTest, ForeignCaDevicesAreRefusedBothWays) {
  auto a = net.device("device-a");
  auto rogue = net.device("device-r", &net.foreign());
  net.load(*a, 50'00);
  // The rogue cannot be paid: the sender refuses its RESPONSE.
  const Bytes init = must((*a)->init(10'00));
  EXPECT_EQ(code_of((*a)->execute(must((*rogue)->respond(init)))), "certificate_untrusted");
  must((*a)->abort());
  // Nor can it pay (even with a root voucher made out to it): the receiver refuses its INIT.
  must((*rogue)->load(net.root("device-r", 10'00)));
  EXPECT_EQ(code_of((*a)->respond(must((*rogue)->init(5'00)))), "certificate_untrusted");
}

TEST_P(RulesTest, ExpiredCertificatesAreRefusedBothWays) {
  auto a = net.device("device-a");
  auto old = net.device("device-o", nullptr, kT0 - kDay, kT0 + 60);  // expired before "now"
  net.load(*a, 50'00);
  must((*old)->load(net.root("device-o", 10'00)));
  const Bytes init = must((*a)->init(10'00));
  EXPECT_EQ(code_of((*a)->execute(must((*old)->respond(init)))), "certificate_expired");
  must((*a)->abort());
  EXPECT_EQ(code_of((*a)->respond(must((*old)->init(5'00)))), "certificate_expired");
}

TEST_P(RulesTest, RevokedCertificatesAreRefusedAtDeviceAndSettlement) {
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  net.load(*a, 50'00);
  must(transfer(**a, **b, 10'00));
  const crypto::Crl crl = must(crypto::Crl::create(net.ca().inter, net.ca().inter_key,
                                                   {a->creds.cert.serial_hex()}, kT0, kT0 + kYear));
  b->config.trust.revoked = {crl};
  net.reopen(*b);
  EXPECT_EQ(code_of((*b)->respond(must((*a)->init(5'00)))), "certificate_revoked");
  SettlementContext ctx = net.settlement();
  ctx.trust.revoked = {crl};
  EXPECT_EQ(code_of(check_settlement(ctx, provenance_bytes(**b))), "certificate_revoked");
  EXPECT_TRUE(check_settlement(net.settlement(), provenance_bytes(**b)).ok());
}

TEST_P(RulesTest, CapsAreEnforced) {
  net.limits().per_transfer_cap = 40'00;
  net.limits().balance_cap = 100'00;
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  net.load(*a, 100'00);
  EXPECT_EQ(code_of((*a)->load(net.root("device-a", 1))), "cap_exceeded");
  EXPECT_EQ(code_of((*a)->init(40'01)), "cap_exceeded");
  EXPECT_EQ(code_of((*a)->init(0)), "bad_amount");
  EXPECT_EQ(code_of((*a)->init(-5)), "bad_amount");
  // B holds 70: receiving 40 more would pass its balance cap.
  net.load(*b, 70'00);
  const Bytes init = must((*a)->init(40'00));
  EXPECT_EQ(code_of((*b)->respond(init)), "cap_exceeded");
  must((*a)->abort());
  must(transfer(**a, **b, 30'00));
  EXPECT_EQ((*b)->balance(), 100'00);
}

TEST_P(RulesTest, HopLimitIsEnforcedOnDeviceAndAtSettlement) {
  net.limits().hop_limit = 2;
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  auto c = net.device("device-c");
  auto d = net.device("device-d");
  net.load(*a, 50'00);
  must(transfer(**a, **b, 20'00));
  must(transfer(**b, **c, 20'00));
  EXPECT_EQ(code_of((*c)->init(10'00)), "hop_limit");  // a third hop would exceed 2
  // A device with a looser limit may build the third hop; the receiver refuses it.
  c->config.limits.hop_limit = 3;
  net.reopen(*c);
  const Bytes init = must((*c)->init(10'00));
  const Bytes exec = must((*c)->execute(must((*d)->respond(init))));
  EXPECT_EQ(code_of((*d)->complete(exec)), "hop_limit");
  SettlementContext ctx = net.settlement();
  ctx.limits.hop_limit = 1;
  EXPECT_EQ(code_of(check_settlement(ctx, provenance_bytes(**c))), "hop_limit");
}

TEST_P(RulesTest, TransferCountLimitIsEnforced) {
  net.limits().transfers_before_settle = 2;
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  net.load(*a, 50'00);
  must(transfer(**a, **b, 1'00));
  must(transfer(**a, **b, 1'00));
  EXPECT_EQ(code_of((*a)->init(1'00)), "transfer_count_limit");
  EXPECT_EQ((*a)->state().transfers_since_settlement(), 2u);
  // The settlement check refuses a hop whose transfer index is beyond the limit.
  SettlementContext ctx = net.settlement();
  EXPECT_TRUE(check_settlement(ctx, provenance_bytes(**b)).ok());
  ctx.limits.transfers_before_settle = 1;
  EXPECT_EQ(code_of(check_settlement(ctx, provenance_bytes(**b))), "transfer_count_limit");
}

TEST_P(RulesTest, ExpiryIsEnforced) {
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  must((*a)->load(net.root("device-a", 50'00, 600)));  // expires in 10 minutes
  net.clock().advance(601);
  EXPECT_EQ(code_of((*a)->init(1'00)), "voucher_expired");
  EXPECT_EQ(code_of((*a)->load(net.root("device-a", 1'00, -1))), "voucher_expired");
  EXPECT_EQ(code_of((*a)->load(net.root("device-a", 1'00, 365 * kDay))), "bad_voucher");
  // Value that expires between EXECUTE and COMPLETE is refused by the receiver.
  must((*a)->load(net.root("device-a", 5'00, 100)));
  const Bytes init = must((*a)->init(5'00));
  const Bytes exec = must((*a)->execute(must((*b)->respond(init))));
  net.clock().advance(150);
  EXPECT_EQ(code_of((*b)->complete(exec)), "voucher_expired");
}

TEST_P(RulesTest, OneTransferAtATime) {
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  net.load(*a, 50'00);
  const Bytes init = must((*a)->init(10'00));
  EXPECT_EQ(code_of((*a)->init(10'00)), "busy");
  net.reopen(*a);  // the dual-offline state survives a restart
  EXPECT_EQ(code_of((*a)->init(10'00)), "busy");
  const Bytes exec = must((*a)->execute(must((*b)->respond(init))));
  EXPECT_EQ(code_of((*a)->abort()), "in_flight");
  EXPECT_EQ(code_of((*a)->init(10'00)), "busy");
  EXPECT_EQ((*a)->in_flight(), 10'00);
  must((*a)->finish(must((*b)->complete(exec))));
  EXPECT_EQ(code_of((*a)->abort()), "no_transfer");
  EXPECT_TRUE((*a)->init(10'00).ok());
  EXPECT_EQ(code_of((*a)->load(net.root("device-b", 1'00))), "wrong_device");
}

TEST_P(RulesTest, RolledBackDevicePaysTwiceAndSettlementFindsIt) {
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  auto c = net.device("device-c");
  net.load(*a, 50'00);
  const MemoryStorage snapshot = a->storage;  // the device's state directory, copied
  must(transfer(**a, **b, 30'00));
  a->storage = snapshot;  // ... and copied back after paying
  net.reopen(*a);
  EXPECT_EQ((*a)->balance(), 50'00);
  // The same receiver notices the counter did not increase.
  const Bytes init = must((*a)->init(30'00));
  EXPECT_EQ(code_of((*b)->complete(must((*a)->execute(must((*b)->respond(init)))))), "replayed");
  a->storage = snapshot;
  net.reopen(*a);
  // Another receiver cannot know: it accepts.
  must(transfer(**a, **c, 30'00));
  const SettlementReport rb = must(check_settlement(net.settlement(), provenance_bytes(**b)));
  const SettlementReport rc = must(check_settlement(net.settlement(), provenance_bytes(**c)));
  const std::vector<Conflict> conflicts = find_conflicts({rb, rc});
  ASSERT_EQ(conflicts.size(), 2u);
  const Conflict& spent = conflicts[0];
  EXPECT_EQ(spent.kind, Conflict::Kind::kOutputSpentTwice);
  EXPECT_EQ(spent.output_id, rb.consumed[0].output_id);
  EXPECT_EQ(spent.device_id, "device-a");
  EXPECT_EQ(spent.hop_a, rb.hop_hashes[0]);
  EXPECT_EQ(spent.hop_b, rc.hop_hashes[0]);
  const Conflict& counter = conflicts[1];
  EXPECT_EQ(counter.kind, Conflict::Kind::kCounterReused);
  EXPECT_EQ(counter.device_id, "device-a");
  EXPECT_EQ(counter.counter, 1u);
  // One chain alone is clean, and a chain carrying both spends is refused outright.
  EXPECT_TRUE(find_conflicts({rb}).empty());
  pb::Provenance both = (*b)->settlement_provenance();
  both.add_hops((*c)->settlement_provenance().hops(0));
  EXPECT_EQ(code_of(check_settlement(net.settlement(), encode(both))), "double_spend");
}

TEST_P(RulesTest, UnacknowledgedTransferSettlesFromTheSenderSide) {
  auto a = net.device("device-a");
  auto b = net.device("device-b");
  net.load(*a, 20'00);
  const Bytes init = must((*a)->init(20'00));  // exact amount: no change coin on A
  must((*a)->execute(must((*b)->respond(init))));
  // B never completes. A's settlement still carries the hop, B's output unspent.
  const SettlementReport r = must(check_settlement(net.settlement(), provenance_bytes(**a)));
  ASSERT_EQ(r.hop_hashes.size(), 1u);
  ASSERT_EQ(r.unspent.size(), 1u);
  EXPECT_EQ(r.unspent[0].owner_device_id, "device-b");
  EXPECT_EQ(r.unspent[0].amount, 20'00);
}

INSTANTIATE_TEST_SUITE_P(Suites, RulesTest, ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         suite_label);

}  // namespace
}  // namespace rl::offline::testing
