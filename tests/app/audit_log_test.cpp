// The authentication audit log: append-only, hash-chained, durable across reopen; tampering
// with one stored entry (or removing one) is detected; readable over the API by auditors and
// regulators only, and what they read verifies on the client side.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "client/lib/session.hpp"
#include "node/app/identity/audit_log.hpp"
#include "node/http/json_error.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
using node::identity::AuditLog;

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogTest() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("regledger-audit-" + std::to_string(rd()) + std::to_string(rd()));
  }
  ~AuditLogTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<AuditLog> open() {
    auto log = AuditLog::open(dir_.string());
    EXPECT_TRUE(log.ok()) << log.error().to_string();
    return std::move(log).value();
  }

  void fill(AuditLog& log, int n) {
    for (int i = 0; i < n; ++i) {
      auto e = log.append(1000 + i, "acct-" + std::to_string(i), "login", "refused", "bad_password",
                          "127.0.0.1:1");
      ASSERT_TRUE(e.ok());
    }
  }

  // Edits the stored bytes of entry `seq` behind the log's back.
  void raw_edit(std::uint64_t seq, const std::function<void(std::string&)>& edit) {
    auto store = ledger::Store::open(dir_.string());
    ASSERT_TRUE(store.ok());
    auto k = node::identity::audit_key(seq);
    auto got = (*store)->get(ledger::Cf::kDefault, k);
    ASSERT_TRUE(got.ok() && got->has_value());
    std::string value((*got)->begin(), (*got)->end());
    edit(value);
    ledger::WriteBatch batch;
    if (value.empty()) {
      batch.del(ledger::Cf::kDefault, k);
    } else {
      batch.put(ledger::Cf::kDefault, k, as_bytes(value));
    }
    ASSERT_TRUE((*store)->write(batch).ok());
  }

  std::filesystem::path dir_;
};

TEST_F(AuditLogTest, AppendsChainAndSurviveReopen) {
  {
    auto log = open();
    fill(*log, 5);
    auto v = log->verify();
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    EXPECT_EQ(*v, 5u);
  }
  auto log = open();
  EXPECT_EQ(log->last_seq(), 5u);
  auto e = log->append(2000, "x", "logout", "ok", "", "r");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->seq, 6u);
  auto page = log->read(5, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[1].prev_hash, (*page)[0].hash) << "the reopened log continues the chain";
  EXPECT_TRUE(log->verify().ok());
}

TEST_F(AuditLogTest, TamperingWithOneStoredEntryIsDetected) {
  {
    auto log = open();
    fill(*log, 6);
  }
  raw_edit(3, [](std::string& v) {
    auto j = json::parse(v);
    j["outcome"] = "ok";  // a refused login rewritten as a success
    j["code"] = "";
    v = j.dump();
  });
  auto log = open();
  auto v = log->verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "audit_tampered");
  EXPECT_NE(v.error().message.find("audit entry 3"), std::string::npos) << v.error().message;
  // Were it ever answered, a broken chain is the node's own damage: 500, like storage_corrupt.
  EXPECT_EQ(http::json_error(v.error()).status, 500);
}

TEST_F(AuditLogTest, RemovingAnEntryIsDetected) {
  {
    auto log = open();
    fill(*log, 4);
  }
  raw_edit(2, [](std::string& v) { v.clear(); });
  auto log = open();
  auto v = log->verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "audit_tampered");
}

TEST(AuditApiTest, AuditorsReadAVerifiableLogOthersDoNot) {
  NodeFixture node;
  auto reporter = node.enroll_reporter("bank-a", "bank-a-reporting", "0105");
  auto auditor = node.enroll_reporter("audit-firm", "auditor-1", "1150", "auditor");
  auto rt = node.login(reporter);
  auto at = node.login(auditor);

  auto refused = node.get(rt, "/v1/audit");
  EXPECT_EQ(refused->status, 403) << refused->body;
  auto r = node.get(at, "/v1/audit?from=1&limit=1000");
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  std::vector<api::AuditEntry> entries;
  for (const auto& x : j["entries"]) entries.push_back(*api::audit_entry_from_json(x));
  ASSERT_GE(entries.size(), 4u);  // two challenges, two logins
  EXPECT_EQ(entries.front().seq, 1u);
  auto v = api::audit_verify_entries(entries, api::audit_genesis_hash());
  EXPECT_TRUE(v.ok()) << v.error().to_string();
  bool saw_login = false;
  for (const auto& e : entries) {
    saw_login |= e.event == "login" && e.account == "auditor-1" && e.outcome == "ok";
  }
  EXPECT_TRUE(saw_login);
  EXPECT_EQ(node.get(at, "/v1/audit?limit=0")->status, 400);
}

}  // namespace
}  // namespace rl::testing
