// POST /v1/txs/batch through the real HTTPS server: each transaction of a batch is admitted or
// refused on its own, with the same codes as POST /v1/txs; a batch whose framing is broken
// admits nothing; the admitted ones commit like any other.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/tx_batch.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

class ApiBatchTest : public ::testing::Test {
 protected:
  void SetUp() override { reporter_ = node_.enroll_reporter("bank-a", "bank-a-reporting", "0105"); }

  Bytes report(std::uint64_t nonce, const std::string& payload = kPayload) const {
    return node_.sign(*reporter_, [&](ledger::pb::TxBody& b) {
      b.set_nonce(nonce);
      auto* p = b.mutable_submit_report();
      p->set_template_id("capital-adequacy");
      p->set_period("2026-Q3");
      p->set_content_type("application/json");
      p->set_payload(payload);
    });
  }

  Result<http::HttpResponse> post_batch(const Bytes& body) const {
    auto c = node_.client();
    return c.request("POST", "/v1/txs/batch", to_string(body),
                     {{"content-type", "application/octet-stream"}});
  }

  static constexpr const char* kPayload =
      R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":14.2,"total_capital":1})";
  NodeFixture node_;
  std::optional<client::Identity> reporter_;
};

TEST_F(ApiBatchTest, EachTxIsJudgedOnItsOwnAndTheAdmittedOnesCommit) {
  std::vector<Bytes> txs;
  for (std::uint64_t n = 1; n <= 20; ++n) txs.push_back(report(1000 + n));
  txs.push_back(txs[3]);                                  // a duplicate of an earlier entry
  txs.push_back(report(2000, R"({"institution":"x"})"));  // lacks required fields
  auto r = post_batch(ledger::join_tx_batch(txs));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["accepted"], 20);
  EXPECT_EQ(j["rejected"], 2);
  ASSERT_EQ(j["results"].size(), 22u);
  EXPECT_EQ(j["results"][0]["status"], "pending");
  EXPECT_EQ(j["results"][20]["error"]["code"], "duplicate_tx");
  EXPECT_EQ(j["results"][21]["error"]["code"], "bad_report");
  EXPECT_EQ(node_.mempool->size(), 20u);
  node_.seal();
  EXPECT_EQ(node_.mempool->size(), 0u);
  auto token = node_.login(*reporter_);  // receipts are read under a session
  for (std::size_t i = 0; i < 20; ++i) {
    std::string id = j["results"][i]["tx_id"];
    auto got = node_.get(token, "/v1/receipts/" + id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->status, 200) << got->body;
  }
}

TEST_F(ApiBatchTest, BrokenFramingAdmitsNothing) {
  const auto before = node_.chain->head();
  Bytes good = ledger::join_tx_batch({report(1), report(2)});
  Bytes truncated(good.begin(), good.end() - 1);
  Bytes zero_length = good;
  zero_length.insert(zero_length.end(), {0, 0, 0, 0});
  Bytes huge_length = good;
  huge_length.insert(huge_length.end(), {0x7f, 0xff, 0xff, 0xff, 1});
  for (const Bytes& body : {truncated, zero_length, huge_length, Bytes{}, Bytes{0, 0}}) {
    auto r = post_batch(body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << r->body;
    auto j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r->body;
    EXPECT_EQ(j["error"]["code"], "bad_batch") << r->body;
  }
  EXPECT_EQ(node_.mempool->size(), 0u);
  EXPECT_EQ(node_.chain->head().height, before.height);
  EXPECT_EQ(node_.chain->head().app_hash, before.app_hash);

  auto c = node_.client();
  auto as_json = c.request("POST", "/v1/txs/batch", "{}", {{"content-type", "application/json"}});
  ASSERT_TRUE(as_json.ok());
  EXPECT_EQ(as_json->status, 400);
  auto get = c.get("/v1/txs/batch");
  ASSERT_TRUE(get.ok());
  EXPECT_NE(get->status, 200);
}

TEST_F(ApiBatchTest, TooManyEntriesIsRefusedWhole) {
  // 1,001 well-framed entries (the first a real, valid tx): refused before any is admitted.
  std::vector<Bytes> many(ledger::kMaxBatchTxs + 1, Bytes{0x0a, 0x01, 0x00});
  many[0] = report(1);
  const auto before = node_.snapshot();
  auto r = post_batch(ledger::join_tx_batch(many));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "bad_batch");
  EXPECT_EQ(node_.snapshot(), before);

  many.pop_back();  // exactly the limit: framing accepted, each entry judged (the junk ones fail)
  auto fits = post_batch(ledger::join_tx_batch(many));
  ASSERT_TRUE(fits.ok());
  ASSERT_EQ(fits->status, 200) << fits->body.substr(0, 300);
  auto j = json::parse(fits->body);
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["rejected"], ledger::kMaxBatchTxs - 1);
}

}  // namespace
}  // namespace rl::testing
