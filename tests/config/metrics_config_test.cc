// metrics (issue 13 point 9, config.metrics in config/config.h): on and loopback-only by
// default, both keys read, and errors that name the key - an unknown access mode, a typo, and
// "admin_key" without any admin key to check against.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "config/config_loader.h"

namespace linli::config::metrics_config_test {
namespace {

using ::testing::HasSubstr;

const char* NoEnv(const char*) { return nullptr; }

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", NoEnv);
}

constexpr char kToken[] = "admin-token-0123456789abcdefghij";

TEST(ConfigMetricsTest, OnForLoopbackByDefault) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->metrics.enabled);
  EXPECT_EQ(c->metrics.access, "loopback");
  EXPECT_TRUE(MetricsConfig().enabled);  // a Config made in code
  EXPECT_EQ(MetricsConfig().access, "loopback");
}

TEST(ConfigMetricsTest, ReadsBothKeys) {
  auto c = Parse(std::string(R"({"admin": {"api_token": ")") + kToken +
                 R"("}, "metrics": {"enabled": false, "access": "admin_key"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->metrics.enabled);
  EXPECT_EQ(c->metrics.access, "admin_key");
}

TEST(ConfigMetricsTest, AdminKeyAccessWithANamedKeyOnly) {
  auto c = Parse(std::string(R"({"admin": {"api_keys": [{"name": "prom", "token": ")") + kToken +
                 R"(", "tier": "street"}]}, "metrics": {"access": "admin_key"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->metrics.access, "admin_key");
}

TEST(ConfigMetricsTest, AdminKeyAccessNeedsAnAdminKey) {
  auto c = Parse(R"({"metrics": {"access": "admin_key"}})");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("metrics.access"));
  EXPECT_THAT(c.status().message(), HasSubstr("admin.api_token"));
  // Switched off, nothing is checked against a key: fine.
  EXPECT_TRUE(Parse(R"({"metrics": {"enabled": false, "access": "admin_key"}})").ok());
}

TEST(ConfigMetricsTest, ErrorsNameTheKey) {
  auto mode = Parse(R"({"metrics": {"access": "everyone"}})");
  ASSERT_FALSE(mode.ok());
  EXPECT_THAT(mode.status().message(), HasSubstr("metrics.access"));
  EXPECT_THAT(mode.status().message(), HasSubstr("everyone"));
  auto flag = Parse(R"({"metrics": {"enabled": "yes"}})");
  ASSERT_FALSE(flag.ok());
  EXPECT_THAT(flag.status().message(), HasSubstr("metrics.enabled"));
  auto typo = Parse(R"({"metrics": {"acess": "loopback"}})");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("did you mean \"access\""));
  auto section = Parse(R"({"metrics": true})");
  ASSERT_FALSE(section.ok());
  EXPECT_THAT(section.status().message(), HasSubstr("metrics"));
}

TEST(ConfigMetricsTest, TheExampleShowsTheDefaults) {
  std::ifstream in(LINLI_SOURCE_DIR "/config/linli.example.json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  ASSERT_THAT(text.str(), HasSubstr("\"metrics\": {"));
  auto c = ParseConfig(text.str(), LINLI_SOURCE_DIR "/config/linli.example.json", NoEnv);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->metrics.enabled, MetricsConfig().enabled);
  EXPECT_EQ(c->metrics.access, MetricsConfig().access);
}

}  // namespace
}  // namespace linli::config::metrics_config_test
