// Delivery guarantees end to end: a redelivered update is processed once; the outbox retries
// 5xx, honours 429 retry_after, and survives a restart of the App.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::delivery_e2e_test {
namespace {

constexpr int64_t kUser = 5560001;

int64_t InboxRowsFor(Harness& h, int update_id) {
  auto db = h.OpenDb();
  if (!db) return -1;
  return CountRows(*db, "SELECT COUNT(*) FROM inbox WHERE channel = ? AND platform_message_id = ?",
                   {std::string(kChannel), "u" + std::to_string(update_id)});
}

TEST(DeliveryE2eTest, RedeliveredUpdateIsProcessedOnce) {
  Harness h;
  ASSERT_TRUE(h.StartApp());

  // Telegram re-sends an update it got no 2xx for; the same update_id twice in a row. The
  // first answer was lost on the way (so its reply, riding in it, was never executed); the
  // redelivery gets the stored answer, and the reply arrives once.
  const int first = h.NextUpdateId();
  const std::string body = h.TextUpdate(kUser, "报事", first).dump();
  const HttpResult lost = h.PostWebhookAnswerLost(body);
  EXPECT_EQ(lost.status, 200);
  const HttpResult again = h.PostWebhook(body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, lost.body);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  EXPECT_TRUE(h.NoMoreReplies(kUser)) << "the redelivery produced a second reply";
  EXPECT_EQ(InboxRowsFor(h, first), 1);

  // The turn's effect happened once. A duplicate of an answer that moves the flow shows it
  // best: "2" picks the category; processed a second time it would be taken as the location
  // and answered with "没有识别出楼号".
  const int second = h.NextUpdateId();
  const std::string pick = h.TextUpdate(kUser, "2", second).dump();
  EXPECT_EQ(h.PostWebhookAnswerLost(pick).status, 200);
  EXPECT_EQ(h.PostWebhook(pick).status, 200);
  auto location_prompt = h.WaitForReplies(kUser, 1);
  ASSERT_EQ(location_prompt.size(), 1u);
  EXPECT_NE(TextOf(location_prompt[0]).find("问题在哪里"), std::string::npos)
      << TextOf(location_prompt[0]);
  EXPECT_TRUE(h.NoMoreReplies(kUser));
  {
    auto db = h.OpenDb();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations WHERE step = 'location'"), 1);
  }

  // Two deliveries of one new update at the same moment, from two threads (Telegram took the
  // first for lost and sent it again: one answer is executed).
  const int third = h.NextUpdateId();
  const std::string location = h.TextUpdate(kUser, "3号楼2单元", third).dump();
  const auto before = h.RowCounts();
  std::atomic<int> status_a{0};
  std::atomic<int> status_b{0};
  std::atomic<bool> go{false};
  std::thread a([&] {
    while (!go.load()) std::this_thread::yield();
    status_a = h.PostWebhookAnswerLost(location).status;
  });
  std::thread b([&] {
    while (!go.load()) std::this_thread::yield();
    status_b = h.PostWebhook(location).status;
  });
  go = true;
  a.join();
  b.join();
  EXPECT_EQ(status_a.load(), 200);
  EXPECT_EQ(status_b.load(), 200);
  auto replies = h.WaitForReplies(kUser, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(TextOf(replies[0]).find("请简单描述"), std::string::npos) << TextOf(replies[0]);
  EXPECT_TRUE(h.NoMoreReplies(kUser)) << "a concurrent redelivery was processed twice";
  {
    auto db = h.OpenDb();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations WHERE step = 'description'"), 1);
  }
  const auto after = h.RowCounts();
  EXPECT_EQ(InboxRowsFor(h, third), 1);
  EXPECT_EQ(after.at("inbox"), before.at("inbox") + 1);
  EXPECT_EQ(after.at("outbox"), before.at("outbox"));  // the reply rode in the answer
  EXPECT_EQ(after.at("tickets"), before.at("tickets"));

  // Over the whole test: 3 distinct updates, 3 replies, 3 inbox rows.
  EXPECT_EQ(h.Delivered(kUser).size(), 3u);
  EXPECT_EQ(after.at("inbox"), 3);
}

TEST(DeliveryE2eTest, ServerErrorsAreRetriedUntilDeliveredOnce) {
  Harness h;
  h.api().FailNextWith500("sendMessage", 2);
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);

  const auto calls = h.WaitForCalls("sendMessage", 3);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].answered_status, 500);
  EXPECT_EQ(calls[1].answered_status, 500);
  EXPECT_EQ(calls[2].answered_status, 200);
  for (const auto& c : calls) {
    EXPECT_EQ(TextOf(c), TextOf(calls[0]));  // the same message each time
    EXPECT_EQ(KeyboardOf(c).size(), 8u);
  }
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  EXPECT_TRUE(h.NoMoreReplies(kUser));
  EXPECT_EQ(h.api().requests("sendMessage").size(), 3u) << "sent again after success";

  h.StopApp();
  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 3"),
            1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox"), 1);
}

TEST(DeliveryE2eTest, TooManyRequestsHonoursRetryAfter) {
  Harness h;
  h.api().FailNextWith429("sendMessage", 1, /*retry_after_seconds=*/1);
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);

  // Times are taken when the fake records each request (the waits wake on its notify), so
  // the measured gap can only be shorter than the real one.
  auto calls = h.WaitForCalls("sendMessage", 1);
  const auto first_seen = std::chrono::steady_clock::now();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].answered_status, 429);
  calls = h.WaitForCalls("sendMessage", 2);
  const auto second_seen = std::chrono::steady_clock::now();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].answered_status, 200);
  const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(second_seen - first_seen);
  // retry_after is 1 s; the configured backoff (50 ms) must not win. A correctness check,
  // not a performance measurement.
  EXPECT_GE(gap.count(), 900) << "re-sent after " << gap.count() << " ms despite retry_after 1";

  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  EXPECT_TRUE(h.NoMoreReplies(kUser));
  EXPECT_EQ(h.api().requests("sendMessage").size(), 2u);
}

TEST(DeliveryE2eTest, QueuedReplySurvivesRestartAndIsDeliveredOnce) {
  Harness h;
  h.api().FailNextWith500("sendMessage", 1000);  // the platform is down
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);  // acknowledged: the reply is durable
  ASSERT_GE(h.WaitForCalls("sendMessage", 1).size(), 1u);
  h.StopApp();
  {
    auto db = h.OpenDb();
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"), 1);
  }

  // A new process; the platform is healthy again (a fresh fake: same token, new address).
  h.ReplaceApi();
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));
  auto replies = h.WaitForReplies(kUser, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(TextOf(replies[0]).find("请选择问题类别"), std::string::npos) << TextOf(replies[0]);
  EXPECT_EQ(KeyboardOf(replies[0]).size(), 8u);
  EXPECT_TRUE(h.NoMoreReplies(kUser));
  EXPECT_EQ(h.api().requests("sendMessage").size(), 1u);

  // The flow itself survived too: the category can be chosen by number now.
  ASSERT_EQ(h.SendText(kUser, "1"), 200);
  EXPECT_NE(h.NextReplyText(kUser).find("问题在哪里"), std::string::npos);
  h.StopApp();
  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"), 0);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox"), 2);
}

// Many residents at once (group commit batches their turns): every one gets exactly their
// own replies, in order per chat.
TEST(DeliveryE2eTest, ConcurrentResidentsEachGetTheirRepliesInOrder) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  constexpr int kResidents = 12;
  std::vector<int64_t> users;
  for (int i = 0; i < kResidents; ++i) users.push_back(5561000 + i);
  std::vector<json> first;
  std::vector<json> second;
  for (int64_t u : users) first.push_back(h.TextUpdate(u, "报事"));
  for (int64_t u : users) second.push_back(h.TextUpdate(u, "2"));
  std::atomic<int> not_ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kResidents; ++i) {
    threads.emplace_back([&, i] {
      if (h.PostWebhook(first[i].dump()).status != 200) ++not_ok;
      if (h.PostWebhook(second[i].dump()).status != 200) ++not_ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(not_ok.load(), 0);
  for (int64_t u : users) {
    auto replies = h.WaitForReplies(u, 2);
    ASSERT_EQ(replies.size(), 2u) << "resident " << u;
    EXPECT_NE(TextOf(replies[0]).find("请选择问题类别"), std::string::npos) << TextOf(replies[0]);
    EXPECT_NE(TextOf(replies[1]).find("问题在哪里"), std::string::npos) << TextOf(replies[1]);
  }
  for (int64_t u : users) EXPECT_TRUE(h.NoMoreReplies(u, std::chrono::milliseconds(20)));
  EXPECT_EQ(h.api().requests("sendMessage").size(), 2u * kResidents);
  h.StopApp();
  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations WHERE step = 'location'"),
            kResidents);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM identities"), kResidents);
}

}  // namespace
}  // namespace linli::e2e::delivery_e2e_test
