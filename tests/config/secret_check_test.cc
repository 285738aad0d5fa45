#include "config/secret_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace linli::config::secret_check_test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SecretCheckTest, SecretKeyNames) {
  for (const char* k : {"token", "secret_token", "app_secret", "secret", "encoding_aes_key",
                        "encrypt_key", "verification_token", "api_token", "API_TOKEN",
                        "password", "db_passwd", "private_key", "api_key", "key"}) {
    EXPECT_TRUE(IsSecretKeyName(k)) << k;
  }
  for (const char* k : {"app_key", "app_id", "corp_id", "agent_id", "name", "type", "mode",
                        "api_base", "robot_code", "template_ticket_status", "menu_REPORT",
                        "keyword"}) {
    EXPECT_FALSE(IsSecretKeyName(k)) << k;
  }
}

TEST(SecretCheckTest, LiteralSecretKeysAreListedByPathNeverByValue) {
  auto keys = LiteralSecretKeys(R"({
    /* comment */
    "channels": [
      {"name": "tg", "token": "${TG_TOKEN}", "secret_token": "plain-text-secret"},
      {"name": "wx", "token": "", "app_secret": "prefix-${WX}", "encoding_aes_key": "$${X}"}
    ],
    "admin": {"api_token": "0123456789abcdefghijklmn"},
    "storage": {"sqlite": {"path": "linli.db"}}
  })",
                                "linli.json");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_THAT(*keys, ElementsAre("admin.api_token", "channels[0].secret_token",
                                 "channels[1].app_secret", "channels[1].encoding_aes_key"));
  auto none = LiteralSecretKeys(R"({"admin": {"api_token": "${LINLI_ADMIN_TOKEN}"}})", "x");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_FALSE(LiteralSecretKeys("{oops", "x").ok());
}

TEST(SecretCheckTest, ReadableByGroupOrOthers) {
  EXPECT_FALSE(ReadableByGroupOrOthers(0100600));
  EXPECT_FALSE(ReadableByGroupOrOthers(0100700));
  EXPECT_FALSE(ReadableByGroupOrOthers(0100620));  // group may write, not read: still private
  EXPECT_TRUE(ReadableByGroupOrOthers(0100640));
  EXPECT_TRUE(ReadableByGroupOrOthers(0100604));
  EXPECT_TRUE(ReadableByGroupOrOthers(0100644));
}

}  // namespace
}  // namespace linli::config::secret_check_test
