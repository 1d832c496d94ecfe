// NodeClient failover and verified reads against a real honest regledgerd and a lying node
// (a member's TLS identity, relaying everything but proofs, which it forges): the liar is
// caught and skipped, a liar alone gives no_valid_answer, and dead or silent nodes are skipped
// as before.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "client/lib/node_client.hpp"
#include "client/lib/session.hpp"
#include "common/file_io.hpp"
#include "tests/client/failover_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

class FailoverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      net_ = std::make_unique<HonestNetwork>("client-failover");
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { net_.reset(); }
  void SetUp() override { ASSERT_TRUE(net_) << "honest network did not start: " << setup_error_; }

  client::NodeClient make(std::vector<std::string> urls, bool with_genesis = true,
                          int timeout_ms = 5000) {
    client::NodeClientConfig cfg;
    cfg.urls = std::move(urls);
    cfg.ca_pem = net_->ca_pem;
    cfg.timeout_ms = timeout_ms;
    if (with_genesis) cfg.genesis_json = *read_file(net_->genesis_path);
    cfg.on_fault = [this](const client::NodeFault& f) { callback_faults_.push_back(f); };
    auto c = client::NodeClient::create(std::move(cfg));
    EXPECT_TRUE(c.ok()) << c.error().to_string();
    // Reads carry report data: the client logs in as the reporter on each node it asks.
    c->set_login(*net_->reporter, "a long test password");
    return std::move(c).value();
  }

  // The honest node's own JSON for a block, read directly (no NodeClient).
  json honest_block(std::uint64_t h) {
    http::HttpsClientConfig hc;
    hc.host = "127.0.0.1";
    hc.port = static_cast<std::uint16_t>(net_->node->api_port());
    hc.ca_pem = net_->ca_pem;
    http::HttpsClient c(hc);
    auto r = c.request("GET", "/v1/blocks/" + std::to_string(h), {},
                       client::bearer_headers(net_->token));
    EXPECT_TRUE(r.ok() && r->status == 200);
    return r.ok() ? json::parse(r->body, nullptr, false) : json();
  }

  // One node for the whole suite: starting it and enrolling a reporter takes seconds.
  static std::unique_ptr<HonestNetwork> net_;
  static std::string setup_error_;
  std::vector<client::NodeFault> callback_faults_;
};

std::unique_ptr<HonestNetwork> FailoverTest::net_;
std::string FailoverTest::setup_error_;

struct LieCase {
  Lie lie;
  std::string code;    // expected fault code
  std::string reason;  // expected substring of the fault reason
  bool lying;          // provably dishonest (kInvalid) or merely unhelpful (kError)
};

void PrintTo(const LieCase& c, std::ostream* os) {
  *os << lie_name(c.lie) << " -> " << c.code;
}

class LyingNodeTest : public FailoverTest, public ::testing::WithParamInterface<LieCase> {};

TEST_P(LyingNodeTest, LiarIsCaughtAndTheHonestNodeAnswers) {
  const auto& p = GetParam();
  LyingNode liar(*net_, p.lie);
  auto c = make({liar.url(), net_->url});

  auto v = c.verified_receipt(net_->tx_a);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->url, net_->url);
  EXPECT_EQ(v->verified.tx_id_hex, net_->tx_a);
  EXPECT_EQ(liar.receipt_requests(), 1) << "the liar was not asked first";
  // The saved form is what verified, and it verifies on its own.
  auto reparsed = ledger::receipt_from_json(v->receipt_json);
  ASSERT_TRUE(reparsed.ok());
  auto again = ledger::verify_receipt(*net_->anchor, *reparsed);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->tx_id_hex, net_->tx_a);

  ASSERT_EQ(v->faults.size(), 1u);
  const auto& f = v->faults[0];
  EXPECT_EQ(f.url, liar.url());
  EXPECT_EQ(f.code, p.code) << f.to_string();
  EXPECT_NE(f.reason.find(p.reason), std::string::npos) << f.to_string();
  EXPECT_EQ(f.lying(), p.lying) << f.to_string();
  EXPECT_EQ(c.caught_lying(liar.url()), p.lying);
  EXPECT_FALSE(c.caught_lying(net_->url));
  ASSERT_EQ(callback_faults_.size(), 1u);
  EXPECT_EQ(callback_faults_[0].url, liar.url());
  std::cout << "[" << lie_name(p.lie) << "] " << f.to_string() << "\n";
}

TEST_P(LyingNodeTest, LiarAloneGivesNoValidAnswer) {
  const auto& p = GetParam();
  LyingNode liar(*net_, p.lie);
  auto c = make({liar.url()});
  auto v = c.verified_receipt(net_->tx_a);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "no_valid_answer");
  EXPECT_NE(v.error().message.find(liar.url()), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find(p.code), std::string::npos) << v.error().message;
  ASSERT_EQ(c.last_faults().size(), 1u);
  EXPECT_EQ(c.last_faults()[0].lying(), p.lying);
  std::cout << "[" << lie_name(p.lie) << "] " << v.error().to_string() << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    Lies, LyingNodeTest,
    ::testing::Values(LieCase{Lie::kTamperTx, "receipt_invalid", "Merkle inclusion proof", true},
                      LieCase{Lie::kTamperHeader, "receipt_invalid", "commit certificate", true},
                      LieCase{Lie::kStripCommit, "receipt_invalid", "commit certificate", true},
                      LieCase{Lie::kOtherTx, "wrong_tx", "served a receipt for tx", true},
                      LieCase{Lie::kGarbage, "bad_receipt", "version", true},
                      LieCase{Lie::kHide, "tx_not_found", "no committed transaction", false}),
    [](const auto& info) { return std::string(lie_name(info.param.lie)); });

// Without the proofs being checked, the liar's first answer would be taken: this is what
// verified_receipt protects against (and shows the forged receipts do parse; it is the
// verification that rejects them).
TEST_F(FailoverTest, UnverifiedReadBelievesTheLiar) {
  for (Lie lie : {Lie::kTamperTx, Lie::kTamperHeader, Lie::kStripCommit}) {
    LyingNode liar(*net_, lie);
    auto c = make({liar.url(), net_->url}, /*with_genesis=*/false);
    auto r = c.receipt(net_->tx_a);
    ASSERT_TRUE(r.ok()) << lie_name(lie) << ": " << r.error().to_string();
    EXPECT_EQ(c.current_url(), liar.url());
    EXPECT_FALSE(ledger::verify_receipt(*net_->anchor, *r).ok()) << lie_name(lie);
    auto v = c.verified_receipt(net_->tx_a);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, "no_trust_anchor");
  }
}

TEST_F(FailoverTest, CaughtLiarIsNotPreferredAfterwards) {
  LyingNode liar(*net_, Lie::kTamperTx);
  auto c = make({liar.url(), net_->url});
  ASSERT_TRUE(c.verified_receipt(net_->tx_a).ok());
  ASSERT_TRUE(c.caught_lying(liar.url()));
  // Unverified reads now start at the honest node...
  auto st = c.status();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(c.current_url(), net_->url);
  // ...and the next verified read does not ask the liar at all.
  auto v = c.verified_receipt(net_->tx_b);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->url, net_->url);
  EXPECT_TRUE(v->faults.empty());
  EXPECT_EQ(liar.receipt_requests(), 1);
}

TEST_F(FailoverTest, DownNodeIsSkipped) {
  std::string down = closed_port_url();
  auto c = make({down, net_->url});
  auto v = c.verified_receipt(net_->tx_a);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->url, net_->url);
  ASSERT_EQ(v->faults.size(), 1u);
  EXPECT_EQ(v->faults[0].url, down);
  EXPECT_EQ(v->faults[0].kind, client::NodeFault::Kind::kUnreachable);
  EXPECT_EQ(v->faults[0].code, "connect_failed");
  EXPECT_FALSE(v->faults[0].lying());
  EXPECT_FALSE(c.caught_lying(down));
  // Plain (unverified) failover is unchanged.
  auto c2 = make({closed_port_url(), net_->url}, false);
  auto st = c2.status();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(c2.current_url(), net_->url);
  std::cout << v->faults[0].to_string() << "\n";
}

TEST_F(FailoverTest, SilentNodeIsSkippedWithinTheTimeout) {
  BlackHole hole;
  const int timeout_ms = 1500;
  auto c = make({hole.url(), net_->url}, true, timeout_ms);
  auto t0 = std::chrono::steady_clock::now();
  auto v = c.verified_receipt(net_->tx_a);
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->url, net_->url);
  ASSERT_EQ(v->faults.size(), 1u);
  EXPECT_EQ(v->faults[0].url, hole.url());
  EXPECT_EQ(v->faults[0].code, "timeout") << v->faults[0].to_string();
  EXPECT_EQ(v->faults[0].kind, client::NodeFault::Kind::kUnreachable);
  // The silent node costs one timeout, not more, and the honest node answers quickly.
  EXPECT_GE(elapsed, timeout_ms - 100);
  EXPECT_LT(elapsed, timeout_ms + 2000);
  std::cout << "silent node skipped after " << elapsed << " ms: " << v->faults[0].to_string()
            << "\n";
}

TEST_F(FailoverTest, AllNodesDownOrSilent) {
  BlackHole hole;
  auto c = make({closed_port_url(), hole.url()}, true, 800);
  auto v = c.verified_receipt(net_->tx_a);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "no_valid_answer");
  ASSERT_EQ(c.last_faults().size(), 2u);
  EXPECT_EQ(c.last_faults()[0].code, "connect_failed");
  EXPECT_EQ(c.last_faults()[1].code, "timeout");
}

TEST_F(FailoverTest, UnknownAndMalformedIds) {
  auto c = make({net_->url});
  auto v = c.verified_receipt(std::string(64, 'a'));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "no_valid_answer");
  ASSERT_EQ(c.last_faults().size(), 1u);
  EXPECT_EQ(c.last_faults()[0].code, "tx_not_found");
  EXPECT_FALSE(c.last_faults()[0].lying());
  EXPECT_FALSE(c.caught_lying(net_->url));

  auto bad = c.verified_receipt("not-a-tx-id");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_id");
  // Upper-case ids name the same transaction.
  std::string upper = net_->tx_a;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  auto up = c.verified_receipt(upper);
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  EXPECT_EQ(up->verified.tx_id_hex, net_->tx_a);
}

TEST_F(FailoverTest, VerifiedBlocksAndHead) {
  auto receipt = make({net_->url}).verified_receipt(net_->tx_a);
  ASSERT_TRUE(receipt.ok()) << receipt.error().to_string();
  std::uint64_t h = receipt->verified.height;

  for (Lie lie : {Lie::kTamperHeader, Lie::kStripCommit}) {
    LyingNode liar(*net_, lie);
    auto c = make({liar.url(), net_->url});
    auto b = c.verified_block(h);
    ASSERT_TRUE(b.ok()) << lie_name(lie) << ": " << b.error().to_string();
    EXPECT_EQ(b->url, net_->url);
    EXPECT_EQ(b->height, h);
    EXPECT_EQ(b->block_hash_hex, receipt->verified.block_hash_hex);
    EXPECT_EQ(b->block_hash_hex, honest_block(h).value("block_hash", ""));
    EXPECT_NE(std::find(b->tx_ids.begin(), b->tx_ids.end(), net_->tx_a), b->tx_ids.end());
    EXPECT_GE(b->commit_signatures, 1u);
    EXPECT_GE(liar.block_requests(), 1);
    ASSERT_EQ(b->faults.size(), 1u);
    EXPECT_EQ(b->faults[0].url, liar.url());
    EXPECT_TRUE(b->faults[0].lying());
    EXPECT_NE(b->faults[0].reason.find("commit certificate"), std::string::npos)
        << b->faults[0].to_string();
    std::cout << "[" << lie_name(lie) << "] block: " << b->faults[0].to_string() << "\n";

    LyingNode liar2(*net_, lie);
    auto head = make({liar2.url(), net_->url}).verified_head();
    ASSERT_TRUE(head.ok()) << head.error().to_string();
    EXPECT_EQ(head->url, net_->url);
    EXPECT_EQ(head->height + 1, head->reported_head);
    EXPECT_GE(head->height, h);
    EXPECT_EQ(head->block_hash_hex, honest_block(head->height).value("block_hash", ""));
    ASSERT_EQ(head->faults.size(), 1u);
    EXPECT_TRUE(head->faults[0].lying()) << head->faults[0].to_string();

    LyingNode liar3(*net_, lie);
    auto alone = make({liar3.url()}).verified_block(h);
    ASSERT_FALSE(alone.ok());
    EXPECT_EQ(alone.error().code, "no_valid_answer");
  }
  // Above the head nothing is provable: an error, not a lie.
  auto c = make({net_->url});
  auto far = c.verified_block(h + 1'000'000);
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error().code, "no_valid_answer");
  ASSERT_EQ(c.last_faults().size(), 1u);
  EXPECT_EQ(c.last_faults()[0].code, "block_not_found");
  EXPECT_FALSE(c.last_faults()[0].lying());
}

}  // namespace
}  // namespace rl::testing
