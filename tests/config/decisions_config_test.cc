// The decisions section (issue 10): reminder hours, appraisal criteria, building heads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::decisions_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

TEST(ConfigDecisionsTest, Defaults) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->decisions.reminder_hours, 24);
  EXPECT_EQ(c->decisions.appraisal_criteria.size(), 5u);
  EXPECT_TRUE(c->building_heads.empty());
}

TEST(ConfigDecisionsTest, ReadsEveryKey) {
  auto c = Parse(R"({"compound": {"name": "X", "buildings": [{"id": "3", "units": ["1"]}]},
    "decisions": {"reminder_hours": 6, "appraisal_criteria": ["service", "cleaning"]},
    "building_heads": [{"channel": "tg", "user_id": "42", "buildings": ["3"], "name": "王阿姨"}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->decisions.reminder_hours, 6);
  EXPECT_EQ(c->decisions.appraisal_criteria, (std::vector<std::string>{"service", "cleaning"}));
  ASSERT_EQ(c->building_heads.size(), 1u);
  EXPECT_EQ(c->building_heads[0].user_id, "42");
  EXPECT_EQ(c->building_heads[0].buildings, std::vector<std::string>{"3"});
  EXPECT_EQ(c->building_heads[0].name, "王阿姨");
}

// building_heads moved from decisions to the top level (one concept for 代投 and 代许愿); the
// old place is refused with a message that says where it went.
TEST(ConfigDecisionsTest, BuildingHeadsUnderDecisionsRefusedAsMoved) {
  auto c = Parse(R"({"compound": {"name": "X", "buildings": [{"id": "3", "units": ["1"]}]},
    "decisions": {"building_heads": [{"channel": "tg", "user_id": "42", "buildings": ["3"]}]}})");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("decisions.building_heads"));
  EXPECT_THAT(c.status().message(), HasSubstr("moved to the top-level key building_heads"));
  auto empty = Parse(R"({"compound": {"name": "X", "buildings": [{"id": "3", "units": ["1"]}]},
    "building_heads": [{"channel": "tg", "user_id": "42", "buildings": []}]})");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("building_heads[0].buildings"));
}

TEST(ConfigDecisionsTest, ErrorsNameTheKey) {
  auto hours = Parse(R"({"decisions": {"reminder_hours": 1000}})");
  ASSERT_FALSE(hours.ok());
  EXPECT_THAT(hours.status().message(), HasSubstr("decisions.reminder_hours"));
  auto head = Parse(R"({"building_heads": [{"channel": "tg", "user_id": "1", "buildings": ["9"]}]})");
  ASSERT_FALSE(head.ok());
  EXPECT_THAT(head.status().message(), HasSubstr("building_heads[0].buildings"));
  auto typo = Parse(R"({"decisions": {"reminder_hour": 3}})");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("reminder_hours"));
}

TEST(ConfigDecisionsTest, TheQuarterlyAppraisal) {
  auto d = Parse("{}");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->decisions.appraisal.enabled);
  EXPECT_EQ(d->decisions.appraisal.opens_day, 1);
  EXPECT_EQ(d->decisions.appraisal.open_days, 14);
  auto c = Parse(R"({"compound": {"name": "X", "buildings": [{"id": "3", "units": ["1"]}]},
    "decisions": {"appraisal": {"enabled": true, "opens_day": 10, "open_days": 7,
                                "buildings": ["3"]}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->decisions.appraisal.enabled);
  EXPECT_EQ(c->decisions.appraisal.opens_day, 10);
  EXPECT_EQ(c->decisions.appraisal.open_days, 7);
  EXPECT_EQ(c->decisions.appraisal.buildings, std::vector<std::string>{"3"});
  auto day = Parse(R"({"decisions": {"appraisal": {"opens_day": 31}}})");
  ASSERT_FALSE(day.ok());
  EXPECT_THAT(day.status().message(), HasSubstr("decisions.appraisal.opens_day"));
  auto b = Parse(R"({"decisions": {"appraisal": {"buildings": ["9"]}}})");
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr("decisions.appraisal.buildings"));
}

}  // namespace
}  // namespace linli::config::decisions_config_test
