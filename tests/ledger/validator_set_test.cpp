// Validator-set governance (ledger/exec_validators.cpp, ledger/validator_sets.cpp, decision
// 0041): add / remove / set power by M of N regulators, effective two heights after execution,
// headers that carry the real sets, commits checked against the set in force, and receipts that
// carry the handoff chain an auditor needs to verify them from genesis alone.
// Fixture: N = 3 regulators, M = 2; genesis has one validator (validator-0).

#include <gtest/gtest.h>

#include <map>

#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "ledger/receipt.hpp"
#include "ledger/validator_sets.hpp"
#include "tests/ledger/governance_fixture.hpp"

namespace rl::ledger::testing {
namespace {

struct NodeKeys {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

NodeKeys new_node(const Pki& pki, const std::string& name) {
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  auto cert = issue_cert(pki.root, pki.root_key, key, name, rl::wall_now_s() - 3600,
                         rl::wall_now_s() + 30 * kDay, crypto::CertProfile::kTlsServerClient);
  return {std::move(key), std::move(cert)};
}

pb::ValidatorInfo info(const std::string& name, const crypto::Certificate& cert,
                       std::uint64_t power = 1) {
  pb::ValidatorInfo v;
  v.set_name(name);
  v.set_certificate_der(to_string(cert.to_der()));
  v.set_power(power);
  v.set_p2p_address("127.0.0.1:26700");
  return v;
}

Action add_validator(const pb::ValidatorInfo& v) {
  return [v](pb::Propose& p) { *p.mutable_add_validator()->mutable_validator() = v; };
}
Action remove_validator(const std::string& name) {
  return [name](pb::Propose& p) { p.mutable_remove_validator()->set_name(name); };
}
Action set_power(const std::string& name, std::uint64_t power) {
  return [name, power](pb::Propose& p) {
    p.mutable_set_validator_power()->set_name(name);
    p.mutable_set_validator_power()->set_power(power);
  };
}

class ValidatorSets : public GovernedLedger {
 protected:
  ValidatorSets() : v1_(new_node(pki_, "validator-1")) {
    signers_.emplace(pki_.validator_key.public_key().to_der(), pki_.validator_key);
    signers_.emplace(v1_.key.public_key().to_der(), v1_.key);
  }

  // Every member of the set in force at `height` whose key the test holds signs.
  pb::CommitCertificate certify(std::uint64_t height, ByteView block_hash,
                                std::uint32_t round = 0) override {
    auto set = chain_->validator_set(height).value();
    std::vector<std::pair<std::uint32_t, crypto::PrivateKey>> by;
    for (std::size_t i = 0; i < set.keys.keys.size(); ++i) {
      auto it = signers_.find(set.keys.keys[i].to_der());
      if (it != signers_.end()) by.emplace_back(static_cast<std::uint32_t>(i), it->second);
    }
    return certify_by(by, height, block_hash, round);
  }

  pb::CommitCertificate certify_by(
      const std::vector<std::pair<std::uint32_t, crypto::PrivateKey>>& by, std::uint64_t height,
      ByteView block_hash, std::uint32_t round = 0) {
    pb::CommitCertificate cert;
    cert.set_height(height);
    cert.set_round(round);
    cert.set_block_hash(to_string(block_hash));
    for (const auto& [index, key] : by) {
      *cert.add_signatures() =
          sign_precommit(chain_->anchor(), key, index, height, round, block_hash).value();
    }
    return cert;
  }

  Bytes set_hash(std::uint64_t height) { return chain_->validator_set(height).value().keys.hash; }

  // Proposes and approves `action`: returns the executing block.
  PreparedBlock pass(const std::string& id, const Action& action) {
    commit_txs({sign_as(admin_, propose(id, height() + 20, action))});
    return commit_txs({sign_as(reg_b_, approve(id))});
  }

  // Commits empty blocks until the head is at `h`.
  void advance_to(std::uint64_t h) {
    while (height() < h) commit_txs({});
  }

  NodeKeys v1_;
  std::map<Bytes, crypto::PrivateKey> signers_;
};

TEST_F(ValidatorSets, OneApprovalShortOfTheThresholdChangesNothing) {
  const Bytes genesis_hash = chain_->anchor().genesis_keys.hash;
  auto p = commit_txs({sign_as(
      admin_, propose("add-1", height() + 20, add_validator(info("validator-1", v1_.cert))))});
  EXPECT_FALSE(p.writes.count(keys::valset_latest())) << "M-1 approvals scheduled a set";
  EXPECT_EQ(proposal_record("add-1")->status(), "PENDING");
  advance_to(height() + 3);
  auto last = build(*chain_, {});
  EXPECT_EQ(to_bytes(last.header.validators_hash()), genesis_hash);
  EXPECT_EQ(to_bytes(last.header.next_validators_hash()), genesis_hash);
  EXPECT_EQ(chain_->latest_validator_set().value().members.size(), 1u);
}

TEST_F(ValidatorSets, ProposalsThatCouldNeverExecuteAreRefusedWithTheirOwnCode) {
  expect_rejected(
      sign_as(admin_, propose("rm-last", height() + 20, remove_validator("validator-0"))),
      "last_validator");
  expect_rejected(sign_as(admin_, propose("dup-key", height() + 20,
                                          add_validator(info("validator-9", pki_.validator_cert)))),
                  "duplicate_validator");
  expect_rejected(sign_as(admin_, propose("dup-name", height() + 20,
                                          add_validator(info("validator-0", v1_.cert)))),
                  "duplicate_validator");
  {  // a transport key that is another validator's signing key
    auto v = info("validator-1", v1_.cert);
    v.set_tls_certificate_der(to_string(pki_.validator_cert.to_der()));
    expect_rejected(sign_as(admin_, propose("dup-tls", height() + 20, add_validator(v))),
                    "duplicate_validator");
  }
  expect_rejected(sign_as(admin_, propose("zero", height() + 20,
                                          add_validator(info("validator-1", v1_.cert, 0)))),
                  "bad_field");
  expect_rejected(sign_as(admin_, propose("huge", height() + 20,
                                          add_validator(info("validator-1", v1_.cert, 1 << 17)))),
                  "bad_field");
  expect_rejected(sign_as(admin_, propose("ghost", height() + 20, remove_validator("nobody"))),
                  "validator_not_found");
  // A node certificate from a CA genesis does not trust.
  auto stranger = make_root_ca("Stranger CA");
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  auto foreign =
      issue_cert(stranger.cert, stranger.key, key, "validator-x", rl::wall_now_s() - 3600,
                 rl::wall_now_s() + kDay, crypto::CertProfile::kTlsServerClient);
  expect_rejected(sign_as(admin_, propose("foreign", height() + 20,
                                          add_validator(info("validator-x", foreign)))),
                  "bad_certificate");
  const auto g0 = chain_->anchor().genesis_keys.set.at(0).power;
  expect_rejected(
      sign_as(admin_, propose("same-power", height() + 20, set_power("validator-0", g0))),
      "bad_field");
}

TEST_F(ValidatorSets, SecondChangeWhileOneIsPendingIsRefused) {
  auto exec = pass("add-1", add_validator(info("validator-1", v1_.cert)));
  // Effective at exec + 2: until then another change is refused, at propose time.
  auto v2 = new_node(pki_, "validator-2");
  expect_rejected(
      sign_as(admin_, propose("add-2", height() + 20, add_validator(info("validator-2", v2.cert)))),
      "validator_change_pending");
  advance_to(exec.height + 2);
  commit_txs({sign_as(
      admin_, propose("add-2", height() + 20, add_validator(info("validator-2", v2.cert))))});
}

TEST_F(ValidatorSets, HeadersCarryTheRealSetsAndOnlyTheSetInForceCommits) {
  const Bytes g = chain_->anchor().genesis_keys.hash;
  // validator-1 gets twice genesis validator-0's power: validator-0 alone is then a third.
  const auto g0 = chain_->anchor().genesis_keys.set.at(0).power;
  auto exec = pass("add-1", add_validator(info("validator-1", v1_.cert, 2 * g0)));
  const std::uint64_t h = exec.height;
  EXPECT_TRUE(exec.writes.count(keys::valset(h + 2)));
  EXPECT_EQ(to_bytes(exec.header.validators_hash()), g);
  EXPECT_EQ(to_bytes(exec.header.next_validators_hash()), g);

  auto announce = build(*chain_, {});  // block h + 1 announces the new set
  const Bytes n = set_hash(h + 2);
  ASSERT_NE(n, g);
  EXPECT_EQ(to_bytes(announce.header.validators_hash()), g);
  EXPECT_EQ(to_bytes(announce.header.next_validators_hash()), n);
  // Block h + 1 is still the old set's: a certificate by the new one is refused.
  auto by_new =
      certify_by({{0, pki_.validator_key}, {1, v1_.key}}, announce.height, announce.block_hash);
  EXPECT_FALSE(chain_->commit_block(announce, by_new).ok());
  seal(*chain_, announce);

  auto first = build(*chain_, {});  // block h + 2: the new set's first
  EXPECT_EQ(to_bytes(first.header.validators_hash()), n);
  EXPECT_EQ(to_bytes(first.header.next_validators_hash()), n);
  // The old set alone (validator-0, a third of the power) must not commit it any more.
  auto by_old = certify_by({{0, pki_.validator_key}}, first.height, first.block_hash);
  auto refused = chain_->commit_block(first, by_old);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "bad_commit");
  EXPECT_EQ(chain_->head().height, h + 1);
  // A proposer whose header claims the old set is refused by every replica.
  auto lying = rewrite_header(first.block_bytes,
                              [&](pb::BlockHeader& hdr) { hdr.set_validators_hash(to_string(g)); });
  auto checked = chain_->check_block(lying);
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.error().message.find("validators_hash"), std::string::npos);
  seal(*chain_, first);  // the new set (both keys) commits
  EXPECT_EQ(chain_->head().height, h + 2);

  // Block h + 3 carries h + 2's certificate: one by the old set alone is refused there too.
  auto next = build(*chain_, {});
  auto forged = parse_block(next.block_bytes);
  forged.set_last_commit(by_old.SerializeAsString());
  Bytes forged_bytes = to_bytes(forged.SerializeAsString());
  auto refused_block = chain_->check_block(forged_bytes);
  ASSERT_FALSE(refused_block.ok());
  EXPECT_NE(refused_block.error().message.find("last_commit"), std::string::npos);

  // History: genesis below h + 2, the new set from h + 2 on.
  EXPECT_EQ(chain_->validator_set(1).value().keys.hash, g);
  EXPECT_EQ(chain_->validator_set(h + 1).value().keys.hash, g);
  EXPECT_EQ(chain_->validator_set(h + 2).value().members.size(), 2u);
  EXPECT_EQ(chain_->validator_set(h + 50).value().keys.hash, n);
}

TEST_F(ValidatorSets, RemovedValidatorNoLongerCommitsAndPowerChanges) {
  auto add = pass("add-1", add_validator(info("validator-1", v1_.cert)));
  advance_to(add.height + 2);
  auto pw = pass("pw", set_power("validator-1", 5));
  advance_to(pw.height + 2);
  auto set = chain_->validator_set(height() + 1).value();
  ASSERT_EQ(set.members.size(), 2u);
  EXPECT_EQ(set.keys.set.total_power(), chain_->anchor().genesis_keys.set.at(0).power + 5);
  auto rm = pass("rm-0", remove_validator("validator-0"));
  advance_to(rm.height + 1);
  auto first = build(*chain_, {});
  // validator-0 signs at index 0, which is now validator-1's slot: refused.
  auto st = chain_->commit_block(
      first, certify_by({{0, pki_.validator_key}}, first.height, first.block_hash));
  EXPECT_FALSE(st.ok());
  seal(*chain_, first);
  auto now = chain_->validator_set(height()).value();
  ASSERT_EQ(now.members.size(), 1u);
  EXPECT_EQ(now.members[0].name(), "validator-1");
  EXPECT_EQ(now.members[0].power(), 5u);
}

class ValidatorSetReceipts : public ValidatorSets {
 protected:
  // A submission committed after `changes` validator-set changes, and its receipt.
  Receipt receipt_after_change() {
    auto add = pass("add-1", add_validator(info("validator-1", v1_.cert)));
    advance_to(add.height + 2);
    auto alice = enroll("alice", "bank-a", "reporter", "0020");
    auto b = commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q1", R"({"lcr":1})"))});
    return chain_->receipt(b.txs[0]->id).value().value();
  }
};

TEST_F(ValidatorSetReceipts, BeforeAnyChangeTheyLookExactlyAsBefore) {
  auto alice = enroll("alice", "bank-a", "reporter", "0020");
  auto b = commit_txs({sign_as(alice, submit_report(kLiquidity, "2026-Q1", R"({"lcr":1})"))});
  auto r = chain_->receipt(b.txs[0]->id).value().value();
  EXPECT_TRUE(r.handoffs.empty());
  auto json = receipt_to_json(r);
  EXPECT_EQ(json.find("validator_handoffs"), std::string::npos);
  EXPECT_TRUE(verify_receipt(chain_->anchor(), receipt_from_json(json).value()).ok());
}

TEST_F(ValidatorSetReceipts, AcrossAChangeTheyVerifyOfflineFromGenesis) {
  auto r = receipt_after_change();
  ASSERT_EQ(r.handoffs.size(), 1u);
  EXPECT_EQ(r.handoffs[0].members.size(), 2u);
  // An auditor with only the genesis file: a fresh anchor, the JSON as written.
  auto anchor = make_trust_anchor(genesis_).value();
  auto parsed = receipt_from_json(receipt_to_json(r)).value();
  auto v = verify_receipt(anchor, parsed);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->commit_signatures, 2u);
}

TEST_F(ValidatorSetReceipts, TamperedHandoffsAreRefusedEachWithItsOwnMessage) {
  auto r = receipt_after_change();
  const auto& anchor = chain_->anchor();
  auto refused = [&](const Receipt& bad) {
    auto v = verify_receipt(anchor, bad);
    EXPECT_FALSE(v.ok());
    return v.ok() ? std::string() : v.error().message;
  };
  {  // without the handoff the block's set is unknown to genesis
    Receipt bad = r;
    bad.handoffs.clear();
    EXPECT_NE(refused(bad).find("this genesis does not know"), std::string::npos);
  }
  {  // wrong members
    Receipt bad = r;
    bad.handoffs[0].members[1].power = 7;
    EXPECT_NE(refused(bad).find("do not hash to"), std::string::npos);
  }
  {  // a member dropped
    Receipt bad = r;
    bad.handoffs[0].members.pop_back();
    EXPECT_NE(refused(bad).find("do not hash to"), std::string::npos);
  }
  {  // certificate by the wrong set (the new one) for the announcing block
    Receipt bad = r;
    auto hdr = pb::BlockHeader();
    ASSERT_TRUE(hdr.ParseFromArray(bad.handoffs[0].header.data(),
                                   static_cast<int>(bad.handoffs[0].header.size())));
    Bytes hash = crypto::hash(anchor.suite, bad.handoffs[0].header);
    auto cert = certify_by({{0, v1_.key}}, hdr.height(), hash);
    bad.handoffs[0].commit = to_bytes(cert.SerializeAsString());
    EXPECT_NE(refused(bad).find("not by the validator set before the change"), std::string::npos);
  }
  {  // the handoff's header altered
    Receipt bad = r;
    pb::BlockHeader hdr;
    ASSERT_TRUE(hdr.ParseFromArray(bad.handoffs[0].header.data(),
                                   static_cast<int>(bad.handoffs[0].header.size())));
    hdr.set_time_ms(hdr.time_ms() + 1);
    bad.handoffs[0].header = to_bytes(hdr.SerializeAsString());
    EXPECT_NE(refused(bad).find("not by the validator set before the change"), std::string::npos);
  }
  {  // a handoff that is not from this chain's history at all
    Receipt bad = r;
    bad.handoffs.push_back(bad.handoffs[0]);
    EXPECT_NE(refused(bad).find("not above the previous handoff"), std::string::npos);
  }
  {  // a JSON handoff entry without members
    auto json = receipt_to_json(r);
    auto pos = json.find("\"validators\"");
    ASSERT_NE(pos, std::string::npos);
    json.replace(pos, 12, "\"validatorz\"");
    auto parsed = receipt_from_json(json);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "bad_receipt");
  }
}

}  // namespace
}  // namespace rl::ledger::testing
