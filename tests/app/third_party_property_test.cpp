// Property, end to end: random payloads under random masking rules, submitted to a real node and
// read back by a third party through every third-party route; no raw value of any payload is in
// any response body (tests/ledger/masking_random.hpp says what counts as a raw value). The seed is
// printed; REGLEDGER_PROPERTY_SEED replays it.
#include <gtest/gtest.h>

#include "tests/app/third_party_fixture.hpp"
#include "tests/ledger/masking_random.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

class ThirdPartyPropertyTest : public ThirdPartyFixture {};

TEST_F(ThirdPartyPropertyTest, NoRawValueAppearsInAnyThirdPartyResponse) {
  const std::uint64_t seed = property_seed(14);
  std::cout << "third-party property seed=" << seed << " (REGLEDGER_PROPERTY_SEED replays it)\n";
  MaskingRandom gen(seed);
  constexpr int kTemplates = 3;
  constexpr int kFields = 12;
  constexpr int kReportsPerTemplate = 6;

  std::vector<std::string> names;
  for (int f = 0; f < kFields; ++f) names.push_back("f" + std::to_string(f));
  std::vector<std::vector<ledger::pb::FieldMask>> rules(kTemplates);
  for (int t = 0; t < kTemplates; ++t) {
    const std::string id = "t" + std::to_string(t);
    ASSERT_EQ(govern("tmpl-" + id,
                     [&](ledger::pb::Propose& p) {
                       auto* d = p.mutable_register_report_template()->mutable_definition();
                       d->set_template_id(id);
                       d->set_name(id);
                       d->set_max_payload_bytes(64 * 1024);
                       // One token rule at least, so the template may be granted.
                       *d->add_masks() = [] {
                         ledger::pb::FieldMask m;
                         m.set_field("f0");
                         m.mutable_token();
                         return m;
                       }();
                       for (int f = 1; f < kFields; ++f) {
                         if (gen.below(6) != 0) *d->add_masks() = gen.rule(names[f]);
                       }
                       rules[t].assign(d->masks().begin(), d->masks().end());
                     }),
              "");
  }
  auto bank = node_.enroll_reporter("bank-a", "a-rep", "0105");
  auto tp = node_.enroll_reporter("tp-1", "tp-reader", "1199", "third_party");
  const std::string token = node_.login(tp);

  std::vector<std::string> raw;
  std::vector<std::string> ids;
  for (int t = 0; t < kTemplates; ++t) {
    for (int r = 0; r < kReportsPerTemplate; ++r) {
      json payload = json::object();
      for (const auto& n : names) {
        payload[n] = gen.value();
        MaskingRandom::raw_values(payload[n], raw);
      }
      ids.push_back(submit(bank, "t" + std::to_string(t), "2026-Q" + std::to_string(1 + r % 4),
                           payload.dump()));
    }
  }
  ASSERT_EQ(govern("p-grant",
                   [&](ledger::pb::Propose& p) {
                     auto* g = p.mutable_grant_third_party_access();
                     g->set_grant_id("g-prop");
                     g->set_third_party_org("tp-1");
                     for (int t = 0; t < kTemplates; ++t)
                       g->mutable_scope()->add_templates("t" + std::to_string(t));
                     g->mutable_scope()->add_orgs("bank-a");
                     g->set_expires_at_ms(node_.now_ms() + 3'600'000);
                     g->set_rate_limit_per_minute(6000);
                   }),
            "");

  std::vector<Answer> answers;
  answers.push_back(call(token, "g-prop", "/v1/third-party/reports"));
  answers.push_back(call(token, "g-prop", "/v1/third-party/reports?limit=1"));
  for (int t = 0; t < kTemplates; ++t) {
    answers.push_back(
        call(token, "g-prop", "/v1/third-party/reports?template=t" + std::to_string(t)));
  }
  for (const auto& id : ids) {
    answers.push_back(call(token, "g-prop", "/v1/third-party/reports/" + id));
    answers.push_back(
        call(token, "g-prop",
             "/v1/third-party/reports/" + id + "?fields=f" + std::to_string(gen.below(kFields))));
  }
  std::size_t answered = 0;
  for (const auto& a : answers) {
    if (a.status == 200) ++answered;
    for (const auto& r : raw) {
      ASSERT_EQ(a.body.find(r), std::string::npos)
          << "seed " << seed << ": raw value " << r << " in " << a.body;
    }
  }
  // Calls naming a field that no template masks are refused (out_of_scope_field); the rest answer.
  EXPECT_GT(answered, ids.size());
  EXPECT_EQ(answers[0].json()["count"], kTemplates * kReportsPerTemplate);
  EXPECT_GT(raw.size(), 100u);
}

}  // namespace
}  // namespace rl::testing
