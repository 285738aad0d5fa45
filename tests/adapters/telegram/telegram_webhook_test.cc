// Registering and checking a Telegram webhook, pure (adapters/telegram/telegram_webhook.h):
// the setWebhook body, the URL rules, the answers of getMe / getWebhookInfo / setWebhook, and
// what they say about a channel (the hints `linli check --online` prints).
#include "adapters/telegram/telegram_webhook.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace linli::adapters::telegram::telegram_webhook_test {
namespace {

using nlohmann::json;

StatusOr<HttpResponse> Answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

const char kUnauthorized[] = R"({"ok":false,"error_code":401,"description":"Unauthorized"})";

TEST(TelegramWebhookTest, SetWebhookAsksForTheHandledUpdatesWithTheSecret) {
  ApiCall call = EncodeSetWebhook("https://linli.example.org/webhook/tg", "s3cret_-X", false);
  EXPECT_EQ(call.method, "setWebhook");
  EXPECT_EQ(call.content_type, "application/json");
  EXPECT_EQ(json::parse(call.body), json::parse(R"({"url":"https://linli.example.org/webhook/tg",
      "secret_token":"s3cret_-X","allowed_updates":["message","callback_query"]})"));
  ApiCall drop = EncodeSetWebhook("https://x.org/webhook/tg", "s", true);
  EXPECT_EQ(json::parse(drop.body).at("drop_pending_updates"), true);
  EXPECT_EQ(EncodeGetMe().method, "getMe");
  EXPECT_EQ(EncodeGetWebhookInfo().method, "getWebhookInfo");
}

TEST(TelegramWebhookTest, WebhookUrlIsTheChannelsPathOnAnHttpsPort) {
  EXPECT_EQ(*WebhookUrl("https://linli.example.org", "tg"), "https://linli.example.org/webhook/tg");
  EXPECT_EQ(*WebhookUrl("https://linli.example.org/xf/", "tg"),
            "https://linli.example.org/xf/webhook/tg");
  EXPECT_EQ(*WebhookUrl("https://linli.example.org:8443", "tg"),
            "https://linli.example.org:8443/webhook/tg");
  for (const char* bad : {"http://linli.example.org", "https://", "https://x.org:8080",
                          "https://x.org:abc", "https://x.org/?a=1", "linli.example.org"}) {
    auto url = WebhookUrl(bad, "tg");
    EXPECT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(WebhookUrl("https://x.org:8080", "tg").status().message().find("443, 80, 88 and 8443"),
            std::string::npos);
}

TEST(TelegramWebhookTest, DecodesTheAnswers) {
  auto me = DecodeGetMe(Answer(200, R"({"ok":true,"result":{"id":42,"is_bot":true,
      "first_name":"Linli","username":"xingfuli_bot"}})"));
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me.value->id, 42);
  EXPECT_EQ(me.value->username, "xingfuli_bot");

  auto info = DecodeWebhookInfo(Answer(200, R"({"ok":true,"result":{
      "url":"https://x.org/webhook/tg","has_custom_certificate":false,"pending_update_count":3,
      "ip_address":"203.0.113.9","last_error_date":1795568400,
      "last_error_message":"Wrong response from the webhook: 401 Unauthorized",
      "max_connections":40,"allowed_updates":["message"]}})"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value->url, "https://x.org/webhook/tg");
  EXPECT_EQ(info.value->pending_update_count, 3);
  EXPECT_EQ(info.value->ip_address, "203.0.113.9");
  EXPECT_EQ(info.value->last_error_date, 1795568400);
  EXPECT_EQ(info.value->last_error_message, "Wrong response from the webhook: 401 Unauthorized");
  EXPECT_EQ(info.value->max_connections, 40);
  ASSERT_TRUE(info.value->allowed_updates.has_value());
  EXPECT_EQ(*info.value->allowed_updates, std::vector<std::string>{"message"});
  auto bare = DecodeWebhookInfo(Answer(200, R"({"ok":true,"result":{"url":"","pending_update_count":0}})"));
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare.value->allowed_updates.has_value());

  EXPECT_TRUE(DecodeSetWebhook(Answer(200, R"({"ok":true,"result":true,"description":"Webhook was set"})")).ok());
}

TEST(TelegramWebhookTest, FailuresKeepTelegramsCode) {
  auto refused = DecodeGetMe(Answer(401, kUnauthorized));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure.error_code, 401);
  EXPECT_EQ(refused.failure.description, "Unauthorized");
  auto bad = DecodeSetWebhook(Answer(400, R"({"ok":false,"error_code":400,
      "description":"Bad Request: bad webhook: An HTTPS URL must be provided for webhook"})"));
  EXPECT_EQ(bad.failure.error_code, 400);
  auto down = DecodeGetMe(Status::Unavailable("connection refused"));
  EXPECT_EQ(down.failure.error_code, 0);
  EXPECT_EQ(down.failure.description, "no connection (UNAVAILABLE)");
  auto html = DecodeWebhookInfo(Answer(502, "<html>bad gateway</html>"));
  EXPECT_EQ(html.failure.error_code, 0);
  EXPECT_EQ(html.failure.description, "HTTP 502 without a Bot API answer");
}

ApiAnswer<BotUser> Me() {
  ApiAnswer<BotUser> me;
  me.value = BotUser{42, "xingfuli_bot", "Linli"};
  return me;
}

ApiAnswer<WebhookInfo> Info(std::string url, int64_t pending = 0, std::string error = "") {
  ApiAnswer<WebhookInfo> info;
  WebhookInfo w;
  w.url = std::move(url);
  w.pending_update_count = pending;
  w.last_error_message = std::move(error);
  w.allowed_updates = std::vector<std::string>{"message", "callback_query"};
  info.value = w;
  return info;
}

std::vector<std::string> Hints(const std::vector<ProbeFinding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.hint);
  return out;
}

using Strings = std::vector<std::string>;
constexpr char kExpected[] = "https://linli.example.org/webhook/tg";

TEST(TelegramWebhookTest, JudgeBotAWorkingBot) {
  auto info = Info(kExpected);
  ProbeResult r = JudgeBot(Me(), &info, kExpected);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(Hints(r.notes), (Strings{"bot", "webhook", "secret_unreadable"}));
  EXPECT_EQ(r.notes[0].args.at(0).second, "@xingfuli_bot");
  // Without a public URL nothing is compared.
  auto elsewhere = Info("https://other.example.org/hook");
  EXPECT_TRUE(JudgeBot(Me(), &elsewhere, "").ok());
}

TEST(TelegramWebhookTest, JudgeBotNamesEachProblem) {
  ApiAnswer<BotUser> refused;
  refused.failure = {401, "Unauthorized"};
  ProbeResult wrong = JudgeBot(refused, nullptr, kExpected);
  ASSERT_EQ(wrong.problems.size(), 1u);
  EXPECT_EQ(wrong.problems[0].hint, "wrong_token");
  EXPECT_EQ(wrong.problems[0].code, "401");
  ApiAnswer<BotUser> down;
  down.failure = {0, "timed out"};
  EXPECT_EQ(Hints(JudgeBot(down, nullptr, "").problems), Strings{"unreachable"});

  auto none = Info("");
  EXPECT_EQ(Hints(JudgeBot(Me(), &none, kExpected).problems), Strings{"webhook_not_set"});
  auto moved = Info("https://old.example.org/webhook/tg");
  ProbeResult m = JudgeBot(Me(), &moved, kExpected);
  ASSERT_EQ(Hints(m.problems), Strings{"webhook_url_mismatch"});
  EXPECT_EQ(m.problems[0].args.at(0).second, "https://old.example.org/webhook/tg");
  EXPECT_EQ(m.problems[0].args.at(1).second, kExpected);
  auto secret = Info(kExpected, 5, "Wrong response from the webhook: 401 Unauthorized");
  EXPECT_EQ(Hints(JudgeBot(Me(), &secret, kExpected).problems), Strings{"webhook_secret_rejected"});
  auto failing = Info(kExpected, 2, "Connection timed out");
  EXPECT_EQ(Hints(JudgeBot(Me(), &failing, kExpected).problems), Strings{"webhook_failing"});
  // An old error with nothing waiting is only a note.
  auto old = Info(kExpected, 0, "Connection timed out");
  ProbeResult o = JudgeBot(Me(), &old, kExpected);
  EXPECT_TRUE(o.ok());
  EXPECT_EQ(Hints(o.notes).back(), "last_error");
  auto narrow = Info(kExpected);
  narrow.value->allowed_updates = std::vector<std::string>{"message"};
  ProbeResult n = JudgeBot(Me(), &narrow, kExpected);
  ASSERT_EQ(Hints(n.problems), Strings{"webhook_updates_missing"});
  EXPECT_EQ(n.problems[0].args.at(0).second, "callback_query");
}

}  // namespace
}  // namespace linli::adapters::telegram::telegram_webhook_test
