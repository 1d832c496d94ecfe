// Property: whatever the payload and the rules, no raw value of the payload is found in the masked
// output (tests/ledger/masking_random.hpp says what counts as a raw value). The end-to-end form of
// this property, over the third-party routes, is in tests/app/third_party_property_test.cpp.
#include <gtest/gtest.h>

#include "ledger/masking.hpp"
#include "tests/ledger/masking_random.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;

TEST(MaskingPropertyTest, NoRawValueAppearsInAnyMaskedPayload) {
  const std::uint64_t seed = property_seed(20260601);
  std::cout << "masking property seed=" << seed << " (REGLEDGER_PROPERTY_SEED replays it)\n";
  MaskingRandom gen(seed);
  const Bytes mask_key(ledger::masking::kMaskKeyBytes, 0x5a);
  std::size_t checked = 0;
  for (int round = 0; round < 400; ++round) {
    const std::size_t fields = 1 + gen.below(12);
    std::vector<ledger::pb::FieldMask> rules;
    json payload = json::object();
    std::vector<std::string> raw;
    for (std::size_t f = 0; f < fields; ++f) {
      const std::string name = "f" + std::to_string(f);
      // Some fields have no rule at all: they must be dropped.
      if (gen.below(5) != 0) rules.push_back(gen.rule(name));
      payload[name] = gen.value();
      MaskingRandom::raw_values(payload[name], raw);
    }
    const std::string grant = "grant-" + std::to_string(gen.below(3));
    auto key = ledger::masking::token_key(crypto::Suite::kP256Sha256, mask_key, grant);
    ASSERT_TRUE(key.ok());
    auto out =
        ledger::masking::mask_payload(payload.dump(), rules, {crypto::Suite::kP256Sha256, *key});
    ASSERT_TRUE(out.ok()) << out.error().to_string();
    for (const auto& r : raw) {
      ++checked;
      ASSERT_EQ(out->find(r), std::string::npos)
          << "seed " << seed << " round " << round << ": raw value " << r << " in " << *out
          << " from " << payload.dump();
    }
    // Nothing without a rule reaches the output.
    const json masked = json::parse(*out);
    for (const auto& [name, v] : masked.items()) {
      const bool ruled =
          std::any_of(rules.begin(), rules.end(), [&](const auto& m) { return m.field() == name; });
      EXPECT_TRUE(ruled) << name;
    }
  }
  EXPECT_GT(checked, 1000u);
}

}  // namespace
}  // namespace rl::testing
