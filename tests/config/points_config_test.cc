// The volunteers list and the points section (issue 9).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::points_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

TEST(ConfigPointsTest, Defaults) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->volunteers.empty());
  EXPECT_TRUE(c->points.catalogue.empty());
  EXPECT_EQ(c->points.exchange_day, 15);
  EXPECT_EQ(c->points.leaderboard_size, 10);
}

TEST(ConfigPointsTest, ReadsVolunteersAndTheCatalogue) {
  auto c = Parse(R"({
    "volunteers": [{"channel": "console", "user_id": "v1", "name": "小张", "organisation": "税务局党支部"}],
    "points": {"exchange_day": 20, "leaderboard_size": 5, "catalogue": [
      {"id": "soap", "label": {"zh-CN": "肥皂", "en": "Soap"}, "cost": 5, "stock": 3},
      {"id": "haircut", "label_key": "points.item.haircut", "cost": 20}]}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->volunteers.size(), 1u);
  EXPECT_EQ(c->volunteers[0].user_id, "v1");
  EXPECT_EQ(c->volunteers[0].name, "小张");
  EXPECT_EQ(c->volunteers[0].organisation, "税务局党支部");
  EXPECT_EQ(c->points.exchange_day, 20);
  EXPECT_EQ(c->points.leaderboard_size, 5);
  ASSERT_EQ(c->points.catalogue.size(), 2u);
  EXPECT_EQ(c->points.catalogue[0].labels.at("en"), "Soap");
  EXPECT_EQ(c->points.catalogue[0].stock, 3);
  EXPECT_EQ(c->points.catalogue[1].label_key, "points.item.haircut");
  EXPECT_EQ(c->points.catalogue[1].stock, -1);  // unlimited
  EXPECT_EQ(c->points.catalogue[1].cost, 20);
}

TEST(ConfigPointsTest, ErrorsNameTheKey) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {R"({"points": {"exchange_day": 31}})", "points.exchange_day: must be 1..28"},
      {R"({"points": {"catalogue": [{"id": "soap", "label": {"zh-CN": "x"}}]}})",
       "points.catalogue[0].cost: is required"},
      {R"({"points": {"catalogue": [{"id": "soap", "cost": 0, "label": {"zh-CN": "x"}}]}})",
       "points.catalogue[0].cost: must be 1..1000000"},
      {R"({"points": {"catalogue": [{"id": "Soap!", "cost": 1, "label": {"zh-CN": "x"}}]}})",
       "points.catalogue[0].id: must be lowercase"},
      {R"({"points": {"catalogue": [{"id": "a", "cost": 1}]}})", "points.catalogue[0].label: is required"},
      {R"({"points": {"catalogue": [{"id": "a", "cost": 1, "label": {"zh-CN": "x"}},
                                   {"id": "a", "cost": 2, "label": {"zh-CN": "y"}}]}})",
       "points.catalogue[1].id: duplicate item"},
      {R"({"points": {"catalog": []}})", "points.catalog: unknown key"},
      {R"({"volunteers": [{"channel": "console", "user_id": "v1"}]})", "volunteers[0].name: is required"},
      {R"({"volunteers": [{"channel": "nope", "user_id": "v1", "name": "x"}]})",
       "volunteers[0].channel: no channel named"},
      {R"({"volunteers": [{"channel": "console", "user_id": "v1", "name": "x"},
                          {"channel": "console", "user_id": "v1", "name": "y"}]})",
       "volunteers[1].user_id: duplicate volunteer"},
  };
  for (const Case& c : cases) {
    auto parsed = Parse(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.error)) << c.text;
  }
}

}  // namespace
}  // namespace linli::config::points_config_test
