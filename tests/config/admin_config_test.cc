// The admin section (issue 4, point 4): the admin API's bearer token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "config/config_loader.h"

namespace linli::config::admin_config_test {
namespace {

using ::testing::HasSubstr;

constexpr char kPath[] = "/etc/linli/linli.json";

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, kPath, [](const char* name) -> const char* {
    return std::strcmp(name, "LINLI_ADMIN_TOKEN") == 0 ? "env-token-0123456789abcdefXYZ" : nullptr;
  });
}

TEST(ConfigAdminTest, DefaultIsDisabled) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->admin.api_token.empty());
  auto empty = Parse(R"({"admin": {"api_token": ""}})");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->admin.api_token.empty());
}

TEST(ConfigAdminTest, TokenAndEnv) {
  auto c = Parse(R"({"admin": {"api_token": "0123456789abcdefghijklmn"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->admin.api_token, "0123456789abcdefghijklmn");
  auto e = Parse(R"({"admin": {"api_token": "${LINLI_ADMIN_TOKEN}"}})");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->admin.api_token, "env-token-0123456789abcdefXYZ");
}

TEST(ConfigAdminTest, ErrorsNameTheKey) {
  auto short_token = Parse(R"({"admin": {"api_token": "short"}})");
  ASSERT_FALSE(short_token.ok());
  EXPECT_THAT(short_token.status().message(),
              HasSubstr("admin.api_token: must be at least 24 characters"));
  auto wrong_type = Parse(R"({"admin": {"api_token": 5}})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_THAT(wrong_type.status().message(), HasSubstr("admin.api_token: must be a string"));
  auto unknown = Parse(R"({"admin": {"token": "0123456789abcdefghijklmn"}})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("admin.token: unknown key"));
}

// Issue 8: a token of blanks, or a short one padded with spaces, passed the length check.
TEST(ConfigAdminTest, WhitespaceDoesNotCountTowardsTheTokenLength) {
  for (const std::string& token :
       {std::string(30, ' '), std::string(R"(\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t)"),
        std::string("short-token") + std::string(20, ' '), std::string("a b c d e f g h i j k l m n")}) {
    auto c = Parse(R"({"admin": {"api_token": ")" + token + R"("}})");
    ASSERT_FALSE(c.ok()) << "accepted '" << token << "'";
    EXPECT_THAT(c.status().message(), HasSubstr("admin.api_token: must be at least 24 characters"));
    EXPECT_THAT(c.status().message(), HasSubstr("whitespace"));
  }
  // 24 non-space characters are enough, with or without spaces between them.
  EXPECT_TRUE(Parse(R"({"admin": {"api_token": "0123 4567 89ab cdef ghij klmn"}})").ok());
}

// Named keys (issue 8): each with a unique name, a strong distinct token and a tier; the single
// api_token is the key "admin" with tier admin.
TEST(AdminConfigTest, NamedApiKeys) {
  auto c = Parse(R"({"admin": {"api_token": "0123456789abcdefghijklmn", "api_keys": [
      {"name": "dashboard", "token": "dashboard-0123456789abcdef", "tier": "street"},
      {"name": "grid-office", "token": "grid-office-0123456789abc", "tier": "grid"}]}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto all = c->admin.AllKeys();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "admin");
  EXPECT_EQ(all[0].tier, "admin");
  EXPECT_EQ(all[1].name, "dashboard");
  EXPECT_EQ(all[1].tier, "street");
  EXPECT_EQ(all[2].tier, "grid");
  auto bad = [](const std::string& keys) {
    auto r = Parse(R"({"admin": {"api_token": "0123456789abcdefghijklmn", "api_keys": )" + keys +
                   "}}");
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_THAT(bad(R"([{"name": "a", "token": "short", "tier": "grid"}])"),
              HasSubstr("admin.api_keys[0].token: must be at least 24 characters"));
  EXPECT_THAT(bad(R"([{"name": "a", "token": "aaaaaaaaaaaaaaaaaaaaaaaa", "tier": "boss"}])"),
              HasSubstr("admin.api_keys[0].tier: must be one of"));
  EXPECT_THAT(bad(R"([{"name": "a", "token": "aaaaaaaaaaaaaaaaaaaaaaaa"}])"),
              HasSubstr("admin.api_keys[0].tier: is required"));
  EXPECT_THAT(bad(R"([{"name": "a", "token": "aaaaaaaaaaaaaaaaaaaaaaaa", "tier": "grid"},
                      {"name": "a", "token": "bbbbbbbbbbbbbbbbbbbbbbbb", "tier": "grid"}])"),
              HasSubstr("admin.api_keys[1].name: duplicate key name"));
  EXPECT_THAT(bad(R"([{"name": "admin", "token": "aaaaaaaaaaaaaaaaaaaaaaaa", "tier": "grid"}])"),
              HasSubstr("admin.api_keys[0].name"));
  EXPECT_THAT(bad(R"([{"name": "system", "token": "aaaaaaaaaaaaaaaaaaaaaaaa", "tier": "grid"}])"),
              HasSubstr("reserved"));
  EXPECT_THAT(bad(R"([{"name": "b", "token": "0123456789abcdefghijklmn", "tier": "grid"}])"),
              HasSubstr("must differ from admin.api_token"));
}

}  // namespace
}  // namespace linli::config::admin_config_test
