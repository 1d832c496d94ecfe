// The client-side builders of governance payloads (client/lib/tx_builder.hpp) that
// `regledger governance propose` uses: mapping specs and template files.

#include <gtest/gtest.h>

#include "client/lib/tx_builder.hpp"
#include "ledger/report_template.hpp"

namespace rl::client {
namespace {

using ledger::parse_template_json;

TEST(MappingSpec, RangesAndOverridesCoverTheWholeTable) {
  auto m = parse_mapping_spec("00-99=5,10-19=12,99=99");
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  ASSERT_EQ(m->max_data_level_size(), 100);
  EXPECT_EQ(m->max_data_level(0), 5u);
  EXPECT_EQ(m->max_data_level(9), 5u);
  EXPECT_EQ(m->max_data_level(10), 12u);
  EXPECT_EQ(m->max_data_level(19), 12u);
  EXPECT_EQ(m->max_data_level(20), 5u);
  EXPECT_EQ(m->max_data_level(99), 99u);
  // Single-digit levels are accepted too.
  EXPECT_EQ(parse_mapping_spec("0-99=1,7=3")->max_data_level(7), 3u);
}

TEST(MappingSpec, RejectsGapsAndBadItems) {
  for (const char* spec : {"", "00-98=1", "10=1", "00-99=100", "00-99=-1", "00-100=1", "20-10=1",
                           "00-99", "00-99=x", "a=1", "00-99=1,5=", "00-99=1,=5"}) {
    auto m = parse_mapping_spec(spec);
    ASSERT_FALSE(m.ok()) << spec;
    EXPECT_EQ(m.error().code, "bad_argument") << spec;
  }
  // The error names the levels left unset.
  auto m = parse_mapping_spec("00-97=1");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("98,99"), std::string::npos) << m.error().message;
}

TEST(TemplateJson, GenesisTemplateFormat) {
  auto t = parse_template_json(
      R"({"id":"fx","name":"FX exposure","data_level_floor":4,"required_fields":["net"],)"
      R"("max_payload_bytes":2048})");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->template_id(), "fx");
  EXPECT_EQ(t->name(), "FX exposure");
  EXPECT_EQ(t->data_level_floor(), 4u);
  ASSERT_EQ(t->required_fields_size(), 1);
  EXPECT_EQ(t->max_payload_bytes(), 2048u);
  auto d = parse_template_json(R"({"id":"fx","name":"FX"})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->data_level_floor(), 0u);
  EXPECT_EQ(d->max_payload_bytes(), 64u * 1024);
  for (const char* bad :
       {"[]", "{", R"({"name":"x"})", R"({"id":"x"})", R"({"id":"x","name":"y","floor":1})",
        R"({"id":"x","name":"y","data_level_floor":100})",
        R"({"id":"x","name":"y","required_fields":"a"})",
        R"({"id":"x","name":"y","max_payload_bytes":-1})"}) {
    auto r = parse_template_json(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_template") << bad;
  }
}

TEST(TemplateJson, MaskingRulesInTheProtosJsonForm) {
  auto t = parse_template_json(
      R"({"id":"kyc","name":"KYC","masks":[{"field":"phone","keep_ends":{"first":3,"last":4}},)"
      R"({"field":"income","bucket":{"boundaries":[0,10000]}},{"field":"note","full":{}},)"
      R"({"field":"balance","round":{"multiple":1000}}]})");
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  ASSERT_EQ(t->masks_size(), 4);
  EXPECT_EQ(t->masks(0).keep_ends().last(), 4u);
  EXPECT_EQ(t->masks(1).bucket().boundaries_size(), 2);
  EXPECT_TRUE(t->masks(2).has_full());
  EXPECT_EQ(t->masks(3).round().multiple(), 1000);
  for (const char* bad :
       {R"({"id":"x","name":"y","masks":{}})", R"({"id":"x","name":"y","masks":["phone"]})",
        R"({"id":"x","name":"y","masks":[{"field":"a","blur":{}}]})"}) {
    auto r = parse_template_json(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "bad_template") << bad;
  }
}

}  // namespace
}  // namespace rl::client
