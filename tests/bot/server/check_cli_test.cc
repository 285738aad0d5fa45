// `linli check --config FILE [--online]` (issue 15 point 2), run through its function against
// fake Telegram, WeChat, WeCom, Feishu and DingTalk APIs on loopback, and once through the real
// binary: one line per channel, a wrong secret named with the platform's code and its hint in
// the configured locale, then all ok once it is fixed; offline it calls nothing.
#include "bot/server/check_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/bot/server/platform_cli_harness.h"
#include "tests/fakes/fake_dingtalk_api.h"
#include "tests/fakes/fake_feishu_api.h"

namespace linli::check_cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PlatformCliHarness;

class CheckCliTest : public ::testing::Test {
 protected:
  PlatformCliHarness::Result Check(const std::string& config, bool online = true) {
    std::vector<std::string> args = {"--config", config};
    if (online) args.push_back("--online");
    return h_.Run(RunCheckCommand, args);
  }
  PlatformCliHarness h_;
};

// The issue's "done when": one wrong secret shows its hint, then all ok.
TEST_F(CheckCliTest, OneWrongSecretShowsItsHintThenAllOk) {
  h_.RegisterTelegramWebhook();
  const std::string config = h_.WriteConfig();
  h_.env()["LINLI_WX_SECRET"] = "not-the-app-secret";
  auto r = Check(config);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("the config is valid; 2 channel(s): tg (telegram), wx (wechat_mp)"));
  EXPECT_THAT(r.out, HasSubstr("wx (wechat_mp): 40125 - wrong secret: the platform refused the app "
                               "secret"));
  EXPECT_THAT(r.out, HasSubstr("tg (telegram): ok - bot @linli_test_bot; webhook "
                               "https://linli.example.org/webhook/tg, 0 pending"));
  EXPECT_THAT(r.out, HasSubstr("1 of 2 channel(s) need attention"));
  EXPECT_THAT(r.out, Not(HasSubstr("not-the-app-secret")));

  h_.env()["LINLI_WX_SECRET"] = testing::kWxSecret;
  r = Check(config);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("wx (wechat_mp): ok - the platform does not show its server URL: in "
                               "its console it must be https://linli.example.org/webhook/wx"));
  EXPECT_THAT(r.out, HasSubstr("all 2 channel(s) checked online are ok"));
  // Each check asked for a token: two fetches, the first refused.
  ASSERT_EQ(h_.wx().requests("/cgi-bin/token").size(), 2u);
  EXPECT_EQ(h_.wx().requests("/cgi-bin/token")[0].errcode, 40125);
  EXPECT_EQ(h_.tg().requests("getMe").size(), 2u);
  EXPECT_EQ(h_.tg().requests("getWebhookInfo").size(), 2u);
}

TEST_F(CheckCliTest, AnIpNotOnTheAllowListIsNamed) {
  h_.RegisterTelegramWebhook();
  h_.wx().FailNext("/cgi-bin/token", 1, 40164,
                   "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 6397e9df");
  auto r = Check(h_.WriteConfig());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("wx (wechat_mp): 40164 - this server's IP 203.0.113.7 is not on the "
                               "account's IP allow-list"));
}

TEST_F(CheckCliTest, TelegramProblemsAreNamed) {
  // No webhook yet.
  const std::string config = h_.WriteConfig();
  auto r = Check(config);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("tg (telegram): Telegram has no webhook for this bot: run linli "
                               "telegram set-webhook --public-url URL"));
  // Registered elsewhere.
  testing::FakeTelegramApi::Webhook old;
  old.url = "https://old.example.org/hook";
  h_.tg().SetWebhook(old);
  r = Check(config);
  EXPECT_THAT(r.out, HasSubstr("Telegram delivers to https://old.example.org/hook, not to "
                               "https://linli.example.org/webhook/tg"));
  // Deliveries refused with 401: the secret Telegram holds is not ours.
  h_.RegisterTelegramWebhook();
  auto w = h_.tg().webhook();
  w.pending_update_count = 4;
  w.last_error_date = 1795568400;
  w.last_error_message = "Wrong response from the webhook: 401 Unauthorized";
  h_.tg().SetWebhook(w);
  r = Check(config);
  EXPECT_THAT(r.out, HasSubstr("Telegram's deliveries are refused (Wrong response from the webhook: "
                               "401 Unauthorized): the secret_token Telegram holds is not the "
                               "channel's"));
  // A wrong token.
  h_.env()["LINLI_TG_TOKEN"] = "123456:not-the-token";
  r = Check(config);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("tg (telegram): 401 - wrong token: Telegram refused the bot token"));
  EXPECT_THAT(r.out, Not(HasSubstr("not-the-token")));
}

TEST_F(CheckCliTest, OfflineCallsNothing) {
  auto r = Check(h_.WriteConfig(), /*online=*/false);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("the config is valid"));
  EXPECT_THAT(r.out, HasSubstr("add --online to call each channel's platform"));
  EXPECT_EQ(h_.tg().server().exchange_count(), 0u);
  EXPECT_EQ(h_.wx().server().exchange_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(h_.dir() + "/linli.db"));  // nothing written
}

TEST_F(CheckCliTest, WhatServeWouldRefuseIsRefused) {
  // A channel field the adapter refuses (not a bot token), named by its key.
  h_.env()["LINLI_TG_TOKEN"] = "not-a-token";
  auto r = Check(h_.WriteConfig(), /*online=*/false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("channels[tg].token: not a bot token"));
  // An unset secret (check needs them, like serve).
  h_.env()["LINLI_TG_TOKEN"] = testing::kTgToken;
  h_.env().erase("LINLI_WX_SECRET");
  r = Check(h_.WriteConfig());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("LINLI_WX_SECRET is not set"));
  EXPECT_EQ(h_.wx().server().exchange_count(), 0u);
  // A database folder that does not exist.
  h_.env()["LINLI_WX_SECRET"] = testing::kWxSecret;
  h_.SetDbPath("/nonexistent-linli-dir/linli.db");
  const std::string config = h_.WriteConfig();
  r = Check(config, /*online=*/false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("storage.sqlite.path: /nonexistent-linli-dir is not a writable"));
  // Usage.
  EXPECT_EQ(h_.Run(RunCheckCommand, {"--online"}).exit_code, 2);
  EXPECT_EQ(h_.Run(RunCheckCommand, {"--config", config, "--bogus"}).exit_code, 2);
}

TEST_F(CheckCliTest, HintsAreInTheConfiguredLocale) {
  h_.RegisterTelegramWebhook();
  h_.env()["LINLI_WX_SECRET"] = "wrong";
  auto r = Check(h_.WriteConfig("", "", "", "zh-CN"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("wx（wechat_mp）：40125 - 密钥不对：平台拒绝了应用密钥"));
  EXPECT_THAT(r.out, HasSubstr("tg（telegram）：正常 - 机器人 @linli_test_bot"));
}

TEST_F(CheckCliTest, EveryPlatformGetsItsLine) {
  testing::FakeFeishuApi fs("cli_a1b2c3d4e5", "fs-app-secret");
  testing::FakeDingTalkApi dd;
  dd.SetApp("dingappkey0001", "dd-app-secret");
  h_.RegisterTelegramWebhook();
  h_.env()["LINLI_FS_SECRET"] = "fs-wrong";
  const std::string extra =
      h_.WecomChannel() +
      R"(, {"name": "fs", "type": "feishu", "app_id": "cli_a1b2c3d4e5", "app_secret": "${LINLI_FS_SECRET}",)"
      R"( "verification_token": "v", "encrypt_key": "k", "api_base": ")" + fs.api_base() + R"("})" +
      R"(, {"name": "dd", "type": "dingtalk_bot", "app_key": "dingappkey0001", "app_secret": "dd-app-secret",)"
      R"( "api_base": ")" + dd.server().base_url() + R"("})" +
      R"(, {"name": "staff", "type": "wecom_robot", "key": "robot-key"})";
  const std::string config = h_.WriteConfig("", extra);
  auto r = Check(config);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("wc (wecom_app): ok"));
  EXPECT_THAT(r.out, HasSubstr("fs (feishu): 10014 - wrong secret"));
  EXPECT_THAT(r.out, HasSubstr("dd (dingtalk_bot): ok"));
  EXPECT_THAT(r.out, HasSubstr("staff (wecom_robot): not checked online (a send-only robot"));
  EXPECT_THAT(r.out, HasSubstr("1 of 5 channel(s) need attention"));
  EXPECT_EQ(h_.wc().requests("/cgi-bin/gettoken").size(), 1u);
  EXPECT_EQ(dd.token_fetches(), 1u);

  h_.env()["LINLI_FS_SECRET"] = "fs-app-secret";
  dd.SetApp("dingappkey0001", "rotated");
  r = Check(config);
  EXPECT_THAT(r.out, HasSubstr("fs (feishu): ok"));
  EXPECT_THAT(r.out, HasSubstr("dd (dingtalk_bot): invalidClientIdOrSecret - the platform refused "
                               "app_key / app_secret"));
}

// Through the real binary: the exit code and the lines a shell sees.
TEST_F(CheckCliTest, TheBinaryPrintsTheSameLines) {
  h_.RegisterTelegramWebhook();
  const std::string config = h_.WriteConfig();
  h_.env()["LINLI_WX_SECRET"] = "wrong";
  auto r = h_.RunBinary({"check", "--config", config, "--online"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("wx (wechat_mp): 40125 - wrong secret"));
  h_.env()["LINLI_WX_SECRET"] = testing::kWxSecret;
  r = h_.RunBinary({"check", "--config", config, "--online"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("tg (telegram): ok"));
  EXPECT_THAT(r.out, HasSubstr("wx (wechat_mp): ok"));
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace linli::check_cli_test
