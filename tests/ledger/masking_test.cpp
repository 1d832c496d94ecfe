// Masking rules (ledger/masking.hpp, decision 0060): each rule on the values it takes and on the
// values it refuses, the token key's per-grant separation, and the validation of rules.
#include "ledger/masking.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rl::ledger::masking {
namespace {

using nlohmann::json;

pb::FieldMask keep(const std::string& field, std::uint32_t first, std::uint32_t last) {
  pb::FieldMask m;
  m.set_field(field);
  m.mutable_keep_ends()->set_first(first);
  m.mutable_keep_ends()->set_last(last);
  return m;
}
pb::FieldMask full(const std::string& field) {
  pb::FieldMask m;
  m.set_field(field);
  m.mutable_full();
  return m;
}
pb::FieldMask token(const std::string& field) {
  pb::FieldMask m;
  m.set_field(field);
  m.mutable_token();
  return m;
}
pb::FieldMask round_multiple(const std::string& field, double multiple) {
  pb::FieldMask m;
  m.set_field(field);
  m.mutable_round()->set_multiple(multiple);
  return m;
}
pb::FieldMask round_digits(const std::string& field, std::uint32_t digits) {
  pb::FieldMask m;
  m.set_field(field);
  m.mutable_round()->set_significant_digits(digits);
  return m;
}
pb::FieldMask bucket(const std::string& field, std::vector<double> bounds) {
  pb::FieldMask m;
  m.set_field(field);
  for (double b : bounds) m.mutable_bucket()->add_boundaries(b);
  return m;
}
pb::FieldMask drop(const std::string& field) {
  pb::FieldMask m;
  m.set_field(field);
  m.mutable_drop();
  return m;
}

TokenKey key_for(const std::string& grant, crypto::Suite suite = crypto::Suite::kP256Sha256) {
  const Bytes mask_key(kMaskKeyBytes, 0x42);
  auto k = token_key(suite, mask_key, grant);
  EXPECT_TRUE(k.ok()) << k.error().to_string();
  return {suite, k.ok() ? *k : Bytes{}};
}

// The masked object for {"v": value} under `rule` (renamed to "v").
json mask_one(pb::FieldMask rule, const json& value, const TokenKey& key = key_for("g1")) {
  rule.set_field("v");
  EXPECT_TRUE(check_field_mask(rule).ok());
  auto out = mask_payload(json{{"v", value}}.dump(), {rule}, key);
  EXPECT_TRUE(out.ok()) << out.error().to_string();
  return out.ok() ? json::parse(*out) : json();
}

// What {"v": value} shows under `rule`; a dropped field is null here (JSON null is never an
// output of a rule).
json shown(const pb::FieldMask& rule, const json& value) {
  const json out = mask_one(rule, value);
  return out.contains("v") ? out["v"] : json();
}

TEST(MaskingTest, KeepEndsPhoneThreePlusFour) {
  EXPECT_EQ(shown(keep("v", 3, 4), "13812345678"), "138****5678");
}

TEST(MaskingTest, KeepEndsIdNumberSixPlusFour) {
  EXPECT_EQ(shown(keep("v", 6, 4), "11010119900307123X"), "110101********123X");
}

TEST(MaskingTest, KeepEndsAccountFivePlusFive) {
  EXPECT_EQ(shown(keep("v", 5, 5), "6222021234567890123"), "62220*********90123");
}

TEST(MaskingTest, KeepEndsCountsUtf8CodePointsNotBytes) {
  EXPECT_EQ(shown(keep("v", 1, 0), "张三丰"), "张**");
  EXPECT_EQ(shown(keep("v", 1, 0), "张三"), "张*");
  EXPECT_EQ(shown(keep("v", 1, 1), "欧阳娜娜"), "欧**娜");
  EXPECT_EQ(shown(keep("v", 2, 0), "Zoë Ångström"), "Zo**********");
}

TEST(MaskingTest, KeepEndsOfAValueThatWouldShowWholeIsAFullMask) {
  // first + last >= length: keeping them would show every code point.
  EXPECT_EQ(shown(keep("v", 3, 4), "1381234"), "****");  // exactly 7
  EXPECT_EQ(shown(keep("v", 3, 4), "138"), "****");
  EXPECT_EQ(shown(keep("v", 1, 0), "张"), "****");
  EXPECT_EQ(shown(keep("v", 6, 4), "12345678901"), "123456*8901");
}

TEST(MaskingTest, KeepEndsOfAnEmptyStringIsAFullMask) {
  EXPECT_EQ(shown(keep("v", 1, 1), ""), "****");
}

TEST(MaskingTest, KeepEndsOfANumberUsesItsJsonText) {
  EXPECT_EQ(shown(keep("v", 5, 5), 6222021234567890), "62220******67890");
}

TEST(MaskingTest, KeepEndsOnNonScalarsAndBooleansDrops) {
  EXPECT_TRUE(shown(keep("v", 1, 1), json{{"a", "13812345678"}}).is_null());
  EXPECT_TRUE(shown(keep("v", 1, 1), json::array({"13812345678"})).is_null());
  EXPECT_TRUE(shown(keep("v", 1, 1), true).is_null());
  EXPECT_TRUE(shown(keep("v", 1, 1), nullptr).is_null());
}

TEST(MaskingTest, KeepEndsOfInvalidUtf8IsAFullMask) {
  EXPECT_EQ(keep_ends("ab\xff\xfe"
                      "cd",
                      1, 1),
            "****");
  EXPECT_EQ(keep_ends("\xe5\xbc", 0, 1), "****");  // truncated 3-byte sequence
  EXPECT_EQ(keep_ends("\xc0\xaf"
                      "abc",
                      1, 1),
            "****");  // overlong '/'
}

TEST(MaskingTest, FullMaskHidesTheLengthOfEveryValue) {
  for (const json& v : {json("a"), json("a much longer value than four"), json(""), json(123),
                        json(1.5), json(true), json(nullptr), json{{"a", 1}}, json::array({1})}) {
    EXPECT_EQ(shown(full("v"), v), "****") << v.dump();
  }
}

TEST(MaskingTest, TokenIsTheSameForTheSameValueInOneGrant) {
  const auto k = key_for("grant-1");
  const json a = mask_one(token("v"), "6222021234567890123", k);
  const json b = mask_one(token("v"), "6222021234567890123", k);
  EXPECT_EQ(a, b);
  const std::string t = a["v"];
  EXPECT_EQ(t.rfind("tok_", 0), 0u);
  EXPECT_EQ(t.size(), 4 + 2 * kTokenBytes);
  EXPECT_NE(mask_one(token("v"), "6222021234567890124", k), a);
}

TEST(MaskingTest, TokenDiffersAcrossGrants) {
  EXPECT_NE(mask_one(token("v"), "6222021234567890123", key_for("grant-1")),
            mask_one(token("v"), "6222021234567890123", key_for("grant-2")));
}

TEST(MaskingTest, TokenDiffersAcrossMaskKeysAndSuites) {
  const Bytes other(kMaskKeyBytes, 0x43);
  auto k2 = token_key(crypto::Suite::kP256Sha256, other, "grant-1");
  ASSERT_TRUE(k2.ok());
  const json v = "6222021234567890123";
  EXPECT_NE(mask_one(token("v"), v, key_for("grant-1")),
            mask_one(token("v"), v, TokenKey{crypto::Suite::kP256Sha256, *k2}));
  // HMAC-SM3 under an HKDF-SM3 key in SM2 networks.
  EXPECT_NE(mask_one(token("v"), v, key_for("grant-1")),
            mask_one(token("v"), v, key_for("grant-1", crypto::Suite::kSm2Sm3)));
}

TEST(MaskingTest, TokenTakesNestedValuesAsAWhole) {
  const auto k = key_for("g");
  const json nested = {{"name", "张三丰"}, {"ids", {1, 2, 3}}};
  const json a = mask_one(token("v"), nested, k);
  EXPECT_EQ(a, mask_one(token("v"), json::parse(nested.dump()), k));
  EXPECT_NE(a, mask_one(token("v"), json{{"name", "张三"}, {"ids", {1, 2, 3}}}, k));
  // A number and the string of its digits are different values.
  EXPECT_NE(mask_one(token("v"), 1234, k), mask_one(token("v"), "1234", k));
}

TEST(MaskingTest, TokenKeyNeedsA32ByteMaskKey) {
  auto k = token_key(crypto::Suite::kP256Sha256, Bytes(31, 1), "g");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().code, "bad_mask_key");
}

TEST(MaskingTest, RoundToAMultipleKeepsTheType) {
  EXPECT_EQ(shown(round_multiple("v", 1000), 1234567.89), 1235000);
  EXPECT_TRUE(shown(round_multiple("v", 1000), 1234567.89).is_number());
  EXPECT_EQ(shown(round_multiple("v", 1000), "1234567.89"), "1235000");
  EXPECT_EQ(shown(round_multiple("v", 1000), -1499), -1000);
  EXPECT_EQ(shown(round_multiple("v", 0.1), 14.23), 14.2);
  EXPECT_EQ(shown(round_multiple("v", 0.1), "14.26"), "14.3");
  EXPECT_EQ(shown(round_multiple("v", 1000), 400), 0);
}

TEST(MaskingTest, RoundToSignificantDigits) {
  EXPECT_EQ(shown(round_digits("v", 2), 1234567), 1200000);
  EXPECT_EQ(shown(round_digits("v", 3), 0.012345), 0.0123);
  EXPECT_EQ(shown(round_digits("v", 1), "-87654"), "-90000");
  EXPECT_EQ(shown(round_digits("v", 3), "1e3"), "1000");
  EXPECT_EQ(shown(round_digits("v", 2), 0), 0);
}

TEST(MaskingTest, RoundOfANonNumberDrops) {
  for (const json& v : {json("abc"), json("12a"), json(" 12"), json("12 "), json("0x10"),
                        json("1e400"), json("+5"), json("01"), json("1."), json(""), json(true),
                        json(nullptr), json{{"a", 1}}, json::array({1})}) {
    EXPECT_TRUE(shown(round_multiple("v", 10), v).is_null()) << v.dump();
    EXPECT_TRUE(shown(round_digits("v", 2), v).is_null()) << v.dump();
  }
}

TEST(MaskingTest, BucketLabelsTheInterval) {
  const auto b = bucket("v", {0, 1000, 10000});
  EXPECT_EQ(shown(b, -5), "(-inf,0)");
  EXPECT_EQ(shown(b, 0), "[0,1000)");
  EXPECT_EQ(shown(b, 999.99), "[0,1000)");
  EXPECT_EQ(shown(b, 1000), "[1000,10000)");
  EXPECT_EQ(shown(b, "5000.5"), "[1000,10000)");
  EXPECT_EQ(shown(b, 50000), "[10000,+inf)");
  EXPECT_EQ(shown(bucket("v", {0.5, 2.25}), 1), "[0.5,2.25)");
}

TEST(MaskingTest, BucketOfANonNumberDrops) {
  const auto b = bucket("v", {0, 1000});
  for (const json& v : {json("many"), json(false), json(nullptr), json{{"a", 5}}, json::array({5}),
                        json("5,000")}) {
    EXPECT_TRUE(shown(b, v).is_null()) << v.dump();
  }
}

TEST(MaskingTest, DropLeavesTheFieldOut) {
  EXPECT_EQ(mask_one(drop("v"), "13812345678"), json::object());
}

TEST(MaskingTest, FieldsWithoutARuleAreDropped) {
  auto out = mask_payload(R"({"name":"张三丰","phone":"13812345678","secret":"s3cr3t-value"})",
                          {full("name"), keep("phone", 3, 4)}, key_for("g"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(json::parse(*out), (json{{"name", "****"}, {"phone", "138****5678"}}));
  EXPECT_EQ(out->find("s3cr3t"), std::string::npos);
}

TEST(MaskingTest, NestedValuesAreMaskedAsAWholeOrDropped) {
  const std::string payload =
      R"({"a":{"x":"secret-a"},"b":["secret-b"],"c":{"x":1},"d":[1,2],"e":{"y":3},"f":{"z":4}})";
  auto out = mask_payload(payload,
                          {full("a"), token("b"), keep("c", 1, 1), round_multiple("d", 10),
                           bucket("e", {1}), drop("f")},
                          key_for("g"));
  ASSERT_TRUE(out.ok());
  const json j = json::parse(*out);
  EXPECT_EQ(j["a"], "****");
  EXPECT_EQ(j["b"].get<std::string>().rfind("tok_", 0), 0u);
  for (const char* gone : {"c", "d", "e", "f"}) EXPECT_FALSE(j.contains(gone)) << gone;
  EXPECT_EQ(out->find("secret"), std::string::npos);
}

TEST(MaskingTest, APayloadThatIsNotAnObjectIsRefused) {
  for (const char* p : {"[1,2]", "\"text\"", "12", "{not json"}) {
    auto out = mask_payload(p, {full("v")}, key_for("g"));
    ASSERT_FALSE(out.ok()) << p;
    EXPECT_EQ(out.error().code, "bad_payload");
  }
}

// ------------------------------------------------------------------ validation

std::string code_of(const pb::FieldMask& m) {
  auto st = check_field_mask(m);
  return st.ok() ? "" : st.error().code;
}

TEST(MaskingRulesTest, FieldNamesAreOneTo64BytesOfUtf8) {
  EXPECT_EQ(code_of(full("")), "bad_mask_field");
  EXPECT_EQ(code_of(full(std::string(65, 'f'))), "bad_mask_field");
  EXPECT_EQ(code_of(full("bad\xff")), "bad_mask_field");
  EXPECT_EQ(code_of(full(std::string(64, 'f'))), "");
  EXPECT_EQ(code_of(full("客户名称")), "");
}

TEST(MaskingRulesTest, ARuleIsRequired) {
  pb::FieldMask m;
  m.set_field("v");
  EXPECT_EQ(code_of(m), "bad_mask_rule");
}

TEST(MaskingRulesTest, KeepEndsCountsAreBounded) {
  EXPECT_EQ(code_of(keep("v", 0, 0)), "bad_mask_rule");
  EXPECT_EQ(code_of(keep("v", 33, 0)), "bad_mask_rule");
  EXPECT_EQ(code_of(keep("v", 0, 33)), "bad_mask_rule");
  EXPECT_EQ(code_of(keep("v", 32, 32)), "");
  EXPECT_EQ(code_of(keep("v", 0, 4)), "");
}

TEST(MaskingRulesTest, RoundTakesExactlyOneBoundedParameter) {
  pb::FieldMask both = round_multiple("v", 10);
  both.mutable_round()->set_significant_digits(2);
  EXPECT_EQ(code_of(both), "bad_mask_rule");
  pb::FieldMask none;
  none.set_field("v");
  none.mutable_round();
  EXPECT_EQ(code_of(none), "bad_mask_rule");
  EXPECT_EQ(code_of(round_multiple("v", -10)), "bad_mask_rule");
  EXPECT_EQ(code_of(round_multiple("v", 1e16)), "bad_mask_rule");
  EXPECT_EQ(code_of(round_multiple("v", std::numeric_limits<double>::infinity())), "bad_mask_rule");
  EXPECT_EQ(code_of(round_multiple("v", std::numeric_limits<double>::quiet_NaN())),
            "bad_mask_rule");
  EXPECT_EQ(code_of(round_digits("v", 16)), "bad_mask_rule");
  EXPECT_EQ(code_of(round_digits("v", 15)), "");
  EXPECT_EQ(code_of(round_multiple("v", 0.01)), "");
}

TEST(MaskingRulesTest, BucketBoundariesAreFewFiniteAndIncreasing) {
  EXPECT_EQ(code_of(bucket("v", {})), "bad_mask_rule");
  EXPECT_EQ(code_of(bucket("v", std::vector<double>(33, 1.0))), "bad_mask_rule");
  EXPECT_EQ(code_of(bucket("v", {0, 10, 5})), "bad_mask_rule");
  EXPECT_EQ(code_of(bucket("v", {0, 10, 10})), "bad_mask_rule");
  EXPECT_EQ(code_of(bucket("v", {0, std::numeric_limits<double>::infinity()})), "bad_mask_rule");
  EXPECT_EQ(code_of(bucket("v", {-2e15, 0})), "bad_mask_rule");
  std::vector<double> many;
  for (int i = 0; i < 32; ++i) many.push_back(i);
  EXPECT_EQ(code_of(bucket("v", many)), "");
}

TEST(MaskingRulesTest, ATemplateHasAtMost64RulesOnePerField) {
  google::protobuf::RepeatedPtrField<pb::FieldMask> rules;
  for (int i = 0; i < 64; ++i) *rules.Add() = full("f" + std::to_string(i));
  EXPECT_TRUE(check_field_masks(rules).ok());
  *rules.Add() = full("f64");
  auto st = check_field_masks(rules);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "too_many_mask_rules");

  google::protobuf::RepeatedPtrField<pb::FieldMask> dup;
  *dup.Add() = full("phone");
  *dup.Add() = keep("phone", 3, 4);
  st = check_field_masks(dup);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "duplicate_mask_field");

  google::protobuf::RepeatedPtrField<pb::FieldMask> bad;
  *bad.Add() = full("ok");
  *bad.Add() = keep("phone", 0, 0);
  st = check_field_masks(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "bad_mask_rule");
}

}  // namespace
}  // namespace rl::ledger::masking
