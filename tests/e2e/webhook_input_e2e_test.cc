// Hostile and malformed webhook requests against the whole App: each gets its documented
// status code (bot/server/webhook_server.cc, bot/server/app.cc, adapters/telegram/telegram_adapter.cc) and
// leaves the database exactly as it was; the server keeps serving afterwards.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::webhook_input_e2e_test {
namespace {

constexpr int64_t kUser = 5570001;

std::string Describe(const std::map<std::string, int64_t>& counts) {
  std::string out;
  for (const auto& [table, n] : counts) out += table + "=" + std::to_string(n) + " ";
  return out;
}

class WebhookInputE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(h_.StartApp());
    // Some state first, so "unchanged" compares non-empty tables.
    ASSERT_EQ(h_.SendText(kUser, "报事"), 200);
    ASSERT_EQ(h_.WaitForReplies(kUser, 1).size(), 1u);
    before_ = h_.RowCounts();
    ASSERT_EQ(before_.at("inbox"), 1) << Describe(before_);
    ASSERT_EQ(before_.at("identities"), 1) << Describe(before_);
    ASSERT_EQ(before_.at("conversations"), 1) << Describe(before_);
    requests_before_ = h_.api().request_count();
  }

  // The database and the fake API saw nothing; the server still answers.
  void ExpectNothingChanged(const std::string& what) {
    EXPECT_EQ(h_.RowCounts(), before_) << what << ": " << Describe(h_.RowCounts());
    const HttpResult health = h_.Get("/healthz");
    EXPECT_EQ(health.status, 200) << what << ": server no longer answers";
    EXPECT_TRUE(h_.NoMoreReplies(kUser, std::chrono::milliseconds(100))) << what;
    EXPECT_EQ(h_.api().request_count(), requests_before_) << what;
  }

  std::string ValidUpdate() { return h_.TextUpdate(kUser, "进度").dump(); }

  Harness h_;
  std::map<std::string, int64_t> before_;
  size_t requests_before_ = 0;
};

TEST_F(WebhookInputE2eTest, WrongSecretIs401) {
  const HttpResult r = h_.Post("/webhook/tg", ValidUpdate(), {{kSecretHeader, "s3creT"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos);  // never echo the secret
  ExpectNothingChanged("wrong secret");
}

TEST_F(WebhookInputE2eTest, SecretWithExtraCharactersIs401) {
  // (Trailing spaces are not tried: HTTP strips them from every field value, RFC 9110 5.5.)
  const HttpResult r = h_.Post("/webhook/tg", ValidUpdate(), {{kSecretHeader, "s3cret0"}});
  EXPECT_EQ(r.status, 401);
  const HttpResult upper = h_.Post("/webhook/tg", ValidUpdate(), {{kSecretHeader, "S3CRET"}});
  EXPECT_EQ(upper.status, 401);
  const HttpResult prefix = h_.Post("/webhook/tg", ValidUpdate(), {{kSecretHeader, "s3cre"}});
  EXPECT_EQ(prefix.status, 401);
  ExpectNothingChanged("secret variants");
}

TEST_F(WebhookInputE2eTest, MissingSecretIs401) {
  const HttpResult r = h_.Post("/webhook/tg", ValidUpdate(), {});
  EXPECT_EQ(r.status, 401);
  ExpectNothingChanged("missing secret");
}

TEST_F(WebhookInputE2eTest, MalformedJsonIs400) {
  const HttpResult r = h_.PostWebhook(R"({"update_id": 1, "message": {"text": "报事")");
  EXPECT_EQ(r.status, 400);
  const HttpResult empty = h_.PostWebhook("");
  EXPECT_EQ(empty.status, 400);
  const HttpResult not_utf8 = h_.PostWebhook("{\"update_id\": 5, \"x\": \"\xff\xfe\"}");
  EXPECT_EQ(not_utf8.status, 400);
  ExpectNothingChanged("malformed JSON");
}

TEST_F(WebhookInputE2eTest, JsonWithoutUpdateIdIs400) {
  json update = json::parse(ValidUpdate());
  update.erase("update_id");
  EXPECT_EQ(h_.PostWebhook(update.dump()).status, 400);
  update["update_id"] = "42";  // a string is not an update id either
  EXPECT_EQ(h_.PostWebhook(update.dump()).status, 400);
  EXPECT_EQ(h_.PostWebhook("[1,2,3]").status, 400);  // not an object
  ExpectNothingChanged("no update_id");
}

TEST_F(WebhookInputE2eTest, DeeplyNestedJsonIs400WithoutCrashing) {
  const std::string deep(100000, '[');
  EXPECT_EQ(h_.PostWebhook(deep).status, 400);
  // Balanced and valid JSON, but 100k levels deep inside an update.
  const std::string balanced =
      R"({"update_id": 9, "message": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(h_.PostWebhook(balanced).status, 400);
  ExpectNothingChanged("deep nesting");
}

TEST_F(WebhookInputE2eTest, UnknownChannelIs404) {
  const HttpResult r = h_.Post("/webhook/nope", ValidUpdate(), {{kSecretHeader, kSecret}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(h_.Post("/elsewhere", ValidUpdate(), {{kSecretHeader, kSecret}}).status, 404);
  ExpectNothingChanged("unknown channel");
}

TEST_F(WebhookInputE2eTest, BodyOverOneMebibyteIs413) {
  // Content-Length says 1 MiB + 1; the answer must come before the body is read (only the
  // first 64 KiB are sent).
  const size_t declared = (1u << 20) + 1;
  std::string raw =
      "POST /webhook/tg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\n"
      "X-Telegram-Bot-Api-Secret-Token: s3cret\r\n"
      "Content-Length: " +
      std::to_string(declared) + "\r\n\r\n";
  raw += "{\"update_id\": 77, \"pad\": \"";
  raw.append(64 * 1024, 'a');
  const HttpResult r = RawExchange(h_.port(), raw);
  EXPECT_EQ(r.status, 413);

  // The same with the whole body sent by a normal client.
  std::string big = "{\"update_id\": 78, \"pad\": \"" + std::string(1u << 20, 'a') + "\"}";
  const HttpResult full = h_.PostWebhook(big);
  // The server answers 413 and closes; a client still writing may see the reset instead.
  EXPECT_TRUE(full.status == 413 || full.status == 0) << full.status;
  ExpectNothingChanged("oversized body");
}

TEST_F(WebhookInputE2eTest, GetOnTheTelegramWebhookIs405) {
  const HttpResult r = h_.Get("/webhook/tg", {{kSecretHeader, kSecret}});
  EXPECT_EQ(r.status, 405);
  ExpectNothingChanged("GET");
}

TEST_F(WebhookInputE2eTest, CompressedBodyIs415) {
  const HttpResult r = h_.Post("/webhook/tg", ValidUpdate(),
                               {{kSecretHeader, kSecret}, {"Content-Encoding", "gzip"}});
  EXPECT_EQ(r.status, 415);
  ExpectNothingChanged("Content-Encoding gzip");
}

TEST_F(WebhookInputE2eTest, UnsupportedTransferEncodingIs501) {
  std::string raw =
      "POST /webhook/tg HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "X-Telegram-Bot-Api-Secret-Token: s3cret\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n";
  EXPECT_EQ(RawExchange(h_.port(), raw).status, 501);
  ExpectNothingChanged("Transfer-Encoding gzip");
}

// An update kind the bot does not handle (an edited message) is acknowledged with 200 so
// Telegram stops re-sending it, and changes nothing.
TEST_F(WebhookInputE2eTest, IgnoredUpdateKindIs200AndChangesNothing) {
  json update = json::parse(ValidUpdate());
  update["edited_message"] = update["message"];
  update.erase("message");
  EXPECT_EQ(h_.PostWebhook(update.dump()).status, 200);
  ExpectNothingChanged("edited_message");
}

// The valid control: the same client path does change the database.
TEST_F(WebhookInputE2eTest, ValidUpdateAfterRejectionsIsProcessed) {
  EXPECT_EQ(h_.Post("/webhook/tg", ValidUpdate(), {{kSecretHeader, "nope"}}).status, 401);
  EXPECT_EQ(h_.PostWebhook(ValidUpdate()).status, 200);
  ASSERT_EQ(h_.WaitForReplies(kUser, 1).size(), 1u);
  const auto after = h_.RowCounts();
  EXPECT_EQ(after.at("inbox"), before_.at("inbox") + 1);
}

TEST(HealthE2eTest, HealthzIs200Json) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  const HttpResult r = h.Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("application/json"), std::string::npos) << r.content_type;
  const json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(body.is_object()) << r.body;
  EXPECT_EQ(body.value("status", ""), "ok");
}

}  // namespace
}  // namespace linli::e2e::webhook_input_e2e_test
