// The wishes section and the groups list (issue 9).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::wishes_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

constexpr char kChannels[] = R"("channels": [{"name": "tg", "type": "telegram", "token": "1:a"}],
  "compound": {"name": "幸福里", "buildings": [{"id": "3", "units": ["1"]}, {"id": "5", "units": ["1"]}]})";

TEST(ConfigWishesTest, Defaults) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->wishes.categories,
            (std::vector<std::string>{"life", "medical", "repair", "shopping", "other"}));
  EXPECT_TRUE(c->wishes.require_approval);
  EXPECT_EQ(c->wishes.auto_confirm_days, 3);
  EXPECT_EQ(c->wishes.claim_reminder_days, 2);
  EXPECT_EQ(c->wishes.claim_release_days, 4);
  EXPECT_TRUE(c->groups.empty());
}

TEST(ConfigWishesTest, ReadsWishesAndGroups) {
  auto c = Parse(std::string("{") + kChannels + R"(,
    "wishes": {"categories": ["life", "ride"], "require_approval": false, "points_per_wish": 5,
               "points_per_hour": 2, "auto_confirm_days": 7, "claim_reminder_days": 1,
               "claim_release_days": 3},
    "groups": [{"name": "volunteers", "channel": "tg", "chat_id": "-100123", "posts": ["wishes"],
                "buildings": ["3"]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->wishes.categories, (std::vector<std::string>{"life", "ride"}));
  EXPECT_FALSE(c->wishes.require_approval);
  EXPECT_EQ(c->wishes.points_per_wish, 5);
  EXPECT_EQ(c->wishes.points_per_hour, 2);
  EXPECT_EQ(c->wishes.auto_confirm_days, 7);
  ASSERT_EQ(c->groups.size(), 1u);
  const GroupConfig& g = c->groups[0];
  EXPECT_EQ(g.chat_id, "-100123");
  EXPECT_TRUE(g.Posts("wishes"));
  EXPECT_TRUE(g.Serves("3"));
  EXPECT_FALSE(g.Serves("5"));
}

TEST(ConfigWishesTest, ErrorsNameTheKey) {
  auto bad = [](const std::string& body) {
    auto c = Parse(std::string("{") + kChannels + "," + body + "}");
    EXPECT_FALSE(c.ok()) << body;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_THAT(bad(R"("wishes": {"claim_reminder_days": 4, "claim_release_days": 4})"),
              HasSubstr("wishes.claim_release_days: must be > wishes.claim_reminder_days"));
  EXPECT_THAT(bad(R"("wishes": {"categories": []})"), HasSubstr("wishes.categories: must be a non-empty array"));
  EXPECT_THAT(bad(R"("wishes": {"aprove": true})"), HasSubstr("wishes.aprove"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "wx", "chat_id": "1", "posts": ["wishes"]}])"),
              HasSubstr("groups[0].channel: names no configured channel"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["votes"]}])"),
              HasSubstr("groups[0].posts: unknown kind \"votes\""));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1"}])"),
              HasSubstr("groups[0].posts: is required"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["wishes"], "buildings": ["9"]}])"),
              HasSubstr("groups[0].buildings[0]: names no building"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "posts": ["wishes"]}])"),
              HasSubstr("groups[0].chat_id"));
}

// Issue 11: "tickets" with a categories filter, "escalations" with a tiers filter.
TEST(ConfigWishesTest, ReadsTicketAndEscalationRouting) {
  auto c = Parse(std::string("{") + kChannels + R"(,
    "groups": [{"name": "property", "channel": "tg", "chat_id": "-1", "posts": ["tickets"],
                "categories": ["repair"], "buildings": ["3"]},
               {"name": "street", "channel": "tg", "chat_id": "-2", "posts": ["escalations"],
                "tiers": ["street"]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->groups.size(), 2u);
  EXPECT_TRUE(c->groups[0].Posts("tickets"));
  EXPECT_TRUE(c->groups[0].TakesCategory("repair"));
  EXPECT_FALSE(c->groups[0].TakesCategory("noise"));
  EXPECT_TRUE(c->groups[1].Posts("escalations"));
  EXPECT_TRUE(c->groups[1].TakesTier("street"));
  EXPECT_FALSE(c->groups[1].TakesTier("community"));
  EXPECT_TRUE(c->groups[1].TakesCategory("noise"));  // no filter: all
}

TEST(ConfigWishesTest, RoutingErrorsNameTheKey) {
  auto bad = [](const std::string& body) {
    auto c = Parse(std::string("{") + kChannels + "," + body + "}");
    EXPECT_FALSE(c.ok()) << body;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["ticket"]}])"),
              HasSubstr("groups[0].posts: unknown kind \"ticket\" (did you mean \"tickets\"?)"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["tickets"], "categories": ["bogus"]}])"),
              HasSubstr("groups[0].categories: names no category"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["escalations"], "tiers": ["stret"]}])"),
              HasSubstr("groups[0].tiers: unknown tier \"stret\" (did you mean \"street\"?)"));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["wishes"], "tiers": ["street"]}])"),
              HasSubstr("groups[0].tiers: filters \"escalations\""));
  EXPECT_THAT(bad(R"("groups": [{"name": "g", "channel": "tg", "chat_id": "1", "posts": ["tickets"], "categorys": []}])"),
              HasSubstr("groups[0].categorys: unknown key (did you mean \"categories\"?)"));
}

}  // namespace
}  // namespace linli::config::wishes_config_test
