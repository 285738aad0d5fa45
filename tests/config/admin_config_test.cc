// The admin section (issue 4, point 4): the admin API's bearer token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "config/config_loader.h"

namespace linli::config {
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

}  // namespace
}  // namespace linli::config
