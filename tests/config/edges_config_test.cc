// Issue 11's config keys: compound.places, sla.deferred_remind_days_before, and unset
// channel secrets for offline commands (EnvPolicy).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::edges_config_test {
namespace {

using ::testing::HasSubstr;

constexpr char kPath[] = "/etc/linli/linli.json";

StatusOr<Config> Parse(const std::string& text, EnvPolicy policy = EnvPolicy::kStrict) {
  return ParseConfig(text, kPath, [](const char*) -> const char* { return nullptr; }, policy);
}

void ExpectError(const std::string& text, const std::string& expected) {
  auto c = Parse(text);
  ASSERT_FALSE(c.ok()) << "accepted: " << text;
  EXPECT_THAT(c.status().message(), HasSubstr(expected)) << text;
}

constexpr char kCompound[] = R"("compound": {"name": "幸福里", "buildings": [{"id": "1", "units": ["1"]}])";

TEST(EdgesConfigTest, PlacesAreReadAndDefaultToNone) {
  auto none = Parse(std::string("{") + kCompound + "}}");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->compound.places.empty());
  auto c = Parse(std::string("{") + kCompound +
                 R"(, "places": [{"id": "south_gate", "label": "南门"}, {"id": "car_park", "label": "停车场"}]}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->compound.places.size(), 2u);
  EXPECT_EQ(c->compound.places[0].id, "south_gate");
  EXPECT_EQ(c->compound.places[1].label, "停车场");
}

TEST(EdgesConfigTest, PlaceErrorsNameTheKey) {
  ExpectError(std::string("{") + kCompound + R"(, "places": {}}})", "compound.places: must be an array");
  ExpectError(std::string("{") + kCompound + R"(, "places": [{"label": "南门"}]}})",
              "compound.places[0].id: is required");
  ExpectError(std::string("{") + kCompound +
                  R"(, "places": [{"id": "a", "label": "南门"}, {"id": "b", "label": "南门"}]}})",
              "compound.places[1].label: duplicate \"南门\"");
  ExpectError(std::string("{") + kCompound + R"(, "places": [{"id": "a", "label": "南门", "lable": 1}]}})",
              "compound.places[0].lable");
}

TEST(EdgesConfigTest, DeferredReminderDaysBefore) {
  auto d = Parse("{}");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sla.deferred_remind_days_before, 0);
  auto c = Parse(R"({"sla": {"deferred_remind_days_before": 2}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->sla.deferred_remind_days_before, 2);
  ExpectError(R"({"sla": {"deferred_remind_days_before": 31}})", "sla.deferred_remind_days_before");
  ExpectError(R"({"sla": {"deferred_remind_days_before": -1}})", "sla.deferred_remind_days_before");
}

TEST(EdgesConfigTest, UnsetChannelVariablesAreEmptyOnlyWhenAllowedAndOnlyInChannels) {
  const std::string text =
      R"({"channels": [{"name": "tg", "type": "telegram", "token": "${UNSET_TOKEN}"}]})";
  auto strict = Parse(text);
  ASSERT_FALSE(strict.ok());
  EXPECT_THAT(strict.status().message(),
              HasSubstr("channels[0].token: environment variable UNSET_TOKEN is not set"));
  auto offline = Parse(text, EnvPolicy::kChannelSecretsOptional);
  ASSERT_TRUE(offline.ok()) << offline.status().ToString();
  ASSERT_EQ(offline->channels.size(), 1u);
  EXPECT_EQ(offline->channels[0].Field("token"), "");
  auto elsewhere = Parse(R"({"storage": {"sqlite": {"path": "${UNSET_PATH}"}}})",
                         EnvPolicy::kChannelSecretsOptional);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_THAT(elsewhere.status().message(), HasSubstr("storage.sqlite.path: environment variable"));
}

}  // namespace
}  // namespace linli::config::edges_config_test
