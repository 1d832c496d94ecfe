// Receipts: offline verification from the genesis alone, JSON round trip, tamper evidence in
// every field, and strict parsing of receipt JSON.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

using nlohmann::json;

constexpr std::size_t kBlockTxs = 7;

class Receipts : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b"))});
    alice_ = enroll("alice", "bank-a", "reporter", "0010");
    bob_ = enroll("bob", "bank-b", "reporter", "0020");
    std::vector<Bytes> txs = {
        sign_as(*alice_, submit_report(kCapital, "2026-Q3", capital_payload())),
        sign_as(*bob_, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1.3})")),
        sign_as(admin_, register_org("bank-c")),
        sign_as(*alice_, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1.1})")),
        sign_as(*bob_, submit_report(kSensitive, "2026-Q3", "{}")),
        sign_as(admin_, register_org("bank-d")),
        sign_as(*alice_, submit_report(kSensitive, "2026-Q4", R"({"x":1})")),
    };
    ASSERT_EQ(txs.size(), kBlockTxs);
    block_ = commit_txs(txs);
    // One more block on top, so the receipts are not all for the head.
    commit_txs({sign_as(admin_, register_org("bank-e"))});
  }

  Receipt receipt_for(std::size_t i) {
    auto r = chain_->receipt(block_.txs[i]->id);
    if (!r.ok() || !r->has_value()) throw std::runtime_error("no receipt");
    return **r;
  }

  std::optional<client::Identity> alice_;
  std::optional<client::Identity> bob_;
  PreparedBlock block_;
};

TEST_F(Receipts, EveryIndexInASevenTxBlockVerifies) {
  const auto signers = std::vector<std::string>{"alice", "bob",         kAdminAccount, "alice",
                                                "bob",   kAdminAccount, "alice"};
  // RFC 6962 audit path lengths for 7 leaves: indexes 0-5 have 3 siblings, index 6 has 2.
  const std::vector<std::size_t> path_len = {3, 3, 3, 3, 3, 3, 2};
  for (std::size_t i = 0; i < kBlockTxs; ++i) {
    Receipt r = receipt_for(i);
    EXPECT_EQ(r.chain_id, kChainId);
    EXPECT_EQ(r.height, block_.height);
    EXPECT_EQ(r.index, i);
    EXPECT_EQ(r.tx_count, kBlockTxs);
    EXPECT_EQ(r.tx, block_.txs[i]->raw);
    EXPECT_EQ(r.proof.size(), path_len[i]) << i;
    ASSERT_FALSE(r.signer_chain.empty());
    auto v = verify_receipt(make_trust_anchor(genesis_).value(), r);
    ASSERT_TRUE(v.ok()) << "index " << i << ": " << v.error().to_string();
    EXPECT_EQ(v->tx_id_hex, to_hex(block_.txs[i]->id));
    EXPECT_EQ(v->signer, signers[i]);
    EXPECT_EQ(v->payload_kind, payload_name(block_.txs[i]->body));
    EXPECT_EQ(v->height, block_.height);
    EXPECT_EQ(v->block_time_ms, block_.header.time_ms());
    EXPECT_EQ(v->block_hash_hex, to_hex(block_.block_hash));
    EXPECT_EQ(v->commit_signatures, 1u);
  }
}

TEST_F(Receipts, SingleTxBlockAndUnknownTx) {
  // The enrollment block has two txs; the last block has one (empty audit path).
  auto last = chain_->block_bytes(chain_->head().height).value();
  ASSERT_TRUE(last.has_value());
  auto d = decode(to_bytes(parse_block(*last).txs(0)));
  auto r = chain_->receipt(d.id).value();
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->proof.empty());
  EXPECT_EQ(r->tx_count, 1u);
  EXPECT_TRUE(verify_receipt(chain_->anchor(), *r).ok());

  Bytes unknown(32, 0x42);
  auto none = chain_->receipt(unknown);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(Receipts, JsonRoundTrip) {
  for (std::size_t i : {std::size_t{0}, std::size_t{3}, kBlockTxs - 1}) {
    Receipt r = receipt_for(i);
    std::string text = receipt_to_json(r);
    auto back = receipt_from_json(text);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(back->chain_id, r.chain_id);
    EXPECT_EQ(back->tx, r.tx);
    EXPECT_EQ(back->height, r.height);
    EXPECT_EQ(back->index, r.index);
    EXPECT_EQ(back->tx_count, r.tx_count);
    EXPECT_EQ(back->header, r.header);
    EXPECT_EQ(back->proof, r.proof);
    EXPECT_EQ(back->commit, r.commit);
    EXPECT_EQ(back->signer_chain, r.signer_chain);
    EXPECT_EQ(receipt_to_json(*back), text);
    EXPECT_TRUE(verify_receipt(chain_->anchor(), *back).ok());
  }
}

TEST_F(Receipts, EverySingleByteFlipInEveryFieldFailsVerification) {
  const Receipt good = receipt_for(3);
  const TrustAnchor anchor = make_trust_anchor(genesis_).value();
  ASSERT_TRUE(verify_receipt(anchor, good).ok());
  ASSERT_EQ(good.proof.size(), 3u);

  std::size_t checked = 0;
  auto sweep = [&](const char* field, auto get) {
    Receipt r = good;
    Bytes& bytes = get(r);
    ASSERT_FALSE(bytes.empty()) << field;
    for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
      for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        bytes[pos] ^= mask;
        auto v = verify_receipt(anchor, r);
        EXPECT_FALSE(v.ok()) << field << " byte " << pos << " ^ " << int(mask) << " verified";
        if (!v.ok()) {
          EXPECT_EQ(v.error().code, "receipt_invalid");
        }
        bytes[pos] ^= mask;
        ++checked;
      }
    }
  };
  sweep("tx", [](Receipt& r) -> Bytes& { return r.tx; });
  sweep("header", [](Receipt& r) -> Bytes& { return r.header; });
  for (std::size_t p = 0; p < good.proof.size(); ++p) {
    sweep("proof", [p](Receipt& r) -> Bytes& { return r.proof[p]; });
  }
  sweep("commit", [](Receipt& r) -> Bytes& { return r.commit; });
  sweep("signer certificate", [](Receipt& r) -> Bytes& { return r.signer_chain[0]; });
  EXPECT_GT(checked, 1000u);
  // Unchanged after the sweep.
  EXPECT_TRUE(verify_receipt(anchor, good).ok());
}

TEST_F(Receipts, AlteredScalarsAndSubstitutionsFailVerification) {
  const Receipt good = receipt_for(3);
  const TrustAnchor& anchor = chain_->anchor();
  auto expect_invalid = [&](Receipt r, const char* what) {
    auto v = verify_receipt(anchor, r);
    ASSERT_FALSE(v.ok()) << what;
    EXPECT_EQ(v.error().code, "receipt_invalid") << what;
  };
  {
    Receipt r = good;
    r.chain_id = "other";
    expect_invalid(r, "chain_id");
  }
  {
    Receipt r = good;
    r.height += 1;
    expect_invalid(r, "height");
  }
  {
    Receipt r = good;
    r.index = 2;
    expect_invalid(r, "index");
  }
  {
    Receipt r = good;
    r.tx_count = 8;
    expect_invalid(r, "tx_count");
  }
  {
    Receipt r = good;
    r.proof.pop_back();
    expect_invalid(r, "short proof");
  }
  {
    Receipt r = good;
    r.proof.push_back(r.proof.back());
    expect_invalid(r, "long proof");
  }
  {
    Receipt r = good;
    r.signer_chain.clear();
    expect_invalid(r, "no signer certificate");
  }
  {
    Receipt r = good;
    r.signer_chain[0] = bob_->cert.to_der();  // a valid certificate, but not the signer's
    expect_invalid(r, "other certificate");
  }
  {
    Receipt r = good;
    r.tx = receipt_for(2).tx;  // another tx of the same block, at the wrong index
    expect_invalid(r, "other tx");
  }
  {
    // A receipt for the same tx with the header of the next block.
    Receipt r = good;
    r.header = to_bytes(parse_block(*chain_->block_bytes(block_.height + 1).value()).header());
    expect_invalid(r, "other header");
  }
  {
    Receipt r = good;
    r.commit = to_bytes(chain_->commit(block_.height + 1).value()->SerializeAsString());
    expect_invalid(r, "other block's commit");
  }
}

TEST_F(Receipts, OtherGenesisDoesNotVerify) {
  const Receipt r = receipt_for(0);
  // Same PKI, another chain id.
  auto other_chain = make_trust_anchor(make_genesis(pki_, "regledger-other")).value();
  EXPECT_FALSE(verify_receipt(other_chain, r).ok());
  // Same chain id, entirely different network (validators, roots).
  const Pki other_pki = make_pki();
  auto other_net = make_trust_anchor(make_genesis(other_pki, kChainId)).value();
  auto v = verify_receipt(other_net, r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "receipt_invalid");
  // Same validators, but another trusted root: the signer's certificate no longer chains.
  Genesis g = genesis_;
  g.root_pems = {other_pki.root.to_pem()};
  g.intermediate_pems = {other_pki.issuing.to_pem()};
  v = verify_receipt(make_trust_anchor(g).value(), r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "receipt_invalid");
  // Same validator key with more total power: one signature is no longer > 2/3.
  g = genesis_;
  GenesisValidator extra = g.validators[0];
  extra.name = "validator-1";
  extra.certificate_pem = other_pki.validator_cert.to_pem();
  extra.power = 10;
  g.validators.push_back(extra);
  v = verify_receipt(make_trust_anchor(g).value(), r);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "receipt_invalid");
}

// ---------------------------------------------------------------- receipt_from_json

TEST(ReceiptJson, GarbageAndWrongTypesAreBadReceipt) {
  const json base = {{"version", 1},     {"chain_id", "c"},
                     {"height", 5},      {"index", 1},
                     {"tx_count", 3},    {"tx", "AAEC"},
                     {"header", "AAEC"}, {"proof", json::array({"00ff"})},
                     {"commit", "AAEC"}, {"signer_chain", json::array({"AAEC"})}};
  ASSERT_TRUE(receipt_from_json(base.dump()).ok())
      << receipt_from_json(base.dump()).error().to_string();

  std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"not json", "receipt please"},
      {"null", "null"},
      {"array", "[1,2,3]"},
      {"string", "\"receipt\""},
      {"empty object", "{}"},
      {"truncated", base.dump().substr(0, base.dump().size() / 2)},
  };
  auto with = [&](const char* key, json value) {
    json j = base;
    j[key] = std::move(value);
    return j.dump();
  };
  auto without = [&](const char* key) {
    json j = base;
    j.erase(key);
    return j.dump();
  };
  cases.emplace_back("version 2", with("version", 2));
  cases.emplace_back("version string", with("version", "1"));
  cases.emplace_back("no version", without("version"));
  cases.emplace_back("chain_id number", with("chain_id", 7));
  cases.emplace_back("no chain_id", without("chain_id"));
  cases.emplace_back("height string", with("height", "5"));
  cases.emplace_back("height negative", with("height", -5));
  cases.emplace_back("height float", with("height", 5.5));
  cases.emplace_back("no height", without("height"));
  cases.emplace_back("index == tx_count", with("index", 3));
  cases.emplace_back("index huge", with("index", 1ull << 40));
  cases.emplace_back("tx_count huge", with("tx_count", 1ull << 33));
  cases.emplace_back("tx number", with("tx", 5));
  cases.emplace_back("tx not base64", with("tx", "!!!not base64!!!"));
  cases.emplace_back("no tx", without("tx"));
  cases.emplace_back("header object", with("header", json::object()));
  cases.emplace_back("no header", without("header"));
  cases.emplace_back("no commit", without("commit"));
  cases.emplace_back("commit null", with("commit", nullptr));
  cases.emplace_back("proof string", with("proof", "00ff"));
  cases.emplace_back("proof of numbers", with("proof", json::array({1, 2})));
  cases.emplace_back("proof not hex", with("proof", json::array({"zz"})));
  cases.emplace_back("no proof", without("proof"));
  json long_proof = json::array();
  for (int i = 0; i < 65; ++i) long_proof.push_back("00");
  cases.emplace_back("proof of 65", with("proof", long_proof));
  cases.emplace_back("signer_chain string", with("signer_chain", "AAEC"));
  cases.emplace_back("signer_chain numbers", with("signer_chain", json::array({1})));
  cases.emplace_back("signer_chain not base64", with("signer_chain", json::array({"%%%"})));
  json long_chain = json::array();
  for (int i = 0; i < 6; ++i) long_chain.push_back("AAEC");
  cases.emplace_back("signer_chain of 6", with("signer_chain", long_chain));
  // Oversized: a valid receipt padded past the 2 MiB limit.
  cases.emplace_back("oversized", base.dump() + std::string(2 * 1024 * 1024, ' '));
  cases.emplace_back("oversized field", with("tx", std::string(3 * 1024 * 1024, 'A')));

  for (const auto& [what, text] : cases) {
    auto r = receipt_from_json(text);
    ASSERT_FALSE(r.ok()) << what << " parsed";
    EXPECT_EQ(r.error().code, "bad_receipt") << what << ": " << r.error().to_string();
  }
}

TEST(ReceiptJson, DeeplyNestedInputDoesNotCrash) {
  // 1 MiB of '[' then ']' (just under the size limit): must be refused, not blow the stack.
  const std::size_t depth = 1024 * 1024 - 16;
  std::string text(depth, '[');
  text.append(depth, ']');
  auto r = receipt_from_json(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_receipt");
}

}  // namespace
}  // namespace rl::ledger::testing
