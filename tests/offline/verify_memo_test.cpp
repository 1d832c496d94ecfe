// The offline verification memo (offline/verify_memo.hpp) never changes a verdict: every tampered
// provenance is refused with the same code whether or not the memo already holds the genuine
// chain, hop signature and root signature under the same keys; a certificate used outside its
// validity or revoked after its chain was remembered is still refused; and the genuine chain
// passes with the memo answering from memory.

#include <gtest/gtest.h>

#include "forge.hpp"
#include "offline/verify_memo.hpp"

namespace rl::offline::testing {
namespace {

class VerifyMemoTest : public ::testing::TestWithParam<Suite> {
 protected:
  void SetUp() override {
    a = net.device("device-a");
    b = net.device("device-b");
    net.load(*a, 100'00);
    must(transfer(**a, **b, 30'00));
    prov = (*b)->settlement_provenance();
    ASSERT_EQ(prov.hops_size(), 1);
  }
  // The settlement context, remembering through `memo` when given.
  SettlementContext ctx(VerifyMemo* memo) const {
    SettlementContext c = net.settlement();
    c.memo = memo;
    return c;
  }
  Bytes with_hop(std::string hop) const {
    pb::Provenance p = prov;
    p.set_hops(0, std::move(hop));
    return encode(p);
  }
  Bytes resealed(const std::function<void(pb::HopBody&)>& edit) const {
    return with_hop(reseal_hop(GetParam(), prov.hops(0), edit, a->creds.key, a->creds.mac_key));
  }
  Bytes raw_edit(const std::function<void(pb::Hop&)>& edit) const {
    auto hop = parse<pb::Hop>(as_bytes(prov.hops(0)));
    edit(hop);
    return with_hop(to_string(encode(hop)));
  }

  Network net{GetParam()};
  std::unique_ptr<TestDevice> a, b;
  pb::Provenance prov;
};

TEST_P(VerifyMemoTest, TamperedHopsRefusedAlikeWithAWarmMemo) {
  VerifyMemo memo;
  // Warm: the genuine provenance verifies, and its chain and signatures are remembered.
  ASSERT_TRUE(check_settlement(ctx(&memo), encode(prov)).ok());
  ASSERT_TRUE(check_settlement(ctx(&memo), encode(prov)).ok());
  const auto warm = memo.stats();
  EXPECT_EQ(warm.chain_misses, 1u);
  EXPECT_EQ(warm.chain_hits, 1u);
  EXPECT_GE(warm.sig_hits, 2u);  // the hop and the root, the second time

  const DeviceCredentials foreign = net.credentials("device-a", &net.foreign());
  auto more = [](pb::HopBody& h) { h.mutable_outputs(0)->set_amount(h.outputs(0).amount() + 1); };
  const std::vector<std::pair<std::string, Bytes>> cases = {
      {"amount, not re-signed", raw_edit([&](pb::Hop& h) {
         auto body = parse<pb::HopBody>(as_bytes(h.body()));
         more(body);
         h.set_body(to_string(encode(body)));
       })},
      {"amount, re-signed, old issuer MAC", raw_edit([&](pb::Hop& h) {
         auto body = parse<pb::HopBody>(as_bytes(h.body()));
         more(body);
         const Bytes bb = encode(body);
         h.set_body(to_string(bb));
         h.set_sender_signature(to_string(must(sign_tagged(a->creds.key, domain::kHopSig, bb))));
       })},
      {"amount, re-signed and re-MACed", resealed(more)},
      {"signature", raw_edit([](pb::Hop& h) { flip_last(*h.mutable_sender_signature()); })},
      {"signature of another body", raw_edit([&](pb::Hop& h) {
         // A valid signature by the same key over different bytes: keyed by the message too.
         h.set_sender_signature(
             to_string(must(sign_tagged(a->creds.key, domain::kHopSig, as_bytes("other")))));
       })},
      {"certificate bytes",
       resealed([](pb::HopBody& h) { flip_last(*h.mutable_sender_chain()->mutable_leaf()); })},
      {"certificate of another device id",
       resealed([](pb::HopBody& h) { h.set_sender_device_id("device-x"); })},
      {"certificate from a foreign CA", with_hop(reseal_hop(
                                            GetParam(), prov.hops(0),
                                            [&](pb::HopBody& h) {
                                              *h.mutable_sender_chain() =
                                                  encode_chain(foreign.cert, foreign.intermediates);
                                            },
                                            foreign.key, a->creds.mac_key))},
      // The chain verified before, at another time: not remembered for a time outside it.
      {"signed after the certificate expired",
       resealed([](pb::HopBody& h) { h.set_execute_time(kT0 + kYear + 10); })},
      {"signed before the certificate was valid", resealed([](pb::HopBody& h) {
         h.set_init_time(kT0 - 2 * kDay);
         h.set_execute_time(kT0 - 2 * kDay);
       })},
      {"issuer MAC", raw_edit([](pb::Hop& h) { flip_first(*h.mutable_issuer_mac()); })},
  };
  for (const auto& [name, bytes] : cases) {
    const std::string cold = code_of(check_settlement(ctx(nullptr), bytes));
    EXPECT_FALSE(cold.empty()) << name;
    EXPECT_EQ(code_of(check_settlement(ctx(&memo), bytes)), cold) << name;
    VerifyMemo fresh;
    EXPECT_EQ(code_of(check_settlement(ctx(&fresh), bytes)), cold) << name;
  }
  // A tampered root signature under the remembered issuer key.
  pb::Provenance bad_root = prov;
  auto root = parse<pb::RootVoucher>(as_bytes(prov.roots(0)));
  flip_last(*root.mutable_signature());
  bad_root.set_roots(0, to_string(encode(root)));
  EXPECT_EQ(code_of(check_settlement(ctx(&memo), encode(bad_root))), "bad_signature");
  EXPECT_EQ(code_of(check_settlement(ctx(nullptr), encode(bad_root))), "bad_signature");
  // Another master key: the remembered issuer MAC verdict is not its.
  SettlementContext wrong_master = ctx(&memo);
  wrong_master.issuer_master_key[0] ^= 1;
  EXPECT_EQ(code_of(check_settlement(wrong_master, encode(prov))), "bad_mac");
  EXPECT_GE(memo.stats().mac_hits, 1u);
  // Other trust roots: the remembered chain is not theirs.
  SettlementContext other_roots = ctx(&memo);
  other_roots.trust.roots = {net.foreign().root};
  EXPECT_EQ(code_of(check_settlement(other_roots, encode(prov))), "certificate_untrusted");
  // And the genuine provenance still passes, from memory.
  EXPECT_TRUE(check_settlement(ctx(&memo), encode(prov)).ok());
}

TEST_P(VerifyMemoTest, RevocationIsCheckedOnEveryHit) {
  VerifyMemo memo;
  ASSERT_TRUE(check_settlement(ctx(&memo), encode(prov)).ok());
  const std::int64_t now = net.clock().now();
  SettlementContext revoked = ctx(&memo);
  revoked.trust.revoked = {
      must(crypto::Crl::create(net.ca().inter, net.ca().inter_key, {a->creds.cert.serial_hex()},
                               now - kDay, now + 30 * kDay))};
  const auto before = memo.stats();
  EXPECT_EQ(code_of(check_settlement(revoked, encode(prov))), "certificate_revoked");
  EXPECT_EQ(memo.stats().chain_hits, before.chain_hits + 1);  // answered from memory, revoked
  SettlementContext cold = revoked;
  cold.memo = nullptr;
  EXPECT_EQ(code_of(check_settlement(cold, encode(prov))), "certificate_revoked");
}

TEST_P(VerifyMemoTest, ReportsAreIdentical) {
  VerifyMemo memo;
  auto cold = must(check_settlement(ctx(nullptr), encode(prov)));
  must(check_settlement(ctx(&memo), encode(prov)));
  auto warm = must(check_settlement(ctx(&memo), encode(prov)));
  EXPECT_EQ(warm.hop_hashes, cold.hop_hashes);
  EXPECT_EQ(warm.root_hashes, cold.root_hashes);
  ASSERT_EQ(warm.unspent.size(), cold.unspent.size());
  for (std::size_t i = 0; i < warm.unspent.size(); ++i) {
    EXPECT_EQ(warm.unspent[i].output_id, cold.unspent[i].output_id);
    EXPECT_EQ(warm.unspent[i].amount, cold.unspent[i].amount);
  }
  ASSERT_EQ(warm.counters.size(), cold.counters.size());
  EXPECT_EQ(warm.counters[0].counter, cold.counters[0].counter);
}

TEST_P(VerifyMemoTest, BoundedTableIsDroppedNotWrong) {
  VerifyMemo memo(1);  // every insert past the first drops the table
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(check_settlement(ctx(&memo), encode(prov)).ok());
  EXPECT_LE(memo.entries(), 2u);
  EXPECT_EQ(code_of(check_settlement(ctx(&memo), raw_edit([](pb::Hop& h) {
                                       flip_last(*h.mutable_sender_signature());
                                     }))),
            "bad_signature");
}

INSTANTIATE_TEST_SUITE_P(Suites, VerifyMemoTest,
                         ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3), suite_label);

}  // namespace
}  // namespace rl::offline::testing
