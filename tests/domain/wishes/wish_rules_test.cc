#include "domain/wishes/wish_rules.h"

#include <gtest/gtest.h>

namespace linli::domain::wish_rules_test {
namespace {

TEST(WishRulesTest, DeadlinesAreRealDatesNotInThePast) {
  EXPECT_TRUE(ValidDeadline("2026-12-01", "2026-12-01"));
  EXPECT_TRUE(ValidDeadline("2028-02-29", "2026-12-01"));
  EXPECT_FALSE(ValidDeadline("2027-02-29", "2026-12-01"));
  EXPECT_FALSE(ValidDeadline("2026-11-30", "2026-12-01"));
  EXPECT_FALSE(ValidDeadline("2026-13-01", "2026-12-01"));
  EXPECT_FALSE(ValidDeadline("明天", "2026-12-01"));
  EXPECT_FALSE(ValidDeadline("2026-1-05", "2026-01-01"));
}

TEST(WishRulesTest, HoursAreReadWithOneDecimal) {
  EXPECT_EQ(ParseHoursTenths("2"), 20);
  EXPECT_EQ(ParseHoursTenths("1.5"), 15);
  EXPECT_EQ(ParseHoursTenths("１.５"), 15);
  EXPECT_EQ(ParseHoursTenths("2小时"), 20);
  EXPECT_EQ(ParseHoursTenths("3个小时"), 30);
  EXPECT_EQ(ParseHoursTenths("0.5h"), 5);
  EXPECT_FALSE(ParseHoursTenths("1.25").has_value());
  EXPECT_FALSE(ParseHoursTenths("-1").has_value());
  EXPECT_FALSE(ParseHoursTenths("很久").has_value());
  EXPECT_FALSE(ParseHoursTenths("").has_value());
  EXPECT_FALSE(ParseHoursTenths("169").has_value());  // more than a week of work
  EXPECT_EQ(FormatHoursTenths(15), "1.5");
  EXPECT_EQ(FormatHoursTenths(20), "2");
}

TEST(WishRulesTest, HelperCountsAreOneToTwenty) {
  EXPECT_EQ(ParseHelpers("2"), 2);
  EXPECT_EQ(ParseHelpers("３人"), 3);
  EXPECT_EQ(ParseHelpers("2个人"), 2);
  EXPECT_FALSE(ParseHelpers("0").has_value());
  EXPECT_FALSE(ParseHelpers("21").has_value());
  EXPECT_FALSE(ParseHelpers("两").has_value());
}

TEST(WishRulesTest, CharactersAreCodePoints) {
  EXPECT_EQ(CountChars("买药"), 2u);
  EXPECT_EQ(CountChars("ab"), 2u);
}

}  // namespace
}  // namespace linli::domain::wish_rules_test
