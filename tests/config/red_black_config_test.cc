// property_companies and red_black (issue 11 point 7): defaults, every key read, and errors
// that name the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::red_black_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

constexpr char kCompound[] =
    R"("compound": {"name": "X", "buildings": [{"id": "1", "units": ["1"]}, {"id": "2", "units": ["1"]}]})";

TEST(ConfigRedBlackTest, Defaults) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->property_companies.empty());
  EXPECT_EQ(c->red_black.min_tickets, 5);
  EXPECT_EQ(c->red_black.min_appraisals, 10);
  EXPECT_EQ(c->red_black.top_n, 1);
  EXPECT_EQ(c->red_black.bottom_n, 1);
}

TEST(ConfigRedBlackTest, ReadsEveryKey) {
  auto c = Parse(std::string("{") + kCompound + R"(,
    "property_companies": [{"id": "sun", "name": "阳光物业", "buildings": ["1"]},
                           {"id": "home", "name": "安居物业", "buildings": ["2"]}],
    "red_black": {"min_tickets": 3, "min_appraisals": 7, "top_n": 2, "bottom_n": 0},
    "channels": [{"name": "tg", "type": "telegram", "token": "x", "secret_token": "y"}],
    "groups": [{"name": "work", "channel": "tg", "chat_id": "-1", "posts": ["reports"]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->property_companies.size(), 2u);
  EXPECT_EQ(c->property_companies[0].id, "sun");
  EXPECT_EQ(c->property_companies[0].name, "阳光物业");
  EXPECT_EQ(c->property_companies[1].buildings, std::vector<std::string>{"2"});
  EXPECT_EQ(c->red_black.min_tickets, 3);
  EXPECT_EQ(c->red_black.min_appraisals, 7);
  EXPECT_EQ(c->red_black.top_n, 2);
  EXPECT_EQ(c->red_black.bottom_n, 0);
  ASSERT_EQ(c->groups.size(), 1u);
  EXPECT_TRUE(c->groups[0].Posts("reports"));
}

TEST(ConfigRedBlackTest, ErrorsNameTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("property_companies": [{"id": "a", "name": "A", "buildings": ["9"]}])",
       "property_companies[0].buildings[0]"},
      {R"("property_companies": [{"id": "a", "name": "A", "buildings": ["1"]},
                                 {"id": "b", "name": "B", "buildings": ["1"]}])",
       "property_companies[1].buildings[0]"},
      {R"("property_companies": [{"id": "a", "name": "A", "buildings": ["1"]},
                                 {"id": "a", "name": "B", "buildings": ["2"]}])",
       "property_companies[1].id"},
      {R"("property_companies": [{"id": "A B", "name": "A", "buildings": ["1"]}])",
       "property_companies[0].id"},
      {R"("property_companies": [{"id": "a", "buildings": ["1"]}])", "property_companies[0].name"},
      {R"("property_companies": [{"id": "a", "name": "A", "buildings": []}])",
       "property_companies[0].buildings"},
      {R"("property_companies": [{"id": "a", "name": "A", "buildings": ["1"], "phone": "1"}])",
       "property_companies[0].phone"},
      {R"("property_companies": {"id": "a"})", "property_companies"},
      {R"("red_black": {"min_tickets": -1})", "red_black.min_tickets"},
      {R"("red_black": {"top_n": 101})", "red_black.top_n"},
      {R"("red_black": {"bottom_n": "2"})", "red_black.bottom_n"},
      {R"("red_black": {"min_apraisals": 2})", "red_black.min_apraisals"},
  };
  for (const auto& [json, key] : cases) {
    auto c = Parse(std::string("{") + kCompound + "," + json + "}");
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_THAT(c.status().message(), HasSubstr(key)) << json;
  }
}

}  // namespace
}  // namespace linli::config::red_black_config_test
