// Hostile input to POST /v1/txs and the query endpoints, through the real HTTPS server: every
// rejection is a 4xx JSON error with its own code, and leaves height, app_hash and the mempool
// exactly as they were.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/lib/session.hpp"
#include "crypto/signature_form.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

class ApiHostileTest : public ::testing::Test {
 protected:
  void SetUp() override { reporter_ = node_.enroll_reporter("bank-a", "bank-a-reporting", "0105"); }

  NodeSnapshot snapshot() const { return node_.snapshot(); }

  ledger::pb::TxBody report_body(std::uint64_t nonce) const {
    ledger::pb::TxBody b;
    b.set_chain_id(node_.genesis.chain_id);
    b.set_nonce(nonce);
    b.set_expires_at_height(node_.chain->head().height + 100);
    b.set_signer(reporter_->account);
    auto* p = b.mutable_submit_report();
    p->set_template_id("capital-adequacy");
    p->set_period("2026-Q3");
    p->set_content_type("application/json");
    p->set_payload(
        R"({"institution":"bank-a","period":"2026-Q3","cet1_ratio":14.2,"total_capital":1})");
    return b;
  }

  Bytes sign_body(const ledger::pb::TxBody& b) const {
    auto tx = ledger::sign_tx(b, reporter_->key, reporter_->cert_id);
    EXPECT_TRUE(tx.ok());
    return *tx;
  }

  // Sends `body` as the raw POST body; expects `status` and error `code`, and no state change:
  // same height, same app_hash, and nothing added to the mempool that a later block could carry.
  void expect_rejected(const std::string& body, int status, const std::string& code) {
    auto before = snapshot();
    auto c = node_.client();
    auto r = c.post("/v1/txs", body);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->status, status) << r->body;
    auto j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r->body;
    ASSERT_TRUE(j.contains("error")) << r->body;
    EXPECT_EQ(j["error"]["code"], code) << r->body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(snapshot(), before);
  }

  void expect_tx_rejected(const Bytes& tx, int status, const std::string& code) {
    expect_rejected(json{{"tx", to_base64(tx)}}.dump(), status, code);
  }

  NodeFixture node_;
  std::optional<client::Identity> reporter_;
};

TEST_F(ApiHostileTest, ValidSubmissionIsAcceptedAndCommitted) {
  auto c = node_.client();
  auto r = node_.post_tx_bytes(c, sign_body(report_body(1)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 202) << r->body;
  auto before = node_.chain->head();
  node_.seal();
  EXPECT_EQ(node_.chain->head().height, before.height + 1);
  EXPECT_NE(node_.chain->head().app_hash, before.app_hash);
}

TEST_F(ApiHostileTest, BinaryBodyIsTheSameSubmission) {
  auto c = node_.client();
  Bytes tx = sign_body(report_body(20));
  auto r =
      c.request("POST", "/v1/txs", to_string(tx), {{"content-type", "application/octet-stream"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 202) << r->body;
  // Truncated binary bodies get the same error as truncated base64 ones, and change nothing.
  auto before = snapshot();
  Bytes cut(tx.begin(), tx.begin() + static_cast<std::ptrdiff_t>(tx.size() / 2));
  auto bad =
      c.request("POST", "/v1/txs", to_string(cut), {{"content-type", "application/octet-stream"}});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"]["code"], "bad_tx_encoding");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ApiHostileTest, MalformedJson) {
  expect_rejected("{\"tx\": ", 400, "bad_json");
}

TEST_F(ApiHostileTest, WrongJsonShape) {
  expect_rejected("[1,2,3]", 400, "bad_request");
  expect_rejected("{\"tx\": 5}", 400, "bad_request");
  expect_rejected("{\"tx\": \"not base64!\"}", 400, "bad_request");
}

TEST_F(ApiHostileTest, BodyOverLimit) {
  std::string big = "{\"tx\":\"" + std::string(70 * 1024, 'A') + "\"}";
  expect_rejected(big, 413, "body_too_large");
}

TEST_F(ApiHostileTest, UnknownPayloadType) {
  auto b = report_body(2);
  b.clear_payload();
  // Field 99 is no payload this node knows: it survives as an unknown field.
  b.GetReflection()->MutableUnknownFields(&b)->AddLengthDelimited(99, "future payload");
  expect_tx_rejected(sign_body(b), 400, "unknown_payload");
}

TEST_F(ApiHostileTest, BadSignature) {
  Bytes tx = sign_body(report_body(3));
  ledger::pb::Tx t;
  ASSERT_TRUE(t.ParseFromArray(tx.data(), static_cast<int>(tx.size())));
  std::string sig = t.signature();
  sig[sig.size() / 2] ^= 0x01;
  t.set_signature(sig);
  expect_tx_rejected(to_bytes(t.SerializeAsString()), 400, "bad_signature");
}

// Issue #19: the twins of a validly signed tx (same body, same id) are refused at admission, each
// with its own code; the original is then admitted.
TEST_F(ApiHostileTest, NonCanonicalTwinsAreRefusedEachWithItsOwnCode) {
  Bytes tx = sign_body(report_body(11));
  ledger::pb::Tx t;
  ASSERT_TRUE(t.ParseFromArray(tx.data(), static_cast<int>(tx.size())));
  ledger::pb::Tx high = t;
  high.set_signature(to_string(
      crypto::mirror_ecdsa_signature(node_.genesis.suite, as_bytes(t.signature())).value()));
  expect_tx_rejected(to_bytes(high.SerializeAsString()), 400, "tx_signature_high_s");
  Bytes unknown = tx;
  for (std::uint8_t b : {0x22, 0x01, 0x78}) unknown.push_back(b);  // field 4: "x"
  expect_tx_rejected(unknown, 400, "tx_unknown_field");
  Bytes trailing = tx;
  trailing.push_back(0x00);
  expect_tx_rejected(trailing, 400, "tx_trailing_bytes");
  auto c = node_.client();
  EXPECT_EQ(node_.post_tx_bytes(c, tx)->status, 202);
}

TEST_F(ApiHostileTest, SignedByAnotherKey) {
  auto b = report_body(4);
  auto other = crypto::PrivateKey::generate(node_.genesis.suite);
  ASSERT_TRUE(other.ok());
  auto tx = ledger::sign_tx(b, *other, reporter_->cert_id);
  ASSERT_TRUE(tx.ok());
  expect_tx_rejected(*tx, 400, "bad_signature");
}

TEST_F(ApiHostileTest, ReplayedNonce) {
  auto c = node_.client();
  Bytes original = sign_body(report_body(5));
  auto first = node_.post_tx_bytes(c, original);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->status, 202);
  node_.seal();
  auto again = report_body(5);
  again.mutable_submit_report()->set_batch("second");  // other content, same nonce
  expect_tx_rejected(sign_body(again), 409, "nonce_replayed");
  // The exact same bytes again are a duplicate of a committed tx.
  expect_tx_rejected(original, 409, "duplicate_tx");
}

TEST_F(ApiHostileTest, NoncePendingInMempool) {
  auto c = node_.client();
  auto first = node_.post_tx_bytes(c, sign_body(report_body(6)));
  ASSERT_EQ(first->status, 202);
  auto again = report_body(6);
  again.mutable_submit_report()->set_batch("second");
  auto r = node_.post_tx_bytes(c, sign_body(again));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("nonce_pending"), std::string::npos) << r->body;
}

TEST_F(ApiHostileTest, ExpiredTx) {
  auto b = report_body(7);
  b.set_expires_at_height(node_.chain->head().height);  // the next block is past it
  expect_tx_rejected(sign_body(b), 400, "tx_expired");
}

TEST_F(ApiHostileTest, UnknownSigner) {
  auto b = report_body(8);
  b.set_signer("nobody-at-all");
  expect_tx_rejected(sign_body(b), 403, "unknown_signer");
}

TEST_F(ApiHostileTest, WrongChainId) {
  auto b = report_body(9);
  b.set_chain_id("some-other-chain");
  expect_tx_rejected(sign_body(b), 400, "wrong_chain_id");
}

TEST_F(ApiHostileTest, TruncatedProtobuf) {
  Bytes tx = sign_body(report_body(10));
  for (std::size_t cut : {std::size_t{1}, tx.size() / 3, tx.size() / 2, tx.size() - 1}) {
    Bytes t(tx.begin(), tx.begin() + static_cast<std::ptrdiff_t>(cut));
    auto before = snapshot();
    auto c = node_.client();
    auto r = node_.post_tx_bytes(c, t);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << "cut=" << cut << " " << r->body;
    auto j = json::parse(r->body);
    auto code = j["error"]["code"].get<std::string>();
    EXPECT_TRUE(code == "bad_tx_encoding" || code == "missing_field") << code;
    EXPECT_EQ(snapshot(), before);
  }
  // The canonical case: cut inside the body field.
  expect_tx_rejected(Bytes(tx.begin(), tx.begin() + static_cast<std::ptrdiff_t>(tx.size() / 2)),
                     400, "bad_tx_encoding");
}

TEST_F(ApiHostileTest, OutputOnlyAccountCannotSubmit) {
  auto reader = node_.enroll_reporter("bank-b", "bank-b-reader", "1105");
  auto b = report_body(11);
  b.set_signer(reader.account);
  auto tx = ledger::sign_tx(b, reader.key, reader.cert_id);
  ASSERT_TRUE(tx.ok());
  expect_tx_rejected(*tx, 403, "permission_denied");
}

TEST_F(ApiHostileTest, ReportMissingRequiredField) {
  auto b = report_body(12);
  b.mutable_submit_report()->set_payload(R"({"institution":"bank-a"})");
  expect_tx_rejected(sign_body(b), 400, "bad_report");
}

TEST_F(ApiHostileTest, QueryEndpointsRejectGarbage) {
  auto c = node_.client();
  // The queries are read by a logged-in reader, so what is judged is the query itself.
  const auto auth = client::bearer_headers(node_.login(*reporter_));
  struct Case {
    const char* method;
    std::string target;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"GET", "/v1/txs/xyz", 400, "bad_id"},
      {"GET",
       "/v1/txs/"
       "00000000000000000000000000000000000000000000000000000000000000zz",
       400, "bad_id"},
      {"GET",
       "/v1/txs/"
       "0000000000000000000000000000000000000000000000000000000000000000",
       404, "tx_not_found"},
      {"GET", "/v1/receipts/abc", 400, "bad_id"},
      {"GET", "/v1/blocks/-1", 400, "bad_height"},
      {"GET", "/v1/blocks/99999999999999999999999", 400, "bad_height"},
      {"GET", "/v1/blocks/999", 404, "block_not_found"},
      {"GET", "/v1/reports?org=a&limit=x", 400, "bad_query"},
      {"GET", "/v1/reports?limit=0", 400, "bad_query"},
      {"GET", "/v1/reports?limit=1001", 400, "bad_query"},
      {"GET", "/v1/reports?after=zz", 400, "bad_query"},
      {"GET", "/v1/reports?org=a/b", 400, "bad_query"},
      {"GET", "/v1/reports?after=" + std::string(2000, '0'), 400, "bad_query"},
      {"GET", "/v1/reports?limit=%2B5", 400, "bad_query"},
      {"GET", "/v1/reports?from_ms=1e3", 400, "bad_query"},
      {"GET", "/v1/reports?to_ms=9223372036854775808", 400, "bad_query"},
      {"GET", "/v1/reports?limit=1&limit=2", 400, "invalid_query"},
      {"GET", "/v1/evidence?limit=0", 400, "bad_query"},
      {"GET", "/v1/evidence?limit=1001", 400, "bad_query"},
      {"GET", "/v1/evidence?from=-1", 400, "bad_query"},
      {"GET", "/v1/evidence?from=99999999999999999999999", 400, "bad_query"},
      {"GET", "/v1/evidence?after=zz", 400, "bad_query"},
      // A well-formed key of another prefix is not an evidence cursor.
      {"GET", "/v1/evidence?after=" + to_hex(to_bytes(std::string(34, 'a'))), 400, "bad_query"},
      {"POST", "/v1/evidence", 405, "method_not_allowed"},
      {"GET", "/v1/nothing", 404, "route_not_found"},
      {"DELETE", "/v1/status", 405, "method_not_allowed"},
      {"GET", "/v1/txs", 405, "method_not_allowed"},
  };
  auto before = snapshot();
  for (const auto& k : cases) {
    auto r = c.request(k.method, k.target, {}, auth);
    ASSERT_TRUE(r.ok()) << k.target;
    EXPECT_EQ(r->status, k.status) << k.method << " " << k.target << " " << r->body;
    auto j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r->body;
    EXPECT_EQ(j["error"]["code"], k.code) << k.target;
  }
  EXPECT_EQ(snapshot(), before);
}

// Public like the headers: no session needed, and a chain of honest validators lists nothing.
TEST_F(ApiHostileTest, EvidenceIsPublicAndEmptyOnAnHonestChain) {
  auto c = node_.client();
  auto r = c.get("/v1/evidence");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["count"], 0);
  EXPECT_TRUE(j["evidence"].is_array());
  EXPECT_FALSE(j.contains("next"));
  // An empty numeric parameter is not given (node/http/query.hpp), as on every other route.
  auto empty = c.get("/v1/evidence?from=&limit=");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->status, 200) << empty->body;
}

TEST_F(ApiHostileTest, StatusAndReceiptRoundTrip) {
  auto c = node_.client();
  Bytes tx = sign_body(report_body(13));
  auto r = node_.post_tx_bytes(c, tx);
  ASSERT_EQ(r->status, 202);
  auto id = json::parse(r->body)["tx_id"].get<std::string>();
  node_.seal();
  auto rc = node_.get(node_.login(*reporter_), "/v1/receipts/" + id);
  ASSERT_TRUE(rc.ok());
  ASSERT_EQ(rc->status, 200) << rc->body;
  auto receipt = ledger::receipt_from_json(rc->body);
  ASSERT_TRUE(receipt.ok());
  auto anchor = ledger::make_trust_anchor(node_.genesis);
  ASSERT_TRUE(anchor.ok());
  auto v = ledger::verify_receipt(*anchor, *receipt);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->tx_id_hex, id);
  EXPECT_EQ(v->signer, "bank-a-reporting");
}

}  // namespace
}  // namespace rl::testing
