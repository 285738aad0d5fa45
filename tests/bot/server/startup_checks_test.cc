#include "bot/server/startup_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "config/config_loader.h"

namespace linli::startup_checks_test {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

config::Config WithWechat(const std::string& mode) {
  config::Config c;
  c.source_path = "/etc/linli/linli.json";
  config::ChannelConfig w;
  w.name = "wx";
  w.type = "wechat_mp";
  w.fields = {{"token", "t"}, {"app_id", "wx1"}, {"app_secret", "s"}, {"mode", mode}};
  if (mode != "plain") w.fields["encoding_aes_key"] = std::string(43, 'A');
  c.channels.push_back(w);
  return c;
}

// Issue 8: plain mode is unauthenticated beyond the token; serve must say so at start.
TEST(StartupChecksTest, PlainModeWechatChannelIsWarnedAbout) {
  EXPECT_THAT(StartupWarnings(WithWechat("plain"), "{}", 0100600),
              ElementsAre(AllOf(HasSubstr("channels[wx]"), HasSubstr("plain mode"),
                                HasSubstr("unauthenticated beyond the token"))));
  EXPECT_THAT(StartupWarnings(WithWechat("safe"), "{}", 0100600), IsEmpty());
  EXPECT_THAT(StartupWarnings(WithWechat("compatible"), "{}", 0100600), IsEmpty());
}

constexpr char kLiteral[] = R"({
  // a comment, as the loader allows
  "channels": [{"name": "tg", "type": "telegram", "token": "123:REAL-SECRET",
                "secret_token": "${TG_SECRET}"}],
  "admin": {"api_token": "${LINLI_ADMIN_TOKEN}"}
})";
constexpr char kFromEnv[] = R"({
  "channels": [{"name": "dd", "type": "dingtalk_bot", "app_key": "dingpublickey",
                "app_secret": "${DD_SECRET}"}],
  "admin": {"api_token": "${LINLI_ADMIN_TOKEN}"}
})";

// Issue 8: a world-readable config with a literal secret went unnoticed.
TEST(StartupChecksTest, ReadableConfigWithALiteralSecretIsWarnedAbout) {
  config::Config c;
  c.source_path = "/etc/linli/linli.json";
  const auto w = StartupWarnings(c, kLiteral, 0100644);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_THAT(w[0], HasSubstr("/etc/linli/linli.json is readable by group or others (mode 644)"));
  EXPECT_THAT(w[0], HasSubstr("channels[0].token"));
  EXPECT_THAT(w[0], Not(HasSubstr("secret_token")));  // written as ${TG_SECRET}
  EXPECT_THAT(w[0], Not(HasSubstr("REAL-SECRET")));   // never the value
  EXPECT_THAT(StartupWarnings(c, kLiteral, 0100640), ::testing::SizeIs(1));  // group only
  EXPECT_THAT(StartupWarnings(c, kLiteral, 0100604), ::testing::SizeIs(1));  // others only
  // Private file, or every secret from the environment: nothing to say.
  EXPECT_THAT(StartupWarnings(c, kLiteral, 0100600), IsEmpty());
  EXPECT_THAT(StartupWarnings(c, kFromEnv, 0100644), IsEmpty());
}

TEST(StartupChecksTest, ReadsTheConfigFileItself) {
  char tmpl[] = "/tmp/linli_startup_checks_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/linli.json";
  {
    std::ofstream out(path);
    out << kLiteral;
  }
  config::Config c;
  c.source_path = path;
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_THAT(StartupWarningsForFile(c),
              ElementsAre(AllOf(HasSubstr(path), HasSubstr("channels[0].token"))));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_THAT(StartupWarningsForFile(c), IsEmpty());
  std::filesystem::remove_all(tmpl);
  // Gone meanwhile: the channel warnings still come.
  config::Config plain = WithWechat("plain");
  plain.source_path = path;
  EXPECT_THAT(StartupWarningsForFile(plain), ::testing::SizeIs(1));
}

}  // namespace
}  // namespace linli::startup_checks_test
