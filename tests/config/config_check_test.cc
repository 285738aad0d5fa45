#include "config/config_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "config/config_loader.h"
#include "config/time_zones.h"

namespace linli::config::config_check_test {
namespace {

using ::testing::HasSubstr;

constexpr char kPath[] = "/etc/linli/linli.json";
const std::string kLocales = LINLI_TESTDATA_DIR "/config/locales";

// Keys as a registry would give them; the real registry is checked in
// tests/bot/server/startup_test.cc.
const ChannelKeysByType& Keys() {
  static const auto* const kKeys = new ChannelKeysByType{
      {"console", {}},
      {"telegram", {{"token", "secret_token", "bot_username", "timeout_ms"}, {}}},
      {"wechat_mp", {{"token", "app_id", "app_secret"}, {"menu_", "template_"}}},
  };
  return *kKeys;
}

Texts LoadTexts() {
  auto t = Texts::Load(kLocales, {"zh-CN", "en"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Texts();
}

Status Check(const Config& c) {
  static const Texts* const kTexts = new Texts(LoadTexts());
  return CheckConfig(c, {*kTexts, Keys(), DefaultZoneInfoDir()});
}

Config Base() {
  Config c;
  c.source_path = kPath;
  return c;
}

ChannelConfig Channel(std::string name, std::string type,
                      std::map<std::string, std::string> fields) {
  ChannelConfig ch;
  ch.name = std::move(name);
  ch.type = std::move(type);
  ch.fields = std::move(fields);
  return ch;
}

TEST(ConfigCheckTest, TheDefaultsPass) { EXPECT_TRUE(Check(Base()).ok()) << Check(Base()).message(); }

// tests/testdata/config/minimal.json and its locales stay a valid whole config.
TEST(ConfigCheckTest, TheMinimalTestConfigPasses) {
  auto cfg = LoadConfigFile(LINLI_TESTDATA_DIR "/config/minimal.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto texts = Texts::Load(cfg->locale_dir, {cfg->locale, "zh-CN", "en"});
  ASSERT_TRUE(texts.ok()) << texts.status().ToString();
  Status st = CheckConfig(*cfg, {*texts, Keys(), DefaultZoneInfoDir()});
  EXPECT_TRUE(st.ok()) << st.message();
}

// Regression: "Beijing" was accepted and TZ silently read it as UTC.
TEST(ConfigCheckTest, ATimezoneThatIsNotAnIanaNameStopsWithAGuess) {
  Config c = Base();
  c.timezone = "Beijing";
  Status st = Check(c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), std::string(kPath) +
                              ": timezone: \"Beijing\" is not an IANA time zone (did you mean "
                              "Asia/Shanghai?)");
  c.timezone = "Asia/Shangai";
  EXPECT_EQ(Check(c).message(), std::string(kPath) +
                                    ": timezone: \"Asia/Shangai\" is not an IANA time zone (did "
                                    "you mean Asia/Shanghai?)");
  c.timezone = "Nowhere/At_All_Really";
  EXPECT_EQ(Check(c).message(), std::string(kPath) +
                                    ": timezone: \"Nowhere/At_All_Really\" is not an IANA time "
                                    "zone (such as Asia/Shanghai)");
  for (const char* good : {"Asia/Shanghai", "UTC", "America/New_York", "Europe/Berlin"}) {
    c.timezone = good;
    EXPECT_TRUE(Check(c).ok()) << good << ": " << Check(c).message();
  }
}

TEST(ConfigCheckTest, AMissingTimeZoneDatabaseIsNamed) {
  static const Texts* const kTexts = new Texts(LoadTexts());
  Status st = CheckConfig(Base(), {*kTexts, Keys(), "/nonexistent-linli-zoneinfo"});
  EXPECT_EQ(st.message(), std::string(kPath) +
                              ": timezone: cannot check \"Asia/Shanghai\": no time zone database "
                              "at /nonexistent-linli-zoneinfo (install tzdata)");
}

// Regression: a category without a label was shown to residents as [category.elevator].
TEST(ConfigCheckTest, ACategoryWithoutALabelInEveryLocaleStops) {
  Config c = Base();
  c.categories = {"repair", "elevator", "repiar"};
  Status st = Check(c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            std::string(kPath) + ": categories[1]: \"elevator\" has no label \"category.elevator\" in " +
                kLocales + "/en.json, " + kLocales + "/zh-CN.json\n" + kPath +
                ": categories[2]: \"repiar\" has no label \"category.repiar\" in " + kLocales +
                "/en.json, " + kLocales + "/zh-CN.json (did you mean repair?)");
}

TEST(ConfigCheckTest, ALabelMissingInOneLocaleNamesOnlyThatFile) {
  auto texts = Texts::Load(kLocales, {"fr"});  // fr.json has no category labels
  ASSERT_TRUE(texts.ok()) << texts.status().ToString();
  Config c = Base();
  c.categories = {"repair"};
  Status st = CheckConfig(c, {*texts, Keys(), DefaultZoneInfoDir()});
  EXPECT_EQ(st.message(), std::string(kPath) +
                              ": categories[0]: \"repair\" has no label \"category.repair\" in " +
                              kLocales + "/fr.json");
}

// Regression: channels[tg].secret_tokn passed `linli migrate`.
TEST(ConfigCheckTest, AChannelKeyItsAdapterDoesNotKnowStops) {
  Config c = Base();
  c.channels.push_back(Channel("tg", "telegram", {{"token", "1:a"}, {"secret_tokn", "s"}}));
  Status st = Check(c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), std::string(kPath) +
                              ": channels[tg].secret_tokn: unknown key (did you mean secret_token?)");

  c.channels[0].fields = {{"webhook_url", "x"}};
  EXPECT_EQ(Check(c).message(),
            std::string(kPath) +
                ": channels[tg].webhook_url: unknown key (known: token, secret_token, "
                "bot_username, timeout_ms)");
}

TEST(ConfigCheckTest, KeyFamiliesAcceptTheirPrefixOnlyWithASuffix) {
  Config c = Base();
  c.channels.push_back(Channel("wx", "wechat_mp",
                               {{"token", "t"}, {"menu_REPORT", "/report"},
                                {"template_ticket_status", "TM1"},
                                {"template_ticket_status_fields", "keyword1=number"}}));
  EXPECT_TRUE(Check(c).ok()) << Check(c).message();
  c.channels[0].fields["menu_"] = "/report";
  EXPECT_EQ(Check(c).message(), std::string(kPath) +
                                    ": channels[wx].menu_: unknown key (known: token, app_id, "
                                    "app_secret, menu_..., template_...)");
  c.channels[0].fields.erase("menu_");
  c.channels.push_back(Channel("me", "console", {{"token", "t"}}));
  EXPECT_EQ(Check(c).message(),
            std::string(kPath) + ": channels[me].token: unknown key (console takes none)");
}

TEST(ConfigCheckTest, AnUnknownChannelTypeIsNamedWithAGuess) {
  Config c = Base();
  c.channels.push_back(Channel("tg", "telegrm", {{"token", "1:a"}}));
  EXPECT_EQ(Check(c).message(),
            std::string(kPath) + ": channels[tg].type: unknown type \"telegrm\" (did you mean telegram?)");
  c.channels[0].type = "matrix";
  EXPECT_EQ(Check(c).message(), std::string(kPath) +
                                    ": channels[tg].type: unknown type \"matrix\" (known: console, "
                                    "telegram, wechat_mp)");
}

TEST(ConfigCheckTest, EveryProblemIsReportedOnItsOwnLineInOrder) {
  Config c = Base();
  c.timezone = "Beijing";
  c.categories = {"repair", "elevator"};
  c.channels.push_back(Channel("tg", "telegram", {{"secret_tokn", "s"}}));
  Status st = Check(c);
  const std::string& m = st.message();
  EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 2) << m;
  const size_t tz = m.find(": timezone: ");
  const size_t cat = m.find(": categories[1]: ");
  const size_t key = m.find(": channels[tg].secret_tokn: ");
  ASSERT_NE(tz, std::string::npos);
  ASSERT_NE(cat, std::string::npos);
  ASSERT_NE(key, std::string::npos);
  EXPECT_LT(tz, cat);
  EXPECT_LT(cat, key);
}

TEST(ConfigCheckTest, WithoutASourcePathMessagesStartWithTheKey) {
  Config c;  // built in code: no file
  c.timezone = "Beijing";
  EXPECT_THAT(Check(c).message(), ::testing::StartsWith("timezone: \"Beijing\""));
}

}  // namespace
}  // namespace linli::config::config_check_test
