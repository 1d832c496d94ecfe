// Third-party access (issue #14 item 5, decision 0060) through the real HTTPS API and a real
// RocksDB chain governed 2 of 3: grants by M of N, masked answers inside the scope, one refusal
// code per way out of it, no existence oracle, ordinary routes closed to third parties, every
// call in the audit log with the hashes of what it returned.
#include <gtest/gtest.h>

#include <set>

#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"
#include "tests/app/third_party_fixture.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kMinute = 60'000;

const char* kPayloadA1 = R"({"customer":"c-001","name":"张三丰","phone":"13812345678",
  "id_no":"11010119900307123X","account":"6222021234567890123","balance":1234567.89,
  "income":"55000","note":"sensitive remark","internal":"internal-code-77",
  "secret":"top-secret-value"})";
const char* kPayloadA2 = R"({"customer":"c-001","name":"李四","phone":"13998765432",
  "id_no":"220102198512120042","account":"6222029876543210987","balance":20400,
  "income":150000,"note":"another remark","internal":"internal-code-88",
  "secret":"another-secret-value"})";

class ThirdPartyTest : public ThirdPartyFixture {
 protected:
  void SetUp() override {
    ASSERT_EQ(govern("tmpl-kyc", [](ledger::pb::Propose& p) { kyc_template(p, false); }), "");
    ASSERT_EQ(govern("tmpl-other",
                     [](ledger::pb::Propose& p) {
                       auto* d = p.mutable_register_report_template()->mutable_definition();
                       d->set_template_id("other");
                       d->set_name("Other return");
                       d->set_max_payload_bytes(4096);
                       auto* m = d->add_masks();
                       m->set_field("customer");
                       m->mutable_token();
                     }),
              "");
    auto a = node_.enroll_reporter("bank-a", "a-rep", "0105");
    auto b = node_.enroll_reporter("bank-b", "b-rep", "0105");
    auto tp = node_.enroll_reporter("tp-1", "tp-reader", "1199", "third_party");
    auto tp2 = node_.enroll_reporter("tp-2", "tp2-reader", "1199", "third_party");
    auto reg = node_.enroll_reporter("regulator", "reg-reader", "1199", "regulator");
    a_token_ = node_.login(a);
    tp_token_ = node_.login(tp);
    tp2_token_ = node_.login(tp2);
    reg_token_ = node_.login(reg);

    a1_ = submit(a, "kyc", "2026-Q1", kPayloadA1);
    a2_ = submit(a, "kyc", "2026-Q2", kPayloadA2);
    a4_ = submit(a, "kyc", "2026-Q4", kPayloadA1);                      // outside the period range
    b1_ = submit(b, "kyc", "2026-Q1", kPayloadA1);                      // outside the organizations
    other_ = submit(a, "other", "2026-Q1", R"({"customer":"c-001"})");  // other template

    ASSERT_EQ(grant("g-1", "tp-1"), "");
  }

  // The kyc template: one rule of each kind, a field with no rule ("secret").
  static void kyc_template(ledger::pb::Propose& p, bool update) {
    auto* d = update ? p.mutable_update_report_template()->mutable_definition()
                     : p.mutable_register_report_template()->mutable_definition();
    d->set_template_id("kyc");
    d->set_name("Customer due diligence");
    d->set_data_level_floor(2);
    d->add_required_fields("customer");
    d->set_max_payload_bytes(8192);
    auto add = [&](const char* f) {
      auto* m = d->add_masks();
      m->set_field(f);
      return m;
    };
    add("customer")->mutable_token();
    auto* name = add("name")->mutable_keep_ends();
    name->set_first(1);
    auto* phone = add("phone")->mutable_keep_ends();
    phone->set_first(3);
    phone->set_last(4);
    auto* id = add("id_no")->mutable_keep_ends();
    id->set_first(6);
    id->set_last(4);
    auto* acct = add("account")->mutable_keep_ends();
    acct->set_first(5);
    acct->set_last(5);
    add("balance")->mutable_round()->set_multiple(1000);
    auto* income = add("income")->mutable_bucket();
    for (double b : {0.0, 10000.0, 100000.0}) income->add_boundaries(b);
    add("note")->mutable_full();
    add("internal")->mutable_drop();
  }

  struct GrantSpec {
    std::vector<std::string> templates{"kyc"};
    std::vector<std::string> fields;
    std::vector<std::string> orgs{"bank-a"};
    std::string from = "2026-Q1";
    std::string to = "2026-Q3";
    std::int64_t lifetime_ms = 10 * kMinute;
    std::uint32_t rate = 1000;
  };

  static Action grant_action(const std::string& id, const std::string& org, const GrantSpec& s,
                             std::int64_t now_ms) {
    return [=](ledger::pb::Propose& p) {
      auto* g = p.mutable_grant_third_party_access();
      g->set_grant_id(id);
      g->set_third_party_org(org);
      auto* sc = g->mutable_scope();
      for (const auto& t : s.templates) sc->add_templates(t);
      for (const auto& f : s.fields) sc->add_fields(f);
      for (const auto& o : s.orgs) sc->add_orgs(o);
      sc->set_period_from(s.from);
      sc->set_period_to(s.to);
      g->set_expires_at_ms(now_ms + s.lifetime_ms);
      g->set_rate_limit_per_minute(s.rate);
    };
  }

  std::string grant(const std::string& id, const std::string& org, const GrantSpec& s) {
    return govern("p-" + id, grant_action(id, org, s, node_.now_ms()));
  }
  std::string grant(const std::string& id, const std::string& org) {
    return grant(id, org, GrantSpec());
  }

  std::string revoke(const std::string& id) {
    return govern("p-revoke-" + id, [&](ledger::pb::Propose& p) {
      p.mutable_revoke_third_party_access()->set_grant_id(id);
    });
  }

  Answer tp(const std::string& target, const std::string& grant_id = "g-1") {
    return call(tp_token_, grant_id, target);
  }

  static std::string unknown_id() { return to_hex(crypto::random_bytes(32)); }

  std::string a_token_, tp_token_, tp2_token_, reg_token_;
  std::string a1_, a2_, a4_, b1_, other_;
};

// ------------------------------------------------------------------ grants and masked answers

TEST_F(ThirdPartyTest, AGrantTakesEffectOnlyWhenMRegulatorsApproved) {
  ASSERT_EQ(propose("p-g-late", grant_action("g-late", "tp-1", {}, node_.now_ms())), "");
  EXPECT_EQ(tp("/v1/third-party/reports", "g-late").code(), "grant_unknown") << "1 of 2";
  ASSERT_EQ(approve("p-g-late", 2), "");
  EXPECT_EQ(tp("/v1/third-party/reports", "g-late").status, 200) << "2 of 2";
}

TEST_F(ThirdPartyTest, ListInScopeReturnsOnlyMaskedPayloads) {
  const auto a = tp("/v1/third-party/reports");
  ASSERT_EQ(a.status, 200) << a.body;
  const json j = a.json();
  EXPECT_EQ(j["grant"], "g-1");
  EXPECT_EQ(j["mask_key_id"].get<std::string>().size(), 16u);
  std::set<std::string> ids;
  for (const auto& r : j["reports"]) ids.insert(r["report_id"]);
  EXPECT_EQ(ids, (std::set<std::string>{a1_, a2_}));
  EXPECT_EQ(j["count"], 2);

  for (const auto& r : j["reports"]) {
    if (r["report_id"] != a1_) continue;
    const json& p = r["payload"];
    EXPECT_EQ(p["name"], "张**");
    EXPECT_EQ(p["phone"], "138****5678");
    EXPECT_EQ(p["id_no"], "110101********123X");
    EXPECT_EQ(p["account"], "62220*********90123");
    EXPECT_EQ(p["balance"], 1235000);
    EXPECT_EQ(p["income"], "[10000,100000)");
    EXPECT_EQ(p["note"], "****");
    EXPECT_EQ(p["customer"].get<std::string>().rfind("tok_", 0), 0u);
    EXPECT_FALSE(p.contains("internal")) << "drop";
    EXPECT_FALSE(p.contains("secret")) << "no rule";
    // Metadata that names a person or hashes the raw payload is not sent.
    for (const char* k : {"submitter", "batch", "data_level", "payload_hash_raw"}) {
      EXPECT_FALSE(r.contains(k)) << k;
    }
    EXPECT_EQ(r["payload_hash"], to_hex(crypto::hash(node_.genesis.suite, as_bytes(p.dump()))));
  }
  for (const char* raw : {"13812345678", "top-secret", "internal-code", "sensitive remark",
                          "1234567.89", "6222021234567890123", "张三丰"}) {
    EXPECT_EQ(a.body.find(raw), std::string::npos) << raw;
  }
}

TEST_F(ThirdPartyTest, OneReportInScopeIsMaskedTheSameWay) {
  const auto one = tp("/v1/third-party/reports/" + a1_);
  ASSERT_EQ(one.status, 200) << one.body;
  const json r = one.json()["report"];
  EXPECT_EQ(r["report_id"], a1_);
  EXPECT_EQ(r["payload"]["phone"], "138****5678");
  EXPECT_FALSE(r["payload"].contains("secret"));
  EXPECT_EQ(one.body.find("13812345678"), std::string::npos);
}

TEST_F(ThirdPartyTest, TokensJoinWithinAGrantAndNotAcrossGrants) {
  ASSERT_EQ(grant("g-2", "tp-1"), "");
  auto token_of = [&](const std::string& g, const std::string& id) {
    return tp("/v1/third-party/reports/" + id, g).json()["report"]["payload"]["customer"];
  };
  // Both reports name customer c-001.
  EXPECT_EQ(token_of("g-1", a1_), token_of("g-1", a2_));
  EXPECT_EQ(token_of("g-2", a1_), token_of("g-2", a2_));
  EXPECT_NE(token_of("g-1", a1_), token_of("g-2", a1_));
}

TEST_F(ThirdPartyTest, AGrantOfSomeFieldsShowsOnlyThoseFields) {
  GrantSpec s;
  s.fields = {"phone", "customer"};
  ASSERT_EQ(grant("g-fields", "tp-1", s), "");
  const json p = tp("/v1/third-party/reports/" + a1_, "g-fields").json()["report"]["payload"];
  std::set<std::string> keys;
  for (const auto& [k, v] : p.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"phone", "customer"}));
  // Narrowed further by the call.
  const json q = tp("/v1/third-party/reports/" + a1_ + "?fields=phone", "g-fields")
                     .json()["report"]["payload"];
  EXPECT_EQ(q, (json{{"phone", "138****5678"}}));
}

// ------------------------------------------------------------------ one code per scope refusal

TEST_F(ThirdPartyTest, ATemplateOutsideTheScopeIsRefused) {
  const auto a = tp("/v1/third-party/reports?template=other");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "out_of_scope_template");
  EXPECT_EQ(tp("/v1/third-party/reports?template=kyc").status, 200);
}

TEST_F(ThirdPartyTest, AFieldOutsideTheScopeIsRefused) {
  for (const char* f : {"secret", "internal", "phone,secret"}) {
    const auto a = tp(std::string("/v1/third-party/reports?fields=") + f);
    EXPECT_EQ(a.status, 403) << f;
    EXPECT_EQ(a.code(), "out_of_scope_field") << f;
    EXPECT_EQ(tp("/v1/third-party/reports/" + a1_ + "?fields=" + f).code(), "out_of_scope_field");
  }
  GrantSpec s;
  s.fields = {"phone"};
  ASSERT_EQ(grant("g-phone", "tp-1", s), "");
  EXPECT_EQ(tp("/v1/third-party/reports?fields=name", "g-phone").code(), "out_of_scope_field");
  EXPECT_EQ(tp("/v1/third-party/reports?fields=phone", "g-phone").status, 200);
}

TEST_F(ThirdPartyTest, AnOrganizationOutsideTheScopeIsRefused) {
  const auto a = tp("/v1/third-party/reports?org=bank-b");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "out_of_scope_org");
  // An organization that does not exist answers the same: the scope is the caller's own words.
  EXPECT_TRUE(tp("/v1/third-party/reports?org=no-such-bank")
                  .same_as(tp("/v1/third-party/reports?org=no-such-bank")));
  EXPECT_EQ(tp("/v1/third-party/reports?org=no-such-bank").code(), "out_of_scope_org");
}

TEST_F(ThirdPartyTest, APeriodOutsideTheScopeIsRefused) {
  for (const char* p : {"2026-Q4", "2025-Q4"}) {
    const auto a = tp(std::string("/v1/third-party/reports?period=") + p);
    EXPECT_EQ(a.status, 403) << p;
    EXPECT_EQ(a.code(), "out_of_scope_period") << p;
  }
  const auto in = tp("/v1/third-party/reports?period=2026-Q2");
  ASSERT_EQ(in.status, 200);
  EXPECT_EQ(in.json()["count"], 1);
}

TEST_F(ThirdPartyTest, AnExpiredGrantIsRefused) {
  EXPECT_EQ(tp("/v1/third-party/reports").status, 200);
  node_.clock_offset_ms += 11 * kMinute;  // the grant lives 10 minutes; the session 15
  const auto a = tp("/v1/third-party/reports");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "grant_expired");
  EXPECT_EQ(tp("/v1/third-party/reports/" + a1_).code(), "grant_expired");
}

TEST_F(ThirdPartyTest, TheRateLimitRefusesWithRetryAfterAndRefills) {
  GrantSpec s;
  s.rate = 3;
  ASSERT_EQ(grant("g-slow", "tp-1", s), "");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(tp("/v1/third-party/reports", "g-slow").status, 200) << i;
  const auto a = tp("/v1/third-party/reports", "g-slow");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.code(), "rate_limited");
  bool retry_after = false;
  for (const auto& [k, v] : a.headers)
    retry_after = retry_after || (k == "retry-after" && v == "20");
  EXPECT_TRUE(retry_after);
  // Another grant has its own bucket.
  EXPECT_EQ(tp("/v1/third-party/reports", "g-1").status, 200);
  node_.clock_offset_ms += 20'000;  // one call's worth at 3 per minute
  EXPECT_EQ(tp("/v1/third-party/reports", "g-slow").status, 200);
  EXPECT_EQ(tp("/v1/third-party/reports", "g-slow").code(), "rate_limited");
}

TEST_F(ThirdPartyTest, ARevocationRefusesTheNextCallAfterItsBlock) {
  EXPECT_EQ(tp("/v1/third-party/reports").status, 200);
  ASSERT_EQ(propose("p-revoke-first",
                    [](ledger::pb::Propose& p) {
                      p.mutable_revoke_third_party_access()->set_grant_id("g-1");
                    }),
            "");
  EXPECT_EQ(tp("/v1/third-party/reports").status, 200) << "1 of 2 regulators: still in force";
  ASSERT_EQ(approve("p-revoke-first", 2), "");
  const auto a = tp("/v1/third-party/reports");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "grant_revoked");
  EXPECT_EQ(tp("/v1/third-party/reports/" + a1_).code(), "grant_revoked");
  // Revoking twice is refused by governance; the id is never granted again.
  EXPECT_EQ(revoke("g-1"), "not_found");
  EXPECT_EQ(grant("g-1", "tp-1"), "already_exists");
}

TEST_F(ThirdPartyTest, AnUnknownOrMissingGrantIsRefused) {
  EXPECT_EQ(tp("/v1/third-party/reports", "g-none").code(), "grant_unknown");
  EXPECT_EQ(tp("/v1/third-party/reports", "bad/grant").code(), "grant_unknown");
  const auto missing = tp("/v1/third-party/reports", "");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.code(), "grant_required");
}

TEST_F(ThirdPartyTest, AnotherThirdPartyCannotUseTheGrant) {
  const auto other = call(tp2_token_, "g-1", "/v1/third-party/reports");
  const auto none = call(tp2_token_, "g-none", "/v1/third-party/reports");
  EXPECT_EQ(other.code(), "grant_unknown");
  EXPECT_TRUE(other.same_as(none)) << other << " vs " << none;
  EXPECT_EQ(call(tp2_token_, "g-1", "/v1/third-party/reports/" + a1_).code(), "grant_unknown");
}

TEST_F(ThirdPartyTest, SessionsOfOrganizationsThatAreNotThirdPartiesAreRefused) {
  for (const auto* token : {&a_token_, &reg_token_}) {
    const auto a = call(*token, "g-1", "/v1/third-party/reports");
    EXPECT_EQ(a.status, 403);
    EXPECT_EQ(a.code(), "not_third_party");
  }
  EXPECT_EQ(call("", "g-1", "/v1/third-party/reports").code(), "session_required");
}

TEST_F(ThirdPartyTest, WithoutAMaskKeyTheRoutesAreUnavailable) {
  node_.set_mask_key(std::nullopt);
  const auto a = tp("/v1/third-party/reports");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.code(), "masking_unavailable");
}

// ------------------------------------------------------------------ no existence oracle

TEST_F(ThirdPartyTest, AnIdOutsideTheScopeAnswersExactlyLikeAnIdThatDoesNotExist) {
  const auto absent = tp("/v1/third-party/reports/" + unknown_id());
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(absent.code(), "report_not_found");
  for (const auto& id : {b1_, a4_, other_}) {
    const auto a = tp("/v1/third-party/reports/" + id);
    EXPECT_TRUE(a.same_as(absent)) << id << ": " << a << " vs " << absent;
  }
}

// ------------------------------------------------------------------ ordinary routes closed

TEST_F(ThirdPartyTest, TheOrdinaryDataRoutesRefuseThirdParties) {
  const std::string height = std::to_string(node_.chain->head().height);
  for (const auto& target :
       std::vector<std::string>{"/v1/reports", "/v1/reports?org=bank-a", "/v1/reports/" + a1_,
                                "/v1/txs/" + a1_, "/v1/receipts/" + a1_, "/v1/blocks/" + height,
                                "/v1/blocks/1", "/v1/balances/tp-1", "/v1/balances/bank-a"}) {
    const auto a = get(tp_token_, target);
    EXPECT_EQ(a.status, 403) << target << " " << a.body;
    EXPECT_EQ(a.code(), "permission_denied") << target;
    EXPECT_EQ(a.body.find("13812345678"), std::string::npos);
  }
  // The refusal does not depend on what exists.
  EXPECT_TRUE(
      get(tp_token_, "/v1/reports/" + a1_).same_as(get(tp_token_, "/v1/reports/" + unknown_id())));
  // The regulator still reads them.
  EXPECT_EQ(get(reg_token_, "/v1/reports/" + a1_).status, 200);
  EXPECT_EQ(get(reg_token_, "/v1/txs/" + a1_).status, 200);
}

// ------------------------------------------------------------------ the audit log

TEST_F(ThirdPartyTest, EveryCallIsAuditedWithTheHashesOfWhatItReturned) {
  const auto before = node_.audit->last_seq();
  const auto list = tp("/v1/third-party/reports");
  const auto refused = tp("/v1/third-party/reports?org=bank-b");
  const auto hidden = tp("/v1/third-party/reports/" + b1_);
  const auto other = call(tp2_token_, "g-1", "/v1/third-party/reports");
  ASSERT_EQ(list.status, 200);

  auto rows = node_.audit->read(before + 1, 100);
  ASSERT_TRUE(rows.ok());
  std::vector<api::AuditEntry> calls;
  for (const auto& e : *rows) {
    if (e.event == "third_party") calls.push_back(e);
  }
  ASSERT_EQ(calls.size(), 4u);

  EXPECT_EQ(calls[0].account, "tp-reader");
  EXPECT_EQ(calls[0].outcome, "ok");
  const json d0 = json::parse(calls[0].detail);
  EXPECT_EQ(d0["grant"], "g-1");
  EXPECT_EQ(d0["route"], "/v1/third-party/reports");
  std::set<std::pair<std::string, std::string>> logged, answered;
  for (const auto& r : d0["returned"]) logged.emplace(r["report_id"], r["payload_hash"]);
  const json listed = list.json();
  for (const auto& r : listed["reports"]) answered.emplace(r["report_id"], r["payload_hash"]);
  EXPECT_EQ(logged, answered);
  EXPECT_EQ(logged.size(), 2u);

  EXPECT_EQ(calls[1].outcome, "refused");
  EXPECT_EQ(calls[1].code, "out_of_scope_org");
  EXPECT_EQ(calls[2].code, "report_not_found");
  EXPECT_EQ(json::parse(calls[2].detail)["reason"], "out_of_scope");  // for auditors only
  EXPECT_EQ(hidden.body.find("out_of_scope"), std::string::npos);
  EXPECT_EQ(calls[3].account, "tp2-reader");
  EXPECT_EQ(calls[3].code, "grant_unknown");

  // Hashes, never values.
  for (const auto& e : calls) {
    for (const char* raw : {"13812345678", "top-secret", "张三丰", "138****5678"}) {
      EXPECT_EQ(e.detail.find(raw), std::string::npos) << raw;
    }
  }
  auto verified = node_.audit->verify();
  ASSERT_TRUE(verified.ok()) << verified.error().to_string();
  EXPECT_EQ(*verified, node_.audit->last_seq());
}

// ------------------------------------------------------------------ governance validation

TEST_F(ThirdPartyTest, InvalidGrantsAndRulesAreRefusedAndChangeNothing) {
  const auto snap = node_.snapshot();
  auto refused = [&](const std::string& id, const GrantSpec& s, const std::string& org) {
    return propose("p-" + id, grant_action(id, org, s, node_.now_ms()));
  };
  GrantSpec unknown_template;
  unknown_template.templates = {"no-such-template"};
  EXPECT_EQ(refused("g-a", unknown_template, "tp-1"), "not_found");
  EXPECT_EQ(refused("g-b", {}, "bank-a"), "not_third_party");
  EXPECT_EQ(refused("g-c", {}, "no-such-org"), "not_found");
  GrantSpec no_orgs;
  no_orgs.orgs = {};
  EXPECT_EQ(refused("g-d", no_orgs, "tp-1"), "bad_scope");
  GrantSpec third_party_org;
  third_party_org.orgs = {"tp-2"};
  EXPECT_EQ(refused("g-e", third_party_org, "tp-1"), "bad_scope");
  GrantSpec backwards;
  backwards.from = "2026-Q3";
  backwards.to = "2026-Q1";
  EXPECT_EQ(refused("g-f", backwards, "tp-1"), "bad_scope");
  GrantSpec unmasked_field;
  unmasked_field.fields = {"secret"};
  EXPECT_EQ(refused("g-g", unmasked_field, "tp-1"), "bad_scope");
  GrantSpec no_rate;
  no_rate.rate = 0;
  EXPECT_EQ(refused("g-h", no_rate, "tp-1"), "bad_field");
  GrantSpec expired;
  expired.lifetime_ms = -kMinute;
  EXPECT_EQ(refused("g-i", expired, "tp-1"), "bad_field");
  EXPECT_EQ(refused("g-1", {}, "tp-1"), "already_exists");
  // A template without masking rules gives a third party nothing: refused.
  GrantSpec unmasked_template;
  unmasked_template.templates = {"capital-adequacy"};
  EXPECT_EQ(refused("g-j", unmasked_template, "tp-1"), "bad_scope");
  ASSERT_EQ(node_.snapshot(), snap);
  // Masking rules are checked when a template is registered or updated.
  EXPECT_EQ(propose("p-bad-rule",
                    [](ledger::pb::Propose& p) {
                      kyc_template(p, true);
                      auto* m =
                          p.mutable_update_report_template()->mutable_definition()->add_masks();
                      m->set_field("phone");
                      m->mutable_full();
                    }),
            "duplicate_mask_field");
  EXPECT_EQ(propose("p-bad-rule-2",
                    [](ledger::pb::Propose& p) {
                      kyc_template(p, true);
                      auto* d = p.mutable_update_report_template()->mutable_definition();
                      d->mutable_masks(1)->mutable_keep_ends()->set_first(40);
                    }),
            "bad_mask_rule");
  // A third party cannot be given GrantRead, nor submit reports.
  EXPECT_EQ(propose("p-read",
                    [](ledger::pb::Propose& p) {
                      auto* g = p.mutable_grant_read();
                      g->set_reader_org("tp-1");
                      g->set_owner_org("bank-a");
                    }),
            "bad_field");
  EXPECT_EQ(node_.snapshot(), snap);
}

TEST_F(ThirdPartyTest, AThirdPartySubmitsNoReports) {
  auto writer = node_.enroll_reporter("tp-1", "tp-writer", "0105");
  const auto snap = node_.snapshot();
  const std::string code = node_.submit_as(writer, [](ledger::pb::TxBody& b) {
    auto* p = b.mutable_submit_report();
    p->set_template_id("kyc");
    p->set_period("2026-Q1");
    p->set_content_type("application/json");
    p->set_payload(R"({"customer":"x"})");
  });
  EXPECT_EQ(code, "permission_denied");
  EXPECT_EQ(node_.snapshot(), snap);
}

TEST_F(ThirdPartyTest, AnUpdatedTemplatesRulesApplyFromTheNextCall) {
  // The regulators make the phone a full mask: the next answer shows no digit of it.
  ASSERT_EQ(govern("tmpl-kyc-2",
                   [](ledger::pb::Propose& p) {
                     kyc_template(p, true);
                     p.mutable_update_report_template()
                         ->mutable_definition()
                         ->mutable_masks(2)
                         ->mutable_full();
                   }),
            "");
  const json p = tp("/v1/third-party/reports/" + a1_).json()["report"]["payload"];
  EXPECT_EQ(p["phone"], "****");
}

}  // namespace
}  // namespace rl::testing
