// Offline devices on the ledger (issue #13, node side): RegisterDevice, LoadDevice and
// SettleVouchers through the API and the sealer. Every refusal has its code and changes no
// state; a rolled-back device that pays twice is caught at settlement with the proof recorded,
// the device revoked and the loss charged to its owner; the conservation invariant holds after
// every block; a replayed settlement credits nothing twice.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/state_keys.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/ids.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/root_voucher.hpp"
#include "tests/app/node_fixture.hpp"
#include "tests/crypto/pki_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
namespace opb = regledger::offline::v1;

template <typename T>
T must(Result<T> r, const char* what = "") {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().to_string());
  return std::move(r).value();
}
void must(const Status& s, const char* what = "") {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.error().to_string());
}

// One simulated device: its key and certificate from the network's issuing CA, its diversified
// MAC key, an in-memory journal, and the test's clock.
struct SimDevice {
  std::string id;
  crypto::PrivateKey key;
  crypto::Certificate cert;
  offline::MemoryStorage storage;
  offline::SeededRandom random;
  std::optional<offline::Device> dev;
};

class OfflineLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bank_a_ = node_.enroll_reporter("bank-a", "a-admin", "0105", "institution", "admin");
    bank_b_ = node_.enroll_reporter("bank-b", "b-admin", "0105", "institution", "admin");
    bank_c_ = node_.enroll_reporter("bank-c", "c-admin", "0105", "institution", "admin");
    b_rep_ = node_.enroll_reporter("bank-b", "b-rep", "0105");
    node_.commit_as_admin([&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id("issue-a");
      p->set_expires_at_height(node_.chain->head().height + 100);
      p->mutable_issue_value()->set_org_id("bank-a");
      p->mutable_issue_value()->set_amount(100'000);
    });
    expect_conserved();
  }

  std::unique_ptr<SimDevice> make_device(const std::string& id, std::uint64_t seed) {
    auto key = must(crypto::PrivateKey::generate(suite()));
    auto cert = crypto::testing::issue_from_new_csr(
        *node_.issuing_cert, *node_.issuing_key, key, id,
        crypto::testing::options_for(crypto::CertProfile::kEndEntity, now_ - 86400,
                                     now_ + 365 * 86400));
    auto d = std::unique_ptr<SimDevice>(
        new SimDevice{id, key, cert, {}, offline::SeededRandom(seed), std::nullopt});
    reopen(*d);
    return d;
  }
  void reopen(SimDevice& d) {
    offline::DeviceConfig cfg;
    cfg.suite = suite();
    cfg.limits = node_.chain->anchor().offline_limits;
    cfg.trust.roots = node_.chain->anchor().roots;
    cfg.issuer_keys = node_.chain->anchor().offline_issuer_keys;
    offline::DeviceCredentials creds{
        d.key,
        d.cert,
        {*node_.issuing_cert},
        must(offline::diversify_device_key(suite(), node_.offline_master_key, d.id)),
        "Wallet " + d.id};
    d.dev.reset();
    d.dev.emplace(must(offline::Device::open(cfg, creds, d.storage, clock_, d.random), "open"));
  }
  crypto::Suite suite() const { return node_.genesis.suite; }

  Bytes register_tx(const client::Identity& who, const SimDevice& d, const std::string& org) {
    return node_.sign(who, [&](ledger::pb::TxBody& b) {
      auto* r = b.mutable_register_device();
      r->set_device_id(d.id);
      r->set_owner_org(org);
      r->set_certificate_der(to_string(d.cert.to_der()));
      r->add_chain_der(to_string(node_.issuing_cert->to_der()));
    });
  }
  Bytes root_voucher(const std::string& device_id, std::int64_t amount) {
    return must(offline::issue_root_voucher(*node_.offline_issuer_key,
                                            {device_id, amount, now_ + 7 * 86400, ++serial_}));
  }
  Bytes load_tx(const client::Identity& who, const std::string& device_id, const Bytes& root) {
    return node_.sign(who, [&](ledger::pb::TxBody& b) {
      b.mutable_load_device()->set_device_id(device_id);
      b.mutable_load_device()->set_root_voucher(to_string(root));
    });
  }
  Bytes settle_tx(const client::Identity& who, const std::string& device_id, const Bytes& prov) {
    return node_.sign(who, [&](ledger::pb::TxBody& b) {
      b.mutable_settle_vouchers()->set_device_id(device_id);
      b.mutable_settle_vouchers()->set_provenance(to_string(prov));
    });
  }
  static Bytes provenance(const SimDevice& d) {
    return offline::encode(d.dev->settlement_provenance());
  }

  // Submits through the API; on admission seals the block and checks conservation. Returns the
  // refusal code or "".
  std::string submit(const Bytes& tx) { return node_.submit_sealed_and_conserved(tx); }
  // Refused with `code`, and nothing changed.
  void expect_refused(const Bytes& tx, const std::string& code) {
    auto before = node_.snapshot();
    EXPECT_EQ(submit(tx), code);
    EXPECT_EQ(node_.snapshot(), before) << code;
  }
  void expect_conserved() { node_.expect_value_conserved(); }
  std::int64_t balance(const std::string& org) { return *node_.chain->balance(org); }
  std::int64_t on_devices() { return node_.chain->value_audit()->on_devices; }

  template <typename Msg>
  std::optional<Msg> record(const Bytes& key) {
    auto raw = must(node_.chain->state_value(key));
    if (!raw) return std::nullopt;
    Msg m;
    EXPECT_TRUE(m.ParseFromArray(raw->data(), static_cast<int>(raw->size())));
    return m;
  }

  // Runs one transfer a -> b to the end.
  void pay(SimDevice& a, SimDevice& b, std::int64_t amount) {
    auto init = must(a.dev->init(amount), "init");
    auto resp = must(b.dev->respond(init), "respond");
    auto exec = must(a.dev->execute(resp), "execute");
    auto ack = must(b.dev->complete(exec), "complete");
    must(a.dev->finish(ack), "finish");
  }

  // Registers and loads `d` for bank-a.
  void register_and_load(SimDevice& d, std::int64_t amount) {
    ASSERT_EQ(submit(register_tx(*bank_a_, d, "bank-a")), "");
    Bytes root = root_voucher(d.id, amount);
    ASSERT_EQ(submit(load_tx(*bank_a_, d.id, root)), "");
    must(d.dev->load(root), "device load");
  }

  // Replays every committed block on a new chain opened with `options` (as block sync does:
  // check_block re-executes each, then commit_block), and expects the same app hash at every
  // height: a block that executed differently there would be refused as bad_block.
  void expect_replay_agrees(const ledger::ExecOptions& options, const std::string& name) {
    auto replica = must(ledger::Chain::open((node_.dir / name).string(), node_.genesis, options));
    must(replica->set_offline_master_key(node_.offline_master_key));
    const std::uint64_t head = node_.chain->head().height;
    for (std::uint64_t h = 1; h <= head; ++h) {
      auto bytes = must(node_.chain->block_bytes(h));
      auto cert = must(node_.chain->commit(h));
      ASSERT_TRUE(bytes && cert) << h;
      auto block = replica->check_block(*bytes);
      ASSERT_TRUE(block.ok()) << "height " << h << ": " << block.error().to_string();
      must(replica->commit_block(*block, *cert));
    }
    EXPECT_EQ(replica->head().app_hash, node_.chain->head().app_hash);
  }

  NodeFixture node_;
  std::int64_t now_ = std::time(nullptr);
  offline::ManualClock clock_{std::time(nullptr)};
  std::uint64_t serial_ = 0;
  std::optional<client::Identity> bank_a_, bank_b_, bank_c_, b_rep_;
};

// A pays B 300 out of 1000 (change 700 stays on A), B pays C 100 onward, C settles, B settles
// its change, A settles its change: every organization ends with what its devices held.
TEST_F(OfflineLedgerTest, RegisterLoadTransferSettle) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2), c = make_device("dev-c", 3);
  register_and_load(*a, 1000);
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  ASSERT_EQ(submit(register_tx(*bank_c_, *c, "bank-c")), "");
  EXPECT_EQ(balance("bank-a"), 99'000);
  EXPECT_EQ(on_devices(), 1000);
  auto dev = record<ledger::pb::DeviceRecord>(ledger::keys::device("dev-a"));
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->owner_org(), "bank-a");
  EXPECT_EQ(dev->status(), "ACTIVE");

  pay(*a, *b, 300);
  pay(*b, *c, 100);
  EXPECT_EQ(a->dev->balance(), 700);
  EXPECT_EQ(b->dev->balance(), 200);
  EXPECT_EQ(c->dev->balance(), 100);

  ASSERT_EQ(submit(settle_tx(*bank_c_, "dev-c", provenance(*c))), "");
  EXPECT_EQ(balance("bank-c"), 100);
  ASSERT_EQ(submit(settle_tx(*b_rep_, "dev-b", provenance(*b))), "");  // any account of bank-b
  EXPECT_EQ(balance("bank-b"), 200);
  ASSERT_EQ(submit(settle_tx(*bank_a_, "dev-a", provenance(*a))), "");
  EXPECT_EQ(balance("bank-a"), 99'700);
  EXPECT_EQ(on_devices(), 0);
}

// Each rule refused with its code, leaving head, app hash and mempool unchanged.
TEST_F(OfflineLedgerTest, EachRuleIsRefusedWithItsCode) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2);
  // RegisterDevice.
  expect_refused(register_tx(*bank_b_, *a, "bank-a"), "permission_denied");  // other org's admin
  expect_refused(register_tx(*b_rep_, *b, "bank-b"), "permission_denied");   // not an admin
  expect_refused(register_tx(*node_.admin, *a, "bank-zz"), "not_found");     // regulator admin
  {
    auto foreign_root_key = must(crypto::PrivateKey::generate(suite()));
    auto foreign_root = must(crypto::create_root_certificate(
        foreign_root_key, {"Foreign Root", "Elsewhere", "", "CN"},
        crypto::testing::options_for(crypto::CertProfile::kRootCa, now_ - 86400,
                                     now_ + 3650 * 86400)));
    SimDevice f{"dev-f",
                a->key,
                crypto::testing::issue_from_new_csr(
                    foreign_root, foreign_root_key, a->key, "dev-f",
                    crypto::testing::options_for(crypto::CertProfile::kEndEntity, now_ - 86400,
                                                 now_ + 86400)),
                {},
                offline::SeededRandom(9),
                std::nullopt};
    expect_refused(node_.sign(*bank_a_,
                              [&](ledger::pb::TxBody& t) {
                                auto* r = t.mutable_register_device();
                                r->set_device_id("dev-f");
                                r->set_owner_org("bank-a");
                                r->set_certificate_der(to_string(f.cert.to_der()));
                              }),
                   "certificate_untrusted");
  }
  {  // CN is not the device id
    SimDevice wrong{"dev-x", a->key, a->cert, {}, offline::SeededRandom(9), std::nullopt};
    expect_refused(register_tx(*bank_a_, wrong, "bank-a"), "bad_certificate");
  }
  ASSERT_EQ(submit(register_tx(*bank_a_, *a, "bank-a")), "");
  expect_refused(register_tx(*bank_a_, *a, "bank-a"), "device_exists");

  // LoadDevice.
  expect_refused(load_tx(*bank_a_, "dev-b", root_voucher("dev-b", 10)), "unknown_device");
  expect_refused(load_tx(*bank_b_, "dev-a", root_voucher("dev-a", 10)), "permission_denied");
  expect_refused(load_tx(*bank_a_, "dev-a", root_voucher("dev-b", 10)), "wrong_device");
  {
    auto other = must(crypto::PrivateKey::generate(suite()));
    Bytes forged = must(offline::issue_root_voucher(other, {"dev-a", 10, now_ + 86400, ++serial_}));
    expect_refused(load_tx(*bank_a_, "dev-a", forged), "unknown_issuer");
  }
  const auto cap = node_.chain->anchor().offline_limits.balance_cap;
  expect_refused(load_tx(*bank_a_, "dev-a", root_voucher("dev-a", cap + 1)), "cap_exceeded");
  expect_refused(load_tx(*bank_a_, "dev-a", root_voucher("dev-a", 100'001)),
                 "insufficient_balance");
  expect_refused(load_tx(*bank_a_, "dev-a",
                         must(offline::issue_root_voucher(*node_.offline_issuer_key,
                                                          {"dev-a", 10, now_ - 10, ++serial_}))),
                 "voucher_expired");
  Bytes root = root_voucher("dev-a", 500);
  ASSERT_EQ(submit(load_tx(*bank_a_, "dev-a", root)), "");
  expect_refused(load_tx(*bank_a_, "dev-a", root), "root_already_loaded");
  must(a->dev->load(root));

  // SettleVouchers.
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  pay(*a, *b, 200);
  const Bytes prov = provenance(*b);
  expect_refused(settle_tx(*bank_a_, "dev-b", prov), "permission_denied");
  expect_refused(settle_tx(*bank_b_, "dev-zz", prov), "unknown_device");
  Bytes tampered = prov;
  tampered[tampered.size() / 2] ^= 0x01;
  {
    auto before = node_.snapshot();
    EXPECT_NE(submit(settle_tx(*bank_b_, "dev-b", tampered)), "");
    EXPECT_EQ(node_.snapshot(), before);
  }
  {  // value from a root that was never loaded on the ledger
    auto c = make_device("dev-c", 3);
    ASSERT_EQ(submit(register_tx(*bank_a_, *c, "bank-a")), "");
    must(c->dev->load(root_voucher("dev-c", 50)));
    pay(*c, *b, 20);
    expect_refused(settle_tx(*bank_b_, "dev-b", provenance(*b)), "root_not_loaded");
  }
  EXPECT_EQ(balance("bank-b"), 0);
}

// Settling the same provenance again credits nothing; a settlement whose outputs were credited
// before is refused (already_settled) and changes nothing.
TEST_F(OfflineLedgerTest, ReplayedSettlementCreditsNothingTwice) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2);
  register_and_load(*a, 1000);
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  pay(*a, *b, 400);
  const Bytes prov = provenance(*b);
  ASSERT_EQ(submit(settle_tx(*bank_b_, "dev-b", prov)), "");
  EXPECT_EQ(balance("bank-b"), 400);
  expect_refused(settle_tx(*bank_b_, "dev-b", prov), "already_settled");
  EXPECT_EQ(balance("bank-b"), 400);
  EXPECT_EQ(on_devices(), 600);
}

// A's journal is copied back after it paid B (a rollback) and A pays C with the same value.
// Both settle: the second settlement finds the output spent twice, records both signed hops,
// revokes A, charges bank-a for what C is credited, and conservation holds throughout.
TEST_F(OfflineLedgerTest, RolledBackDeviceDoubleSpendIsCaughtAndCharged) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2), c = make_device("dev-c", 3);
  register_and_load(*a, 1000);
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  ASSERT_EQ(submit(register_tx(*bank_c_, *c, "bank-c")), "");
  const Bytes saved = *must(a->storage.load());
  pay(*a, *b, 600);
  // Roll A back to before the payment: the journal as it was, a fresh process.
  must(a->storage.commit(saved));
  reopen(*a);
  EXPECT_EQ(a->dev->balance(), 1000);
  pay(*a, *c, 600);

  ASSERT_EQ(submit(settle_tx(*bank_b_, "dev-b", provenance(*b))), "");
  EXPECT_EQ(balance("bank-b"), 600);
  EXPECT_EQ(on_devices(), 400);
  const std::int64_t a_before = balance("bank-a");
  ASSERT_EQ(submit(settle_tx(*bank_c_, "dev-c", provenance(*c))), "");
  EXPECT_EQ(balance("bank-c"), 600);
  EXPECT_EQ(balance("bank-a"), a_before - 600);  // the loss is the double spender's owner's
  EXPECT_EQ(on_devices(), 400);                  // A's (second) change is still on A

  auto dev = record<ledger::pb::DeviceRecord>(ledger::keys::device("dev-a"));
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->status(), "REVOKED");
  EXPECT_EQ(dev->revoke_reason(), "double_spend");
  auto proof = record<ledger::pb::DoubleSpendRecord>(to_bytes(dev->revoke_proof()));
  ASSERT_TRUE(proof);
  EXPECT_EQ(proof->device_id(), "dev-a");
  EXPECT_NE(proof->first_hop_hash(), proof->second_hop_hash());
  EXPECT_FALSE(proof->first_hop().empty());
  EXPECT_FALSE(proof->second_hop().empty());

  // A revoked device settles nothing.
  expect_refused(settle_tx(*bank_a_, "dev-a", provenance(*a)), "device_revoked");
  expect_refused(load_tx(*bank_a_, "dev-a", root_voucher("dev-a", 10)), "device_revoked");
}

// The double-spent value travels one hop further (C pays E) before it settles: the onward hop is
// tainted too, so E's credit is charged to bank-a. bank-a's balance is 0 by then (it loaded
// everything onto devices), so E is credited nothing, the 250 is recorded as unrecovered, no
// balance goes negative and conservation holds.
TEST_F(OfflineLedgerTest, OnwardDoubleSpentValueIsChargedUpToTheOwnersBalance) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2), c = make_device("dev-c", 3);
  auto e = make_device("dev-e", 4), a2 = make_device("dev-a2", 5);
  auto e_admin = node_.enroll_reporter("bank-e", "e-admin", "0105", "institution", "admin");
  register_and_load(*a, 1000);
  ASSERT_EQ(submit(register_tx(*bank_a_, *a2, "bank-a")), "");
  ASSERT_EQ(submit(load_tx(*bank_a_, "dev-a2", root_voucher("dev-a2", 99'000))), "");
  EXPECT_EQ(balance("bank-a"), 0);
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  ASSERT_EQ(submit(register_tx(*bank_c_, *c, "bank-c")), "");
  ASSERT_EQ(submit(register_tx(e_admin, *e, "bank-e")), "");

  const Bytes saved = *must(a->storage.load());
  pay(*a, *b, 600);
  must(a->storage.commit(saved));
  reopen(*a);
  pay(*a, *c, 600);
  pay(*c, *e, 250);

  ASSERT_EQ(submit(settle_tx(*bank_b_, "dev-b", provenance(*b))), "");
  ASSERT_EQ(submit(settle_tx(e_admin, "dev-e", provenance(*e))), "");
  EXPECT_EQ(balance("bank-e"), 0);
  EXPECT_EQ(balance("bank-a"), 0);
  EXPECT_EQ(record<ledger::pb::DeviceRecord>(ledger::keys::device("dev-a"))->status(), "REVOKED");
  EXPECT_EQ(record<ledger::pb::DeviceRecord>(ledger::keys::device("dev-c"))->status(), "ACTIVE");
  // E's output: created by C's onward hop, charged to bank-a, nothing covered.
  const auto prov = e->dev->settlement_provenance();
  const auto& hop = prov.hops();
  ASSERT_FALSE(hop.empty());
  opb::Hop last;
  ASSERT_TRUE(last.ParseFromString(hop[hop.size() - 1]));
  const Bytes hop_hash = offline::hop_hash(suite(), as_bytes(last.body()));
  auto settled = record<ledger::pb::SettledOutputRecord>(
      ledger::keys::offline_settled(offline::output_id(suite(), hop_hash, 0)));
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->charged_org(), "bank-a");
  EXPECT_EQ(settled->credited(), 0);
  EXPECT_EQ(settled->unrecovered(), 250);
}

// B settles what A paid it, keeps the (settled) coin on the device and pays C with it: C's
// settlement finds the output spent after it was credited, revokes B and charges bank-b.
TEST_F(OfflineLedgerTest, SpendingASettledCoinIsADoubleSpend) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2), c = make_device("dev-c", 3);
  register_and_load(*a, 1000);
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  ASSERT_EQ(submit(register_tx(*bank_c_, *c, "bank-c")), "");
  pay(*a, *b, 300);
  ASSERT_EQ(submit(settle_tx(*bank_b_, "dev-b", provenance(*b))), "");
  EXPECT_EQ(balance("bank-b"), 300);
  pay(*b, *c, 100);
  ASSERT_EQ(submit(settle_tx(*bank_c_, "dev-c", provenance(*c))), "");
  EXPECT_EQ(balance("bank-c"), 100);
  EXPECT_EQ(balance("bank-b"), 200);  // charged for the coin it had already settled
  EXPECT_EQ(on_devices(), 700);       // A's change only
  EXPECT_EQ(record<ledger::pb::DeviceRecord>(ledger::keys::device("dev-b"))->status(), "REVOKED");
}

// The offline verification memo (offline/verify_memo.hpp) and its block prefetch change no
// outcome: the node (memo on, warmed at admission) settles, catches a double spend and refuses a
// tampered hop whose genuine twin, under the same key, is in its memo; a chain with the memo off
// and a cold one with it on re-execute every block to the same app hash.
TEST_F(OfflineLedgerTest, SettlementOutcomesDoNotDependOnTheMemo) {
  auto a = make_device("dev-a", 1), b = make_device("dev-b", 2), c = make_device("dev-c", 3);
  register_and_load(*a, 1000);
  ASSERT_EQ(submit(register_tx(*bank_b_, *b, "bank-b")), "");
  ASSERT_EQ(submit(register_tx(*bank_c_, *c, "bank-c")), "");
  const Bytes saved = *must(a->storage.load());
  pay(*a, *b, 600);
  must(a->storage.commit(saved));
  reopen(*a);
  pay(*a, *c, 600);  // the rolled-back double spend

  // B's provenance is verified (and remembered) at admission and again in its block.
  const Bytes b_prov = provenance(*b);
  opb::Provenance tampered;
  ASSERT_TRUE(tampered.ParseFromArray(b_prov.data(), static_cast<int>(b_prov.size())));
  opb::Hop hop;
  ASSERT_TRUE(hop.ParseFromString(tampered.hops(0)));
  std::string sig = hop.sender_signature();
  sig.back() = static_cast<char>(sig.back() ^ 1);
  hop.set_sender_signature(sig);
  tampered.set_hops(0, hop.SerializeAsString());
  ASSERT_EQ(submit(settle_tx(*bank_b_, "dev-b", b_prov)), "");
  expect_refused(settle_tx(*bank_c_, "dev-c", offline::encode(tampered)), "bad_signature");
  ASSERT_EQ(submit(settle_tx(*bank_c_, "dev-c", provenance(*c))), "");
  EXPECT_EQ(record<ledger::pb::DeviceRecord>(ledger::keys::device("dev-a"))->status(), "REVOKED");
  ASSERT_EQ(submit(settle_tx(*bank_a_, "dev-a", provenance(*a))), "device_revoked");

  expect_replay_agrees(ledger::ExecOptions{.offline_verify_memo = false}, "replica-off");
  expect_replay_agrees(ledger::ExecOptions{}, "replica-on");
}

// The genesis "offline" section: a node's master key must hash to genesis offline.master_key_hash
// (validators must agree), and the section is parsed strictly.
TEST_F(OfflineLedgerTest, MasterKeyAndGenesisSectionAreChecked) {
  ASSERT_TRUE(node_.genesis.offline);
  Bytes wrong = node_.offline_master_key;
  wrong[0] ^= 0x01;
  auto s = node_.chain->set_offline_master_key(wrong);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "offline_key_mismatch");
  s = node_.chain->set_offline_master_key(Bytes(5, 0));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "offline_key_mismatch");
  EXPECT_TRUE(node_.chain->set_offline_master_key(node_.offline_master_key).ok());

  auto j = json::parse(ledger::genesis_to_json(node_.genesis));
  ASSERT_TRUE(ledger::parse_genesis(j.dump()).ok());
  auto typo = j;
  typo["offline"]["limits"]["hop_limt"] = 3;
  EXPECT_EQ(ledger::parse_genesis(typo.dump()).error().code, "bad_genesis");
  auto bad_key = j;
  bad_key["offline"]["issuer_keys"] = {"not a key"};
  EXPECT_EQ(ledger::parse_genesis(bad_key.dump()).error().code, "bad_genesis");
  auto zero_cap = j;
  zero_cap["offline"]["limits"]["balance_cap"] = 0;
  EXPECT_EQ(ledger::parse_genesis(zero_cap.dump()).error().code, "bad_genesis");
}

}  // namespace
}  // namespace rl::testing
