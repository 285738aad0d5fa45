// The sla and rating sections (issue 4): defaults, inheritance, and key-named errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::sla_config_test {
namespace {

using ::testing::HasSubstr;

constexpr char kPath[] = "/etc/linli/linli.json";

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, kPath, [](const char*) -> const char* { return nullptr; });
}

void ExpectError(const std::string& text, const std::string& expected) {
  auto c = Parse(text);
  ASSERT_FALSE(c.ok()) << "accepted: " << text;
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr(expected)) << text;
}

TEST(ConfigSlaTest, Defaults) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sla.defaults.accept_hours, 24);
  EXPECT_EQ(c->sla.defaults.resolve_hours, 72);
  EXPECT_TRUE(c->sla.tiers.empty());
  EXPECT_TRUE(c->sla.categories.empty());
  EXPECT_EQ(c->rating.auto_close_days, 3);
  EXPECT_EQ(c->sla.For("repair", "street").resolve_hours, 72);
}

TEST(ConfigSlaTest, MostSpecificEntryWinsAndMissingKeysAreInherited) {
  auto c = Parse(R"({
    "sla": {
      "accept_hours": 12, "resolve_hours": 48,
      "tiers": {"street": {"resolve_hours": 240}},
      "categories": {
        "safety": {"accept_hours": 2, "resolve_hours": 24,
                   "tiers": {"community": {"accept_hours": 4}}},
        "noise": {"resolve_hours": 96}
      }
    },
    "rating": {"auto_close_days": 7}
  })");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const SlaConfig& s = c->sla;
  EXPECT_EQ(s.For("repair", "compound").accept_hours, 12);
  EXPECT_EQ(s.For("repair", "street").accept_hours, 12);      // inherited from the top level
  EXPECT_EQ(s.For("repair", "street").resolve_hours, 240);
  EXPECT_EQ(s.For("safety", "compound").accept_hours, 2);
  EXPECT_EQ(s.For("safety", "community").accept_hours, 4);
  EXPECT_EQ(s.For("safety", "community").resolve_hours, 24);  // inherited from the category
  EXPECT_EQ(s.For("noise", "compound").accept_hours, 12);
  EXPECT_EQ(s.For("noise", "compound").resolve_hours, 96);
  EXPECT_EQ(c->rating.auto_close_days, 7);
}

TEST(ConfigSlaTest, ErrorsNameTheKey) {
  ExpectError(R"({"sla": {"accept_hours": 0}})", "linli.json: sla.accept_hours: must be 1..8784");
  ExpectError(R"({"sla": {"accept_hours": "2"}})", "sla.accept_hours: must be an integer");
  ExpectError(R"({"sla": {"accept_hours": 48, "resolve_hours": 24}})",
              "sla.resolve_hours: must be >= sla.accept_hours (48) (got 24)");
  ExpectError(R"({"sla": {"accept_hour": 4}})", "sla.accept_hour: unknown key (did you mean \"accept_hours\"?)");
  ExpectError(R"({"sla": {"tiers": {"grid": {}}}})", "sla.tiers.grid: unknown key");
  ExpectError(R"({"sla": {"tiers": {"street": 5}}})", "sla.tiers.street: must be an object");
  ExpectError(R"({"sla": {"categories": {"fire": {}}}})",
              "sla.categories.fire: unknown category (categories are sanitation|repair");
  ExpectError(R"({"sla": {"categories": []}})", "sla.categories: must be an object");
  ExpectError(R"({"sla": {"categories": {"safety": {"resolve_hours": 1, "accept_hours": 2}}}})",
              "sla.categories.safety.resolve_hours: must be >= sla.categories.safety.accept_hours");
  ExpectError(R"({"sla": {"categories": {"safety": {"tiers": {"street": {"accept_hours": -1}}}}}})",
              "sla.categories.safety.tiers.street.accept_hours: must be 1..8784");
  ExpectError(R"({"rating": {"auto_close_days": 0}})", "rating.auto_close_days: must be 1..365");
  ExpectError(R"({"rating": {"days": 3}})", "rating.days: unknown key");
  ExpectError(R"({"rating": 3})", "rating: must be an object");
}

TEST(ConfigSlaTest, CategoriesMayBeConfiguredBeforeOrAfterSla) {
  auto c = Parse(R"({"sla": {"categories": {"lift": {"accept_hours": 1}}}, "categories": ["lift"]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sla.For("lift", "compound").accept_hours, 1);
}

}  // namespace
}  // namespace linli::config::sla_config_test
