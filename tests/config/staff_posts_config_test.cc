// The digest and agenda sections and the group post kinds "digest" and "agenda" (issue 11
// points 5-6).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::staff_posts_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

constexpr char kChannels[] = R"("channels": [{"name": "tg", "type": "telegram", "token": "1:a"}],
  "compound": {"name": "幸福里", "buildings": [{"id": "3", "units": ["1"]}]})";

TEST(ConfigStaffPostsTest, Defaults) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->digest.time, "08:30");
  EXPECT_EQ(c->digest.deferred_near_days, 3);
  EXPECT_EQ(c->agenda.meeting_day, 15);
  EXPECT_EQ(c->agenda.days_before, 3);
  EXPECT_EQ(c->agenda.time, "09:00");
}

TEST(ConfigStaffPostsTest, ReadsTheSectionsAndTheNewPostKinds) {
  auto c = Parse(std::string("{") + kChannels + R"(,
    "digest": {"time": "07:05", "deferred_near_days": 0},
    "agenda": {"meeting_day": 20, "days_before": 5, "time": "18:30"},
    "groups": [{"name": "staff", "channel": "tg", "chat_id": "-100", "posts": ["digest", "agenda"]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->digest.time, "07:05");
  EXPECT_EQ(c->digest.deferred_near_days, 0);
  EXPECT_EQ(c->agenda.meeting_day, 20);
  EXPECT_EQ(c->agenda.days_before, 5);
  EXPECT_EQ(c->agenda.time, "18:30");
  ASSERT_EQ(c->groups.size(), 1u);
  EXPECT_TRUE(c->groups[0].Posts("digest"));
  EXPECT_TRUE(c->groups[0].Posts("agenda"));
}

TEST(ConfigStaffPostsTest, ErrorsNameTheKey) {
  auto bad = [](const std::string& body) {
    auto c = Parse(std::string("{") + kChannels + "," + body + "}");
    EXPECT_FALSE(c.ok()) << body;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_THAT(bad(R"("digest": {"time": "8:30"})"), HasSubstr("digest.time"));
  EXPECT_THAT(bad(R"("digest": {"time": "24:00"})"), HasSubstr("digest.time"));
  EXPECT_THAT(bad(R"("digest": {"time": 830})"), HasSubstr("digest.time"));
  EXPECT_THAT(bad(R"("digest": {"deferred_near_days": -1})"), HasSubstr("digest.deferred_near_days"));
  EXPECT_THAT(bad(R"("digest": {"hour": 8})"), HasSubstr("digest.hour"));
  EXPECT_THAT(bad(R"("agenda": {"meeting_day": 31})"), HasSubstr("agenda.meeting_day"));
  EXPECT_THAT(bad(R"("agenda": {"meeting_day": 3, "days_before": 3})"),
              HasSubstr("agenda.days_before"));
  EXPECT_THAT(bad(R"("agenda": {"time": "09:60"})"), HasSubstr("agenda.time"));
  EXPECT_THAT(bad(R"("groups": [{"name": "s", "channel": "tg", "chat_id": "-1", "posts": ["digests"]}])"),
              HasSubstr("groups[0].posts"));
}

}  // namespace
}  // namespace linli::config::staff_posts_config_test
