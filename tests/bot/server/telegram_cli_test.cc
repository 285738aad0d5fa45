// `linli telegram set-webhook|webhook-info` (issue 15 point 3) against the fake Bot API on
// loopback: setWebhook reaches Telegram with the channel's webhook URL, its secret_token, the
// update kinds Linli handles and (when asked) drop_pending_updates; webhook-info prints what
// Telegram holds and the check line; a public URL Telegram would refuse is a usage error.
#include "bot/server/telegram_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/bot/server/platform_cli_harness.h"

namespace linli::telegram_cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
using testing::PlatformCliHarness;

TEST(TelegramCliTest, SetWebhookSendsTheRightPayload) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig();
  auto r = h.Run(RunTelegramCommand, {"set-webhook", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto calls = h.tg().requests("setWebhook");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].token, testing::kTgToken);
  EXPECT_EQ(calls[0].body, json::parse(R"({"url": "https://linli.example.org/webhook/tg",
      "secret_token": "tg-secret_2026", "allowed_updates": ["message", "callback_query"]})"));
  EXPECT_EQ(h.tg().webhook().secret_token, testing::kTgSecret);
  EXPECT_THAT(r.out, HasSubstr("tg: webhook set to https://linli.example.org/webhook/tg (updates: "
                               "message, callback_query; with the channel's secret_token)"));
  EXPECT_THAT(r.out, HasSubstr("tg (telegram): ok - bot @linli_test_bot"));
  EXPECT_THAT(r.out, Not(HasSubstr(testing::kTgSecret)));  // never printed
}

TEST(TelegramCliTest, PublicUrlOptionAndDroppingPendingUpdates) {
  PlatformCliHarness h;
  testing::FakeTelegramApi::Webhook w;
  w.url = "https://old.example.org/hook";
  w.pending_update_count = 7;
  h.tg().SetWebhook(w);
  const std::string config = h.WriteConfig();
  auto r = h.Run(RunTelegramCommand, {"set-webhook", "--config", config, "--public-url",
                                      "https://bot.example.org:8443/xf/", "--drop-pending-updates",
                                      "--channel", "tg"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto calls = h.tg().requests("setWebhook");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].body.at("url"), "https://bot.example.org:8443/xf/webhook/tg");
  EXPECT_EQ(calls[0].body.at("drop_pending_updates"), true);
  EXPECT_EQ(h.tg().webhook().pending_update_count, 0);
  EXPECT_THAT(r.out, HasSubstr("pending updates dropped"));
}

TEST(TelegramCliTest, AUrlTelegramWouldRefuseIsAUsageError) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig();
  for (const char* url : {"http://linli.example.org", "https://linli.example.org:8080"}) {
    auto r = h.Run(RunTelegramCommand, {"set-webhook", "--config", config, "--public-url", url});
    EXPECT_EQ(r.exit_code, 2) << url;
    EXPECT_THAT(r.err, HasSubstr("linli: ")) << url;
  }
  EXPECT_EQ(h.tg().requests("setWebhook").size(), 0u);
  EXPECT_EQ(h.Run(RunTelegramCommand, {"set-webhook"}).exit_code, 2);
  EXPECT_EQ(h.Run(RunTelegramCommand, {"unset-webhook", "--config", config}).exit_code, 2);
  EXPECT_EQ(h.Run(RunTelegramCommand, {"webhook-info", "--config", config, "--drop-pending-updates"})
                .exit_code,
            2);
}

TEST(TelegramCliTest, TelegramsRefusalIsPrintedWithItsCode) {
  PlatformCliHarness h;
  h.tg().FailNext("setWebhook", 1, 400,
                  R"({"ok":false,"error_code":400,"description":"Bad Request: bad webhook: Failed to resolve host"})");
  auto r = h.Run(RunTelegramCommand, {"set-webhook", "--config", h.WriteConfig()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("tg: Telegram refused setWebhook: 400 - the platform answered an "
                               "error: Bad Request: bad webhook: Failed to resolve host"));
}

TEST(TelegramCliTest, WebhookInfoPrintsWhatTelegramHoldsAndTheCheck) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig();
  auto none = h.Run(RunTelegramCommand, {"webhook-info", "--config", config});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.out, HasSubstr("url: (none)"));
  EXPECT_THAT(none.out, HasSubstr("Telegram has no webhook for this bot"));

  h.RegisterTelegramWebhook();
  auto w = h.tg().webhook();
  w.pending_update_count = 4;
  w.last_error_date = 1795568400;
  w.last_error_message = "Wrong response from the webhook: 401 Unauthorized";
  h.tg().SetWebhook(w);
  auto r = h.Run(RunTelegramCommand, {"webhook-info", "--config", config});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("url: https://linli.example.org/webhook/tg\n"));
  EXPECT_THAT(r.out, HasSubstr("pending updates: 4\n"));
  EXPECT_THAT(r.out, HasSubstr("last error: 2026-11-25 01:00:00 UTC: Wrong response from the "
                               "webhook: 401 Unauthorized\n"));
  EXPECT_THAT(r.out, HasSubstr("max connections: 40\n"));
  EXPECT_THAT(r.out, HasSubstr("update kinds: message, callback_query\n"));
  EXPECT_THAT(r.out, HasSubstr("the secret_token Telegram holds is not the channel's"));

  // After set-webhook: delivered again, nothing pending - ok.
  w.pending_update_count = 0;
  w.last_error_message.clear();
  h.tg().SetWebhook(w);
  r = h.Run(RunTelegramCommand, {"webhook-info", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("tg (telegram): ok"));
}

TEST(TelegramCliTest, SeveralTelegramChannelsNeedAName) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig(
      "", R"({"name": "tg2", "type": "telegram", "token": "999:other", "secret_token": "s2"})");
  auto r = h.Run(RunTelegramCommand, {"webhook-info", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("several telegram channels (tg, tg2): name one with --channel NAME"));
  r = h.Run(RunTelegramCommand, {"webhook-info", "--config", config, "--channel", "tg3"});
  EXPECT_THAT(r.err, HasSubstr("no telegram channel named tg3 (telegram channels: tg, tg2)"));
}

}  // namespace
}  // namespace linli::telegram_cli_test
