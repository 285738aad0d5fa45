// The media section (issue 11 point 4): the photo folder, the size cap, retention.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::media_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

TEST(ConfigMediaTest, DefaultsPutTheFolderBesideTheDatabase) {
  auto c = Parse(R"({"storage": {"sqlite": {"path": "/var/lib/linli/linli.db"}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->media.dir, "/var/lib/linli/media");
  EXPECT_EQ(c->media.max_bytes, 10 * 1024 * 1024);
  EXPECT_EQ(c->media.retention_days, 180);
  EXPECT_EQ(c->media.max_attempts, 8);
  auto plain = Parse("{}");  // storage.sqlite.path "linli.db": the cwd
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->media.dir, "media");
}

TEST(ConfigMediaTest, ReadsEveryKey) {
  auto c = Parse(R"({"media": {"dir": "/srv/photos", "max_bytes": 2097152, "retention_days": 30,
                               "max_attempts": 3}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->media.dir, "/srv/photos");
  EXPECT_EQ(c->media.max_bytes, 2097152);
  EXPECT_EQ(c->media.retention_days, 30);
  EXPECT_EQ(c->media.max_attempts, 3);
}

TEST(ConfigMediaTest, ErrorsNameTheKey) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {R"({"media": {"max_bytes": 10}})", "media.max_bytes"},
      {R"({"media": {"max_bytes": "10MB"}})", "media.max_bytes"},
      {R"({"media": {"retention_days": 0}})", "media.retention_days"},
      {R"({"media": {"max_attempts": 0}})", "media.max_attempts"},
      {R"({"media": {"dir": ""}})", "media.dir"},
      {R"({"media": {"retention_day": 3}})", "retention_days"},  // did you mean
      {R"({"media": []})", "media"},
  };
  for (const auto& k : cases) {
    auto c = Parse(k.text);
    ASSERT_FALSE(c.ok()) << "accepted: " << k.text;
    EXPECT_THAT(c.status().message(), HasSubstr(k.expected)) << k.text;
  }
}

}  // namespace
}  // namespace linli::config::media_config_test
