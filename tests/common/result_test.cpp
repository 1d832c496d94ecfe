#include "common/result.hpp"

#include <gtest/gtest.h>

namespace rl {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return make_error("odd", "cannot halve an odd number");
  return x / 2;
}

Result<int> quarter(int x) {
  RL_ASSIGN_OR_RETURN(int h, half(x));
  RL_ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "odd");
}

TEST(Result, WrongAccessIsProgrammerError) {
  auto r = half(3);
  EXPECT_THROW((void)r.value(), std::logic_error);
  auto ok = half(4);
  EXPECT_THROW((void)ok.error(), std::logic_error);
}

}  // namespace
}  // namespace rl
