// How REGLEDGER_BYZANTINE is read (node/validator/byzantine/modes.cpp): swallow_txs is a mode of
// its own that "all" leaves out, so that the Byzantine tests' all-modes phases keep asserting
// that every accepted tx is committed. The parser is compiled in from its source: no library of
// the node holds it.
#include "node/validator/byzantine/modes.hpp"

#include <gtest/gtest.h>

namespace rl::node::byzantine {
namespace {

TEST(ByzantineModesTest, SwallowTxsParsesByName) {
  auto s = parse_settings("swallow_txs", "7");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_TRUE(s->enabled(Mode::kSwallowTxs));
  EXPECT_EQ(s->modes_text(), "swallow_txs");
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(mode_name(Mode::kSwallowTxs), "swallow_txs");
}

TEST(ByzantineModesTest, AllIsEveryModeButSwallowTxs) {
  auto s = parse_settings("all", nullptr);
  ASSERT_TRUE(s.ok());
  for (std::size_t i = 0; i < kModeCount; ++i) {
    const auto m = static_cast<Mode>(i);
    EXPECT_EQ(s->enabled(m), m != Mode::kSwallowTxs) << mode_name(m);
  }
  EXPECT_EQ(s->modes_text(),
            "equivocate,double_vote,unknown_votes,bad_proposals,lying_status,bad_parts,"
            "withhold_parts");
}

TEST(ByzantineModesTest, AllWithSwallowTxsIsEveryMode) {
  for (const char* text : {"all,swallow_txs", "swallow_txs,all"}) {
    auto s = parse_settings(text, nullptr);
    ASSERT_TRUE(s.ok()) << text;
    for (std::size_t i = 0; i < kModeCount; ++i) {
      EXPECT_TRUE(s->on[i]) << text << ": " << mode_name(static_cast<Mode>(i));
    }
  }
}

TEST(ByzantineModesTest, NoModeAndUnknownNames) {
  auto none = parse_settings("", nullptr);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->any());
  EXPECT_EQ(none->modes_text(), "none");
  for (const char* bad : {"swallow", "swallow_txs,nope", "SWALLOW_TXS"}) {
    auto s = parse_settings(bad, nullptr);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "bad_byzantine_setting") << bad;
  }
}

}  // namespace
}  // namespace rl::node::byzantine
