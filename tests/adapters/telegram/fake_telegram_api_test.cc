// Tests the fake Bot API server itself with a raw cpp-httplib client (the production
// HttpClient is tested in tests/bot/).
#include "tests/fakes/fake_telegram_api.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "adapters/telegram/telegram_codec.h"

namespace linli::testing::fake_telegram_api_test {
namespace {

using nlohmann::json;

constexpr char kToken[] = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

httplib::Result Post(FakeTelegramApi& api, const std::string& token, const std::string& method,
                     const std::string& body) {
  httplib::Client client("127.0.0.1", api.port());
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  client.set_tcp_nodelay(true);
  return client.Post(("/bot" + token + "/" + method).c_str(), body, "application/json");
}

TEST(FakeTelegramApiTest, ApiBaseIsLoopback) {
  FakeTelegramApi api(kToken);
  EXPECT_GT(api.port(), 0);
  EXPECT_EQ(api.api_base(), "http://127.0.0.1:" + std::to_string(api.port()));
}

TEST(FakeTelegramApiTest, RecordsSendMessageAndAnswersWithIncreasingIds) {
  FakeTelegramApi api(kToken);
  auto r1 = Post(api, kToken, "sendMessage", R"({"chat_id":-1001234567890,"text":"你好"})");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  const json b1 = json::parse(r1->body);
  EXPECT_EQ(b1["ok"], true);
  EXPECT_EQ(b1["result"]["message_id"], 1);
  EXPECT_EQ(b1["result"]["chat"]["id"], -1001234567890);
  EXPECT_EQ(b1["result"]["text"], "你好");
  auto r2 = Post(api, kToken, "sendMessage", R"({"chat_id":5,"text":"x"})");
  ASSERT_TRUE(r2);
  EXPECT_EQ(json::parse(r2->body)["result"]["message_id"], 2);
  EXPECT_EQ(api.last_message_id(), 2);

  ASSERT_TRUE(api.WaitForRequests(2, std::chrono::seconds(1)));
  const auto reqs = api.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "sendMessage");
  EXPECT_EQ(reqs[0].token, kToken);
  EXPECT_EQ(reqs[0].http_method, "POST");
  EXPECT_EQ(reqs[0].body["text"], "你好");
  EXPECT_EQ(reqs[0].answered_status, 200);
}

TEST(FakeTelegramApiTest, OtherMethodsReturnTrue) {
  FakeTelegramApi api(kToken);
  auto r = Post(api, kToken, "answerCallbackQuery", R"({"callback_query_id":"1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body), json::parse(R"({"ok":true,"result":true})"));
  EXPECT_EQ(api.requests("answerCallbackQuery").size(), 1u);
  EXPECT_EQ(api.requests("sendMessage").size(), 0u);
}

TEST(FakeTelegramApiTest, WrongTokenIs401AndNotRecorded) {
  FakeTelegramApi api(kToken);
  auto r = Post(api, "1:wrong", "sendMessage", R"({"chat_id":1,"text":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  const json body = json::parse(r->body);
  EXPECT_EQ(body["ok"], false);
  EXPECT_EQ(body["error_code"], 401);
  EXPECT_EQ(body["description"], "Unauthorized");
  EXPECT_EQ(api.request_count(), 0u);
  EXPECT_EQ(api.unauthorized_count(), 1u);
}

TEST(FakeTelegramApiTest, ScriptedFailuresThenSuccess) {
  FakeTelegramApi api(kToken);
  api.FailNextWith500("sendMessage", 2);
  api.FailNextWith429("sendMessage", 1, 1);
  // Scripts are per method.
  auto other = Post(api, kToken, "answerCallbackQuery", "{}");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);

  std::vector<int> statuses;
  for (int i = 0; i < 4; ++i) {
    auto r = Post(api, kToken, "sendMessage", R"({"chat_id":1,"text":"x"})");
    ASSERT_TRUE(r);
    statuses.push_back(r->status);
    if (r->status == 429) {
      // The body the codec maps to retry_after.
      const SendResult s = adapters::telegram::DecodeSendResponse(
          "sendMessage", HttpResponse::Json(r->status, r->body));
      EXPECT_EQ(s.outcome, SendResult::Outcome::kRetry);
      EXPECT_EQ(s.retry_after, std::chrono::seconds(1));
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{500, 500, 429, 200}));
  EXPECT_EQ(api.requests("sendMessage").size(), 4u);
  EXPECT_EQ(api.last_message_id(), 1);
}

TEST(FakeTelegramApiTest, CustomFailureBody) {
  FakeTelegramApi api(kToken);
  api.FailNext(
      "sendMessage", 1, 403,
      R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  auto r = Post(api, kToken, "sendMessage", R"({"chat_id":1,"text":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  const SendResult s =
      adapters::telegram::DecodeSendResponse("sendMessage", HttpResponse::Json(r->status, r->body));
  EXPECT_EQ(s.outcome, SendResult::Outcome::kPermanent);
}

TEST(FakeTelegramApiTest, WaitForRequestsTimesOut) {
  FakeTelegramApi api(kToken);
  EXPECT_FALSE(api.WaitForRequests(1, std::chrono::milliseconds(50)));
}

TEST(FakeTelegramApiTest, ConcurrentKeepAliveClients) {
  FakeTelegramApi api(kToken);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", api.port());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // else Nagle + delayed ACK cost ~40 ms per request
      for (int i = 0; i < kPerThread; ++i) {
        auto r = client.Post((std::string("/bot") + kToken + "/sendMessage").c_str(),
                             R"({"chat_id":1,"text":"x"})", "application/json");
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_TRUE(api.WaitForRequests(kThreads * kPerThread, std::chrono::seconds(1)));
  EXPECT_EQ(api.last_message_id(), kThreads * kPerThread);
}

TEST(FakeTelegramApiTest, StopIsIdempotentAndRefusesAfterwards) {
  FakeTelegramApi api(kToken);
  api.Stop();
  api.Stop();
  httplib::Client client("127.0.0.1", api.port());
  client.set_connection_timeout(1);
  auto r = client.Post("/bot1:x/sendMessage", "{}", "application/json");
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace linli::testing::fake_telegram_api_test
