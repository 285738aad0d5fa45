#include "bot/number.h"

#include <gtest/gtest.h>

namespace linli::number_test {
namespace {

TEST(NumberTest, PositiveDecimalsOnly) {
  EXPECT_EQ(ParsePositive("42"), 42);
  EXPECT_EQ(ParsePositive("007"), 7);
  EXPECT_FALSE(ParsePositive(""));
  EXPECT_FALSE(ParsePositive("0"));
  EXPECT_FALSE(ParsePositive("-1"));
  EXPECT_FALSE(ParsePositive("+1"));
  EXPECT_FALSE(ParsePositive(" 1"));
  EXPECT_FALSE(ParsePositive("1a"));
  EXPECT_FALSE(ParsePositive("１"));  // a full-width digit
}

TEST(NumberTest, AtMostMaxDigitsAndNeverOverflowing) {
  EXPECT_EQ(ParsePositive("999999999999999"), 999999999999999);  // 15 digits: the default
  EXPECT_FALSE(ParsePositive("1000000000000000"));
  EXPECT_EQ(ParsePositive("123456", 6), 123456);
  EXPECT_FALSE(ParsePositive("1234567", 6));
  EXPECT_EQ(ParsePositive("999999999999999999", 18), 999999999999999999);
  EXPECT_FALSE(ParsePositive("9999999999999999999", 30));  // capped at 18 digits
}

}  // namespace
}  // namespace linli::number_test
