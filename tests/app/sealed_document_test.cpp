// The document channel of sealed reports, policy changes without re-encryption, keyword search,
// and where the plaintext and the key never go (docs/sealed.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "ledger/sealed_access.hpp"
#include "ledger/state_keys.hpp"
#include "tests/app/sealed_fixture.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

constexpr const char* kMarker = "sealed-plaintext-marker-c41d";

std::string finding(const std::string& extra = "") {
  return std::string(R"({"finding":")") + kMarker + extra + R"(","amount":125000})";
}

bool contains(const std::string& haystack, const Bytes& needle) {
  return haystack.find(to_string(needle)) != std::string::npos ||
         haystack.find(to_hex(needle)) != std::string::npos ||
         haystack.find(to_base64(needle)) != std::string::npos;
}

class SealedDocumentTest : public SealedFixture {
 protected:
  // The stored transaction and envelope of a report, byte for byte.
  std::pair<Bytes, std::string> stored(const std::string& id) {
    auto tx = must(node_.chain->tx_bytes(must(from_hex(id))));
    auto rec = must(ledger::load_sealed_report(*node_.chain, id));
    std::string seal;
    rec->sealed.seal().SerializeToString(&seal);
    return {*tx, seal};
  }
};

// S changed from OR to AND by its owner: the reader who passed only through the OR branch is
// refused from the next height, an AND reader still opens, and nothing stored was re-encrypted.
TEST_F(SealedDocumentTest, SPolicyOrToAndRefusesTheOrOnlyReaderWithoutReencryption) {
  const auto id = seal_and_submit(submitter_, finding(), "role:auditor or dept:aml");
  ASSERT_TRUE(open_as(aml_officer_, id).ok());  // through "dept:aml" only
  const auto before = stored(id);
  const auto height = node_.chain->head().height;
  ASSERT_EQ(node_.submit_as(bank_a_admin_,
                            [&](ledger::pb::TxBody& b) {
                              auto* p = b.mutable_set_sealed_report_policy();
                              p->set_report_id(id);
                              p->set_s_policy("role:auditor and dept:aml");
                            }),
            "");
  EXPECT_EQ(node_.chain->head().height, height + 1);
  auto refused = release_as("ks-1", aml_officer_, id);
  EXPECT_EQ(refused.code(), "policy_refused");
  EXPECT_EQ(refused.json()["error"]["failed"], "S");
  EXPECT_FALSE(open_as(aml_officer_, id).ok());
  EXPECT_FALSE(open_as(reg_auditor_, id).ok());  // auditor, but not in the AML department
  EXPECT_EQ(stored(id), before);
}

// T changed from OR to AND by governance: the FIU auditor (attr:fiu, not a regulator) is
// refused with "T" from the next height; the stored bytes are unchanged.
TEST_F(SealedDocumentTest, TPolicyOrToAndByGovernanceRefusesTheOrOnlyReader) {
  const auto id = seal_and_submit(submitter_, finding());
  ASSERT_TRUE(open_as(fiu_auditor_, id).ok());
  const auto before = stored(id);
  govern("t-and", [](ledger::pb::Propose& p) {
    p.mutable_set_sealing_policy()->set_policy_id(kTPolicy);
    p.mutable_set_sealing_policy()->set_policy("kind:regulator and attr:fiu");
  });
  auto refused = release_as("ks-node0", fiu_auditor_, id);
  EXPECT_EQ(refused.code(), "policy_refused");
  EXPECT_EQ(refused.json()["error"]["failed"], "T");
  EXPECT_EQ(stored(id), before);
}

TEST_F(SealedDocumentTest, OnlyTheOwnersChangeS) {
  const auto id = seal_and_submit(submitter_, finding());
  auto change = [&](const client::Identity& who, const std::string& policy) {
    return node_.submit_as(who, [&](ledger::pb::TxBody& b) {
      b.mutable_set_sealed_report_policy()->set_report_id(id);
      b.mutable_set_sealed_report_policy()->set_s_policy(policy);
    });
  };
  EXPECT_EQ(change(bank_b_auditor_, "kind:institution"), "not_found");
  EXPECT_EQ(change(*node_.admin, "kind:institution"), "not_found");  // not the owner's business
  EXPECT_EQ(change(submitter_, "role:auditor and"), "bad_policy");
  EXPECT_EQ(change(submitter_, "role:auditor"), "");
}

TEST_F(SealedDocumentTest, RevokedAttributeClosesTheTBranchFromTheNextHeight) {
  const auto id = seal_and_submit(submitter_, finding());
  ASSERT_TRUE(open_as(fiu_auditor_, id).ok());
  govern("fiu-revoke", [](ledger::pb::Propose& p) {
    p.mutable_revoke_attribute()->set_account_id("fiu-auditor");
    p.mutable_revoke_attribute()->set_attribute("fiu");
  });
  EXPECT_EQ(release_as("ks-2", fiu_auditor_, id).json()["error"]["failed"], "T");
}

// Who fetches the ciphertext: the report's own organization and supervisors (the ordinary read
// rules) and the policy's readers. Anyone else gets exactly what a non-existent id gets.
TEST_F(SealedDocumentTest, DocumentChannelServesPolicyReadersAndOwnersOnly) {
  const auto id = seal_and_submit(submitter_, finding());
  auto own = document(node_.login(submitter_), id);
  ASSERT_EQ(own.status, 200) << own;
  EXPECT_EQ(own.json()["policies"]["s"], kS);  // the owners see the policies
  EXPECT_EQ(own.json()["you"]["opens"], false);
  auto reader = document(node_.login(fiu_auditor_), id);
  ASSERT_EQ(reader.status, 200) << reader;
  EXPECT_FALSE(reader.json().contains("policies"));  // other readers do not
  EXPECT_EQ(reader.json()["you"]["opens"], true);
  const auto outsider_token = node_.login(bank_b_reporter_);
  auto outsider = document(outsider_token, id);
  auto missing = document(outsider_token, std::string(64, 'b'));
  EXPECT_EQ(outsider.status, 404);
  EXPECT_TRUE(outsider.same_as(missing)) << outsider << " vs " << missing;
  EXPECT_EQ(document("", id).code(), "session_required");
  EXPECT_EQ(document(outsider_token, "zz").code(), "bad_id");
  // The ordinary record says it is sealed.
  auto rec = node_.get(node_.login(submitter_), "/v1/reports/" + id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(json::parse(rec->body)["sealed"], true);
}

// Neither the plaintext nor the data key is stored by the ledger, served on the document
// channel, or written to the audit log; the key channel answers carry only wrapped shares.
TEST_F(SealedDocumentTest, PlaintextAndKeyStayOffTheLedgerTheDocumentChannelAndTheLog) {
  const auto before = node_.audit->last_seq();
  const auto id = seal_and_submit(submitter_, finding());
  const auto key = data_key(id);
  ASSERT_EQ(key.size(), 32u);
  const auto [tx, seal] = stored(id);
  EXPECT_EQ(to_string(tx).find(kMarker), std::string::npos);
  EXPECT_FALSE(contains(to_string(tx), key));
  for (const auto* reader : {&submitter_, &fiu_auditor_, &reg_auditor_}) {
    auto d = document(node_.login(*reader), id);
    ASSERT_EQ(d.status, 200);
    EXPECT_EQ(d.body.find(kMarker), std::string::npos);
    EXPECT_FALSE(contains(d.body, key)) << reader->account;
  }
  auto shared = release_as("ks-node0", reg_auditor_, id);
  EXPECT_FALSE(contains(shared.body, key));
  for (const auto& e : must(node_.audit->read(before + 1, 10'000))) {
    const auto text = e.account + e.event + e.code + e.remote + e.detail;
    EXPECT_EQ(text.find(kMarker), std::string::npos);
    EXPECT_FALSE(contains(text, key));
  }
  // Every file of the node's data directory (stores, WAL, manifest, audit log).
  for (const auto& f : std::filesystem::recursive_directory_iterator(node_.dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(kMarker), std::string::npos) << f.path();
    EXPECT_EQ(bytes.find(to_string(key)), std::string::npos) << f.path();
  }
}

// Tags match only their own report's keyword; a reader who may not fetch a report never learns
// whether it matches; and the search request carries trapdoors, not words.
TEST_F(SealedDocumentTest, KeywordSearchMatchesOnlyTaggedReportsWithoutTheKeyword) {
  const auto a = seal_and_submit(submitter_, finding("a"), kS, {"fraud", "Q3"});
  const auto b = seal_and_submit(submitter_, finding("b"), kS, {"q3"});
  const auto c = seal_and_submit(submitter_, finding("c"), kS, {"aml"});
  const auto suite = node_.genesis.suite;
  auto trapdoor = [&](const std::string& id, const std::string& word) {
    auto rec = must(ledger::load_sealed_report(*node_.chain, id));
    auto search = must(
        ledger::sealing::search_key(suite, as_bytes(rec->sealed.seal().seal_id()), data_key(id)));
    return to_hex(must(ledger::sealing::keyword_tag(suite, search, word)));
  };
  auto search = [&](const std::string& token, const std::string& word) {
    json q = json::array();
    for (const auto& id : {a, b, c})
      q.push_back({{"report_id", id}, {"trapdoor", trapdoor(id, word)}});
    const std::string body = json{{"queries", q}}.dump();
    EXPECT_EQ(body.find(word), std::string::npos);
    auto cl = node_.client();
    auto r = cl.request("POST", "/v1/sealed/search", body, client::bearer_headers(token));
    EXPECT_TRUE(r.ok());
    return json::parse(r->body);
  };
  const auto token = node_.login(fiu_auditor_);
  EXPECT_EQ(search(token, "fraud")["matches"], json({a}));
  EXPECT_EQ(search(token, "q3")["matches"], json({a, b}));  // keywords are case-folded
  EXPECT_EQ(search(token, "aml")["matches"], json({c}));
  EXPECT_EQ(search(token, "absent")["matches"], json::array());
  // An outsider with the right trapdoors still gets no match.
  EXPECT_EQ(search(node_.login(bank_b_reporter_), "fraud")["matches"], json::array());
}

// A third party granted the template and the organization sees bank-a's plain reports masked,
// and nothing of its sealed ones: no masking rule applies to a ciphertext.
TEST_F(SealedDocumentTest, SealedReportsAreOutsideEveryThirdPartyScope) {
  govern("masks", [](ledger::pb::Propose& p) {
    auto* d = p.mutable_update_report_template()->mutable_definition();
    d->set_template_id("capital-adequacy");
    d->set_name("Quarterly capital adequacy return");
    d->set_max_payload_bytes(65536);
    auto* m = d->add_masks();
    m->set_field("finding");
    m->mutable_full();
  });
  auto tp = node_.enroll_reporter("bureau", "bureau-reader", "1199", "third_party");
  govern("grant", [&](ledger::pb::Propose& p) {
    auto* g = p.mutable_grant_third_party_access();
    g->set_grant_id("g-bureau");
    g->set_third_party_org("bureau");
    g->mutable_scope()->add_templates("capital-adequacy");
    g->mutable_scope()->add_orgs("bank-a");
    g->set_expires_at_ms(node_.now_ms() + 86'400'000);
    g->set_rate_limit_per_minute(600);
  });
  const auto sealed = seal_and_submit(submitter_, finding());
  ASSERT_EQ(node_.submit_as(submitter_,
                            [&](ledger::pb::TxBody& b) {
                              auto* r = b.mutable_submit_report();
                              r->set_template_id("capital-adequacy");
                              r->set_period("2026-Q3");
                              r->set_content_type("application/json");
                              r->set_payload(R"({"institution":"bank-a","period":"2026-Q3",)"
                                             R"("cet1_ratio":1,"total_capital":2,"finding":"x"})");
                            }),
            "");
  const auto token = node_.login(tp);
  auto call = [&](const std::string& target) {
    auto c = node_.client();
    auto headers = client::bearer_headers(token);
    headers.emplace_back("X-RegLedger-Grant", "g-bureau");
    auto r = c.request("GET", target, {}, headers);
    EXPECT_TRUE(r.ok());
    return r.ok() ? Answer{r->status, r->body, r->headers} : Answer{};
  };
  auto list = call("/v1/third-party/reports?template=capital-adequacy");
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_EQ(list.json()["count"], 1);
  EXPECT_EQ(list.body.find(sealed), std::string::npos);
  auto one = call("/v1/third-party/reports/" + sealed);
  auto none = call("/v1/third-party/reports/" + std::string(64, 'c'));
  EXPECT_EQ(one.code(), "report_not_found");
  EXPECT_TRUE(one.same_as(none)) << one << " vs " << none;
}

}  // namespace
}  // namespace rl::testing
