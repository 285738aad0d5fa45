// departments (issue 11 point 8, 联动处置): defaults, every key read, a robot's chat_id left
// out, and errors that name the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::departments_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

constexpr char kChannels[] =
    R"("channels": [{"name": "tg", "type": "telegram", "token": "x", "secret_token": "y"},
                    {"name": "robot", "type": "wecom_robot", "key": "k"}])";

TEST(ConfigDepartmentsTest, DefaultIsNone) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->departments.empty());
}

TEST(ConfigDepartmentsTest, ReadsEveryKeyAndARobotNeedsNoChatId) {
  auto c = Parse(std::string("{") + kChannels + R"(,
    "departments": [{"id": "chengguan", "name": "城管", "channel": "robot"},
                    {"id": "water", "name": "供水", "channel": "tg", "chat_id": "-100",
                     "remind_hours": 48}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->departments.size(), 2u);
  EXPECT_EQ(c->departments[0].id, "chengguan");
  EXPECT_EQ(c->departments[0].name, "城管");
  EXPECT_EQ(c->departments[0].channel, "robot");
  EXPECT_FALSE(c->departments[0].chat_id.empty());  // a robot's one chat
  EXPECT_EQ(c->departments[0].remind_hours, 24);
  EXPECT_EQ(c->departments[1].chat_id, "-100");
  EXPECT_EQ(c->departments[1].remind_hours, 48);
}

TEST(ConfigDepartmentsTest, ErrorsNameTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("departments": [{"id": "a", "name": "A", "channel": "fax"}])", "departments[0].channel"},
      {R"("departments": [{"id": "a", "name": "A", "channel": "robot"},
                          {"id": "a", "name": "B", "channel": "robot"}])",
       "departments[1].id"},
      {R"("departments": [{"id": "a", "name": "A", "channel": "robot"},
                          {"id": "b", "name": "A", "channel": "robot"}])",
       "departments[1].name"},
      {R"("departments": [{"id": "A B", "name": "A", "channel": "robot"}])", "departments[0].id"},
      {R"("departments": [{"id": "a", "channel": "robot"}])", "departments[0].name"},
      {R"("departments": [{"id": "a", "name": "A"}])", "departments[0].channel"},
      {R"("departments": [{"id": "a", "name": "A", "channel": "tg"}])", "departments[0].chat_id"},
      {R"("departments": [{"id": "a", "name": "A", "channel": "robot", "remind_hours": 0}])",
       "departments[0].remind_hours"},
      {R"("departments": [{"id": "a", "name": "A", "channel": "robot", "remind_hour": 2}])",
       "departments[0].remind_hour"},
      {R"("departments": {"id": "a"})", "departments"},
  };
  for (const auto& [json, key] : cases) {
    auto c = Parse(std::string("{") + kChannels + "," + json + "}");
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_THAT(c.status().message(), HasSubstr(key)) << json;
  }
}

}  // namespace
}  // namespace linli::config::departments_config_test
