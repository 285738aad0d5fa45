// Graceful shutdown end to end: a turn in flight when Stop() is called still commits, is
// acknowledged with 200, and its reply is in the outbox (sent or pending).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "storage/write_queue.h"
#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::shutdown_e2e_test {
namespace {

constexpr int64_t kUser = 5580001;

TEST(ShutdownE2eTest, TurnInFlightAtStopIsAnsweredAndItsReplyKept) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));

  // Hold the write queue so the turn below is in flight (dispatched, not yet committed)
  // while Stop() runs.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocker_running{false};
  h.app().write_queue().Submit(
      [released, &blocker_running](storage::Database&) {
        blocker_running = true;
        released.wait_for(std::chrono::seconds(20));
        return Status::Ok();
      },
      [](Status) {});
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!blocker_running.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(blocker_running.load());

  const int update_id = h.NextUpdateId();
  const std::string body = h.TextUpdate(kUser, "报事", update_id).dump();
  std::atomic<int> status{-1};
  std::thread client([&] { status = h.PostWebhook(body).status; });
  // The request reaches the server's handler within microseconds on loopback; the margin
  // only matters on a heavily loaded machine. (If Stop() came first the request would be
  // refused and this test would fail, never pass wrongly.)
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(status.load(), -1) << "answered before its turn could commit";

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    h.app().Stop();
    stopped = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(stopped.load()) << "Stop() returned while a turn was in flight";
  // New connections are refused once Stop() has begun.
  EXPECT_EQ(RawExchange(h.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                        std::chrono::milliseconds(1000))
                .status,
            0);
  release.set_value();
  client.join();
  stopper.join();
  EXPECT_EQ(status.load(), 200);
  EXPECT_TRUE(stopped.load());
  h.StopApp();

  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM inbox WHERE platform_message_id = ?",
                      {"u" + std::to_string(update_id)}),
            1);
  EXPECT_EQ(CountRows(*db,
                      "SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status IN "
                      "('sent', 'pending')",
                      {std::to_string(kUser)}),
            1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations WHERE step = 'category'"), 1);

  // Whatever was not delivered before the stop goes out after the next start, once.
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));
  auto replies = h.WaitForReplies(kUser, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(TextOf(replies[0]).find("请选择问题类别"), std::string::npos) << TextOf(replies[0]);
  EXPECT_TRUE(h.NoMoreReplies(kUser));
}

TEST(ShutdownE2eTest, StopIsIdempotentAndRestartable) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  h.app().Stop();
  h.app().Stop();
  h.StopApp();
  ASSERT_TRUE(h.StartApp());
  EXPECT_EQ(h.Get("/healthz").status, 200);
  ASSERT_EQ(h.SendText(kUser, "取消"), 200);
  auto replies = h.WaitForReplies(kUser, 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_NE(TextOf(replies[0]).find("已取消"), std::string::npos) << TextOf(replies[0]);
}

}  // namespace
}  // namespace linli::e2e::shutdown_e2e_test

namespace linli::e2e::shutdown_e2e_test {
namespace {

// A second App on a port that is already taken: Start() fails with kUnavailable naming the
// address, and destroying the App afterwards must be harmless.
// Regression: Stop() after a failed Start() called Scheduler::Stop on a null pointer.
TEST(ShutdownE2eTest, StartFailureOnBusyPortIsReportedAndDestructionIsSafe) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  TempDir other_dir;
  config::Config cfg = MakeConfig(other_dir.path() + "/other.db", h.api().api_base());
  cfg.server.port = h.port();
  auto created = App::Create(std::move(cfg));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<App> second = std::move(created).value();
  const Status st = second->Start();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find(std::to_string(h.port())), std::string::npos) << st.ToString();
  second.reset();                            // ~App() -> Stop()
  EXPECT_EQ(h.Get("/healthz").status, 200);  // the first App is untouched
}

}  // namespace
}  // namespace linli::e2e::shutdown_e2e_test
