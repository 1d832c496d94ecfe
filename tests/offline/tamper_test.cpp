// Tampering with every field of every message: refused at the device with the field's error
// code and no state change (and the genuine message still goes through afterwards), and the
// same kinds of tampering with a settled chain are refused by the settlement check.

#include <gtest/gtest.h>

#include "forge.hpp"

namespace rl::offline::testing {
namespace {

struct Case {
  std::string name;
  std::string code;
};

class TamperTest : public ::testing::TestWithParam<Suite> {
 protected:
  void SetUp() override {
    a = net.device("device-a");
    b = net.device("device-b");
    net.load(*a, 100'00);
  }
  Suite suite() const { return GetParam(); }

  // A foreign-CA certificate carrying device-a's name, and its key.
  DeviceCredentials foreign_a() { return net.credentials("device-a", &net.foreign()); }

  Network net{GetParam()};
  std::unique_ptr<TestDevice> a, b;
};

TEST_P(TamperTest, InitFieldsRefusedByReceiver) {
  const Bytes init = must((*a)->init(30'00));
  const DeviceCredentials foreign = foreign_a();
  const std::vector<std::pair<Case, std::function<void(pb::InitMsg&)>>> cases = {
      {{"amount zero", "bad_amount"}, [](pb::InitMsg& m) { m.set_amount(0); }},
      {{"amount negative", "bad_amount"}, [](pb::InitMsg& m) { m.set_amount(-1); }},
      {{"random short", "bad_random"}, [](pb::InitMsg& m) { m.mutable_ra()->pop_back(); }},
      {{"random long", "bad_random"}, [](pb::InitMsg& m) { m.mutable_ra()->push_back('x'); }},
      {{"timestamp old", "stale_timestamp"},
       [](pb::InitMsg& m) { m.set_init_time(m.init_time() - 1000); }},
      {{"timestamp future", "stale_timestamp"},
       [](pb::InitMsg& m) { m.set_init_time(m.init_time() + 1000); }},
      {{"certificate bytes", "bad_certificate"},
       [](pb::InitMsg& m) { flip_last(*m.mutable_sender_chain()->mutable_leaf()); }},
      {{"certificate of another device id", "bad_certificate"},
       [](pb::InitMsg& m) { m.set_sender_device_id("device-x"); }},
      {{"certificate from a foreign CA", "certificate_untrusted"},
       [&](pb::InitMsg& m) {
         *m.mutable_sender_chain() = encode_chain(foreign.cert, foreign.intermediates);
       }},
      {{"ephemeral key", "bad_key"}, [](pb::InitMsg& m) { m.set_sender_ephemeral("not a key"); }},
      {{"suite", "bad_message"}, [](pb::InitMsg& m) { m.set_suite("rsa"); }},
  };
  const Bytes before = serialized(**b);
  for (const auto& [c, edit] : cases) {
    EXPECT_EQ(code_of((*b)->respond(edit_init(init, edit))), c.code) << c.name;
    EXPECT_TRUE(serialized(**b) == before) << c.name;
  }
  Bytes truncated(init.begin(), init.begin() + static_cast<long>(init.size() / 2));
  EXPECT_EQ(code_of((*b)->respond(truncated)), "bad_message");
  EXPECT_EQ(code_of((*b)->respond(Bytes(net.limits().max_message_bytes + 1, 0))),
            "message_too_large");
  EXPECT_TRUE(serialized(**b) == before);
  // An INIT altered in transit gets a response the sender refuses: it answers another INIT.
  const Bytes altered = edit_init(init, [](pb::InitMsg& m) { m.set_amount(31'00); });
  const Bytes resp_to_altered = must((*b)->respond(altered));
  EXPECT_EQ(code_of((*a)->execute(resp_to_altered)), "bad_transcript");
  // The genuine INIT still completes.
  const Bytes resp = must((*b)->respond(init));
  const Bytes exec = must((*a)->execute(resp));
  must((*a)->finish(must((*b)->complete(exec))));
  EXPECT_EQ((*b)->balance(), 30'00);
}

TEST_P(TamperTest, ResponseFieldsRefusedBySender) {
  const Bytes init = must((*a)->init(30'00));
  const Bytes resp = must((*b)->respond(init));
  const crypto::PrivateKey& bkey = b->creds.key;
  const DeviceCredentials foreign_b = net.credentials("device-b", &net.foreign());
  std::vector<std::pair<Case, Bytes>> cases = {
      {{"random short", "bad_random"},
       resign_response(resp, bkey, [](pb::ResponseBody& r) { r.mutable_rb()->pop_back(); })},
      {{"timestamp old", "stale_timestamp"},
       resign_response(resp, bkey,
                       [](pb::ResponseBody& r) { r.set_response_time(r.response_time() - 1000); })},
      {{"dispersion factor", "bad_dispersion"},
       resign_response(resp, bkey, [](pb::ResponseBody& r) { r.set_dispersion_factor("dev-z"); })},
      {{"ephemeral key", "bad_key"},
       resign_response(resp, bkey, [](pb::ResponseBody& r) { r.set_receiver_ephemeral("x"); })},
      {{"transcript", "bad_transcript"},
       resign_response(resp, bkey,
                       [](pb::ResponseBody& r) { flip_first(*r.mutable_init_hash()); })},
      {{"certificate bytes", "bad_certificate"},
       resign_response(
           resp, bkey,
           [](pb::ResponseBody& r) { flip_last(*r.mutable_receiver_chain()->mutable_leaf()); })},
      {{"certificate from a foreign CA", "certificate_untrusted"},
       resign_response(resp, foreign_b.key,
                       [&](pb::ResponseBody& r) {
                         *r.mutable_receiver_chain() =
                             encode_chain(foreign_b.cert, foreign_b.intermediates);
                       })},
  };
  // Fields changed without the receiver's key: the signature gives them away.
  auto unsigned_edit = parse<pb::ResponseMsg>(resp);
  auto body = parse<pb::ResponseBody>(as_bytes(unsigned_edit.body()));
  (*body.mutable_rb())[0] ^= 1;
  unsigned_edit.set_body(to_string(encode(body)));
  cases.push_back({{"random changed, not re-signed", "bad_signature"}, encode(unsigned_edit)});
  auto bad_sig = parse<pb::ResponseMsg>(resp);
  flip_last(*bad_sig.mutable_signature());
  cases.push_back({{"signature", "bad_signature"}, encode(bad_sig)});
  cases.push_back({{"undecodable", "bad_message"}, to_bytes("\xff\xff garbage")});

  const Bytes before = serialized(**a);
  for (const auto& [c, msg] : cases) {
    EXPECT_EQ(code_of((*a)->execute(msg)), c.code) << c.name;
    EXPECT_TRUE(serialized(**a) == before) << c.name;
  }
  must((*a)->finish(must((*b)->complete(must((*a)->execute(resp))))));
  EXPECT_EQ((*a)->balance(), 70'00);
}

TEST_P(TamperTest, ExecuteFieldsRefusedByReceiver) {
  const Bytes init = must((*a)->init(30'00));
  const Bytes resp = must((*b)->respond(init));
  const Bytes exec = must((*a)->execute(resp));
  const Bytes session = to_bytes((*a)->state().pending_send().session_key());
  const Suite s = suite();
  const DeviceCredentials foreign = foreign_a();
  // The malicious sender: edits its own hop, signs and MACs it with its own keys.
  auto forge = [&](const std::function<void(pb::HopBody&)>& edit) {
    return remac_execute(s, exec, session, [&](pb::ExecuteBody& body) {
      body.set_hop(reseal_hop(s, body.hop(), edit, a->creds.key, a->creds.mac_key));
    });
  };
  std::vector<std::pair<Case, Bytes>> cases = {
      {{"amount moved from change to receiver", "bad_amount"}, forge([](pb::HopBody& h) {
         h.mutable_outputs(0)->set_amount(h.outputs(0).amount() + 1);
         h.mutable_outputs(1)->set_amount(h.outputs(1).amount() - 1);
       })},
      {{"amount not conserved", "bad_amount"},
       forge([](pb::HopBody& h) { h.mutable_outputs(0)->set_amount(h.outputs(0).amount() + 1); })},
      {{"random of another transfer", "bad_random"},
       forge([](pb::HopBody& h) { (*h.mutable_ra())[0] ^= 1; })},
      {{"random short", "bad_random"}, forge([](pb::HopBody& h) { h.mutable_rb()->pop_back(); })},
      {{"execute timestamp old", "stale_timestamp"}, forge([](pb::HopBody& h) {
         h.set_execute_time(h.execute_time() - 1000);
         h.set_init_time(h.execute_time());
       })},
      {{"init timestamp not the INIT's", "stale_timestamp"},
       forge([](pb::HopBody& h) { h.set_init_time(h.init_time() - 1); })},
      {{"dispersion factor", "bad_dispersion"},
       forge([](pb::HopBody& h) { h.set_dispersion_factor("device-z"); })},
      {{"certificate from a foreign CA", "certificate_untrusted"},
       remac_execute(s, exec, session,
                     [&](pb::ExecuteBody& body) {
                       body.set_hop(reseal_hop(
                           s, body.hop(),
                           [&](pb::HopBody& h) {
                             *h.mutable_sender_chain() =
                                 encode_chain(foreign.cert, foreign.intermediates);
                           },
                           foreign.key, a->creds.mac_key));
                     })},
      {{"hop signature", "bad_signature"},
       remac_execute(s, exec, session,
                     [](pb::ExecuteBody& body) {
                       auto hop = parse<pb::Hop>(as_bytes(body.hop()));
                       flip_last(*hop.mutable_sender_signature());
                       body.set_hop(to_string(encode(hop)));
                     })},
      {{"voucher bytes", "bad_voucher"},
       remac_execute(s, exec, session, [](pb::ExecuteBody& body) { body.set_hop("\x0a\xff"); })},
      {{"provenance root amount", "bad_signature"},
       remac_execute(s, exec, session,
                     [](pb::ExecuteBody& body) {
                       auto root = parse<pb::RootVoucher>(as_bytes(body.provenance().roots(0)));
                       auto rb = parse<pb::RootVoucherBody>(as_bytes(root.body()));
                       rb.set_amount(rb.amount() + 1);
                       root.set_body(to_string(encode(rb)));
                       body.mutable_provenance()->set_roots(0, to_string(encode(root)));
                     })},
      {{"provenance without its root", "bad_voucher"},
       remac_execute(s, exec, session,
                     [](pb::ExecuteBody& body) { body.mutable_provenance()->clear_roots(); })},
  };
  // In transit, without the session key: the MAC gives any change away first.
  auto flipped = parse<pb::ExecuteMsg>(exec);
  (*flipped.mutable_body())[flipped.body().size() / 2] ^= 1;
  cases.push_back({{"body byte in transit", "bad_mac"}, encode(flipped)});
  auto bad_mac = parse<pb::ExecuteMsg>(exec);
  flip_first(*bad_mac.mutable_session_mac());
  cases.push_back({{"session MAC", "bad_mac"}, encode(bad_mac)});

  const Bytes before = serialized(**b);
  for (const auto& [c, msg] : cases) {
    EXPECT_EQ(code_of((*b)->complete(msg)), c.code) << c.name;
    EXPECT_TRUE(serialized(**b) == before) << c.name << ": state changed";
  }
  const Bytes ack = must((*b)->complete(exec));
  must((*a)->finish(ack));
  EXPECT_EQ((*b)->balance(), 30'00);
}

TEST_P(TamperTest, AckFieldsRefusedBySender) {
  const Bytes init = must((*a)->init(30'00));
  const Bytes exec = must((*a)->execute(must((*b)->respond(init))));
  const Bytes ack = must((*b)->complete(exec));
  const Bytes session = to_bytes((*a)->state().pending_send().session_key());
  const Suite s = suite();
  // The receiver's own forgery: edited body, signed and MACed again.
  auto forge = [&](const std::function<void(pb::AckBody&)>& edit) {
    auto msg = parse<pb::AckMsg>(ack);
    auto body = parse<pb::AckBody>(as_bytes(msg.body()));
    edit(body);
    const Bytes bb = encode(body);
    msg.set_body(to_string(bb));
    msg.set_signature(to_string(must(sign_tagged(b->creds.key, domain::kAckSig, bb))));
    msg.set_session_mac(to_string(must(domain_mac(s, session, domain::kAckMac, bb))));
    return encode(msg);
  };
  auto bad_sig = parse<pb::AckMsg>(ack);
  flip_last(*bad_sig.mutable_signature());
  auto bad_mac = parse<pb::AckMsg>(ack);
  flip_last(*bad_mac.mutable_session_mac());
  const std::vector<std::pair<Case, Bytes>> cases = {
      {{"hop hash", "bad_voucher"},
       forge([](pb::AckBody& a) { flip_first(*a.mutable_hop_hash()); })},
      {{"random", "bad_random"}, forge([](pb::AckBody& a) { flip_first(*a.mutable_rb()); })},
      {{"signature", "bad_signature"}, encode(bad_sig)},
      {{"session MAC", "bad_mac"}, encode(bad_mac)},
  };
  const Bytes before = serialized(**a);
  for (const auto& [c, msg] : cases) {
    EXPECT_EQ(code_of((*a)->finish(msg)), c.code) << c.name;
    EXPECT_TRUE(serialized(**a) == before) << c.name;
  }
  must((*a)->finish(ack));
  EXPECT_FALSE((*a)->state().has_pending_send());
}

TEST_P(TamperTest, SettlementRefusesTamperedChains) {
  must(transfer(**a, **b, 30'00));
  const pb::Provenance prov = (*b)->settlement_provenance();
  ASSERT_EQ(prov.hops_size(), 1);
  const Suite s = suite();
  const DeviceCredentials foreign = foreign_a();
  auto with_hop = [&](std::string hop) {
    pb::Provenance p = prov;
    p.set_hops(0, std::move(hop));
    return encode(p);
  };
  auto resealed = [&](const std::function<void(pb::HopBody&)>& edit) {
    return with_hop(reseal_hop(s, prov.hops(0), edit, a->creds.key, a->creds.mac_key));
  };
  auto raw_edit = [&](const std::function<void(pb::Hop&)>& edit) {
    auto hop = parse<pb::Hop>(as_bytes(prov.hops(0)));
    edit(hop);
    return with_hop(to_string(encode(hop)));
  };
  auto more = [](pb::HopBody& h) { h.mutable_outputs(0)->set_amount(h.outputs(0).amount() + 1); };
  const std::vector<std::pair<Case, Bytes>> cases = {
      {{"amount, not re-signed", "bad_signature"}, raw_edit([&](pb::Hop& h) {
         auto body = parse<pb::HopBody>(as_bytes(h.body()));
         more(body);
         h.set_body(to_string(encode(body)));
       })},
      {{"amount, re-signed, old issuer MAC", "bad_mac"}, raw_edit([&](pb::Hop& h) {
         auto body = parse<pb::HopBody>(as_bytes(h.body()));
         more(body);
         const Bytes bb = encode(body);
         h.set_body(to_string(bb));
         h.set_sender_signature(to_string(must(sign_tagged(a->creds.key, domain::kHopSig, bb))));
       })},
      {{"amount, re-signed and re-MACed by the sender", "bad_amount"}, resealed(more)},
      {{"random", "bad_random"}, resealed([](pb::HopBody& h) { h.mutable_ra()->pop_back(); })},
      {{"timestamps", "stale_timestamp"},
       resealed([](pb::HopBody& h) { h.set_init_time(h.execute_time() + 1); })},
      {{"spent after expiry", "voucher_expired"},
       resealed([](pb::HopBody& h) { h.set_execute_time(h.expiry() + 1); })},
      {{"dispersion factor", "bad_dispersion"},
       resealed([](pb::HopBody& h) { h.set_dispersion_factor("x"); })},
      {{"certificate from a foreign CA", "certificate_untrusted"},
       with_hop(reseal_hop(
           s, prov.hops(0),
           [&](pb::HopBody& h) {
             *h.mutable_sender_chain() = encode_chain(foreign.cert, foreign.intermediates);
           },
           foreign.key, a->creds.mac_key))},
      {{"signature", "bad_signature"},
       raw_edit([](pb::Hop& h) { flip_last(*h.mutable_sender_signature()); })},
      {{"issuer MAC", "bad_mac"},
       raw_edit([](pb::Hop& h) { flip_first(*h.mutable_issuer_mac()); })},
      {{"voucher bytes", "bad_voucher"}, with_hop("\x12\x01")},
  };
  for (const auto& [c, bytes] : cases) {
    EXPECT_EQ(code_of(check_settlement(net.settlement(), bytes)), c.code) << c.name;
  }
  // Root voucher tampering, unknown issuers, the wrong master key, a lower hop limit.
  pb::Provenance bad_root = prov;
  auto root = parse<pb::RootVoucher>(as_bytes(prov.roots(0)));
  flip_last(*root.mutable_signature());
  bad_root.set_roots(0, to_string(encode(root)));
  EXPECT_EQ(code_of(check_settlement(net.settlement(), encode(bad_root))), "bad_signature");
  SettlementContext other_issuer = net.settlement();
  other_issuer.issuer_keys = {must(crypto::PrivateKey::generate(s)).public_key()};
  EXPECT_EQ(code_of(check_settlement(other_issuer, encode(prov))), "unknown_issuer");
  SettlementContext wrong_master = net.settlement();
  wrong_master.issuer_master_key[0] ^= 1;
  EXPECT_EQ(code_of(check_settlement(wrong_master, encode(prov))), "bad_mac");
  SettlementContext low_hops = net.settlement();
  low_hops.limits.hop_limit = 0;
  EXPECT_EQ(code_of(check_settlement(low_hops, encode(prov))), "hop_limit");
  // And the untouched chain passes.
  EXPECT_TRUE(check_settlement(net.settlement(), encode(prov)).ok());
}

TEST_P(TamperTest, ReplaysAreRefused) {
  const Transcript t = must(transfer(**a, **b, 30'00));
  const Bytes a_state = serialized(**a);
  const Bytes b_state = serialized(**b);
  EXPECT_EQ(code_of((*b)->complete(t.execute)), "replayed");
  EXPECT_EQ(code_of((*a)->finish(t.ack)), "replayed");
  EXPECT_EQ(code_of((*b)->respond(t.init)), "replayed");
  EXPECT_TRUE(serialized(**a) == a_state);
  EXPECT_TRUE(serialized(**b) == b_state);
  // The old EXECUTE replayed while a new transfer is open: still recognised and refused.
  const Bytes init2 = must((*a)->init(10'00));
  const Bytes resp2 = must((*b)->respond(init2));
  EXPECT_EQ(code_of((*b)->complete(t.execute)), "replayed");
  const Bytes exec2 = must((*a)->execute(resp2));
  EXPECT_EQ(code_of((*a)->execute(resp2)), "replayed");  // a response replayed to the sender
  must((*a)->finish(must((*b)->complete(exec2))));
  EXPECT_EQ((*b)->balance(), 40'00);
}

INSTANTIATE_TEST_SUITE_P(Suites, TamperTest, ::testing::Values(Suite::kP256Sha256, Suite::kSm2Sm3),
                         suite_label);

}  // namespace
}  // namespace rl::offline::testing
