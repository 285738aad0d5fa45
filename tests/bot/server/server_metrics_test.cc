// bot/server/server_metrics.h: the service's series - webhooks by channel and status (strangers'
// channel names pooled), turn latency, jobs, outbox deferrals, dead letters and platform error
// codes as the adapters' own error texts carry them (read from the real codecs, so a changed
// wording there breaks this test rather than the dashboards).
#include "bot/server/server_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "adapters/feishu_robot/feishu_robot_codec.h"
#include "adapters/telegram/telegram_codec.h"
#include "adapters/wechat/wechat_api.h"
#include "adapters/wecom_robot/wecom_robot_codec.h"

namespace linli::server_metrics_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Text(const ServerMetrics& m) { return metrics::Render(m.Collect()); }

TEST(PlatformErrorCodeTest, ReadsTheCodeTheAdaptersWrite) {
  // Telegram: the Bot API's error_code (the HTTP status it answered).
  const SendResult blocked = adapters::telegram::DecodeSendResponse(
      "sendMessage",
      HttpResponse::Json(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"));
  ASSERT_EQ(blocked.outcome, SendResult::Outcome::kPermanent);
  EXPECT_EQ(PlatformErrorCode(blocked.error), "403");
  // A description with numbers of its own does not confuse it.
  const SendResult gone = adapters::telegram::DecodeSendResponse(
      "sendMessage",
      HttpResponse::Json(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat 12 code 7 not found"})"));
  EXPECT_EQ(PlatformErrorCode(gone.error), "400");
  // No answer at all.
  const SendResult timeout = adapters::telegram::DecodeSendResponse(
      "sendMessage", Status::DeadlineExceeded("timed out"));
  EXPECT_EQ(PlatformErrorCode(timeout.error), "none");
  // WeCom group robot: errcode, also negative.
  EXPECT_EQ(PlatformErrorCode(adapters::wecom_robot::InterpretReply(
                                  200, R"({"errcode":93000,"errmsg":"invalid webhook url"})")
                                  .error),
            "93000");
  EXPECT_EQ(PlatformErrorCode(
                adapters::wecom_robot::InterpretReply(200, R"({"errcode":-1,"errmsg":"busy"})").error),
            "-1");
  // Feishu robot: "code N".
  EXPECT_EQ(PlatformErrorCode(adapters::feishu_robot::InterpretReply(
                                  200, R"({"code":19024,"msg":"Key Words Not Found"})")
                                  .error),
            "19024");
  // WeChat Official Account: "errcode N (...)".
  const SendResult wx = adapters::wechat::ClassifyApiResponse(
      HttpResponse::Json(200, R"({"errcode":40003,"errmsg":"invalid openid"})"),
      adapters::wechat::OfficialAccountPolicy());
  EXPECT_EQ(PlatformErrorCode(wx.error), "40003");
}

TEST(PlatformErrorCodeTest, PrefersThePlatformCodeOverTheHttpStatus) {
  // Feishu's app adapter writes both (adapters/feishu/feishu_adapter.cc).
  EXPECT_EQ(PlatformErrorCode("feishu: HTTP 400 code 230002 Bot can NOT be out of the chat"),
            "230002");
  EXPECT_EQ(PlatformErrorCode("dingtalk robot OpenAPI: HTTP 403 Forbidden.AccessDenied"), "403");
  EXPECT_EQ(PlatformErrorCode("no such channel: gone"), "none");
  EXPECT_EQ(PlatformErrorCode("unicode 12 in a word"), "none");   // "code" inside a word
  EXPECT_EQ(PlatformErrorCode("HTTP 99999999999999999999"), "none");  // not a code
  EXPECT_EQ(PlatformErrorCode(""), "none");
}

TEST(ServerMetricsTest, CountsWebhooksByChannelAndStatus) {
  ServerMetrics m({"tg", "wx"});
  ASSERT_TRUE(m.Check().ok()) << m.Check().ToString();
  m.ForWebhook("tg").Answered(200);
  m.ForWebhook("tg").Answered(200);
  m.ForWebhook("tg").Answered(401);
  m.ForWebhook("wx").Answered(299);          // not a listed status
  m.ForWebhook("nonsense").Answered(404);    // not a configured channel
  m.ForWebhook("other-nonsense").Answered(404);
  const std::string text = Text(m);
  EXPECT_THAT(text, HasSubstr("linli_webhooks_total{channel=\"tg\",status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("linli_webhooks_total{channel=\"tg\",status=\"401\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_webhooks_total{channel=\"wx\",status=\"other\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_webhooks_total{channel=\"(unknown)\",status=\"404\"} 2\n"));
  EXPECT_THAT(text, Not(HasSubstr("nonsense")));
  EXPECT_EQ(&m.ForWebhook("a"), &m.ForWebhook("b"));
  EXPECT_EQ(m.channels(), (std::vector<std::string>{"console", "tg", "wx"}));
}

TEST(ServerMetricsTest, ObservesTurnsPerChannel) {
  ServerMetrics m({"tg"});
  m.ForWebhook("tg").TurnAnswered(std::chrono::milliseconds(3));
  m.ForWebhook("tg").TurnAnswered(std::chrono::milliseconds(30));
  const std::string text = Text(m);
  EXPECT_THAT(text, HasSubstr("linli_turn_duration_seconds_bucket{channel=\"tg\",le=\"0.0025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("linli_turn_duration_seconds_bucket{channel=\"tg\",le=\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_turn_duration_seconds_bucket{channel=\"tg\",le=\"0.05\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("linli_turn_duration_seconds_count{channel=\"tg\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("linli_turn_duration_seconds_sum{channel=\"tg\"} 0.033\n"));
}

TEST(ServerMetricsTest, CountsOutboxOutcomesAndJobs) {
  ServerMetrics m({"tg"});
  m.Deferred("tg");
  m.SendFailed("tg", "telegram", "telegram sendMessage: HTTP 502: Bad Gateway", false);
  m.SendFailed("tg", "telegram", "telegram sendMessage: HTTP 403: Forbidden", true);
  m.SendFailed("tg", "telegram", "telegram sendMessage: HTTP 403: Forbidden", true);
  ServerMetrics::JobSeries tickets = m.ForJob("tickets");
  tickets.runs->Inc();
  m.ForJob("tickets").failures->Inc(2);  // the same counters again
  const std::string text = Text(m);
  EXPECT_THAT(text, HasSubstr("linli_outbox_deferred_total{channel=\"tg\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_outbox_deferred_total{channel=\"console\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("linli_outbox_dead_letters_total{channel=\"tg\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("linli_platform_errors_total{platform=\"telegram\",code=\"502\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_platform_errors_total{platform=\"telegram\",code=\"403\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("linli_job_runs_total{job_name=\"tickets\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_job_failures_total{job_name=\"tickets\"} 2\n"));
}

TEST(ServerMetricsTest, FeedsTheWriteQueueHistograms) {
  ServerMetrics m({});
  storage::WriteQueueMetrics wq = m.write_queue();
  ASSERT_NE(wq.batch_units, nullptr);
  ASSERT_NE(wq.commit_seconds, nullptr);
  wq.batch_units->Observe(3);
  wq.commit_seconds->Observe(0.002);
  const std::string text = Text(m);
  EXPECT_THAT(text, HasSubstr("linli_write_queue_batch_units_bucket{le=\"2\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("linli_write_queue_batch_units_bucket{le=\"4\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_write_queue_commit_seconds_bucket{le=\"0.0025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE linli_write_queue_commit_seconds histogram\n"));
}

}  // namespace
}  // namespace linli::server_metrics_test
