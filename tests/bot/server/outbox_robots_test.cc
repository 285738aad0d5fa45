// The real outbox (bot/server/outbox.h) with the real robot adapters and the real HTTP client
// against the fake robots on loopback, on the fake clock (RunOnce; no sleeping): pacing under
// each platform's rate limit with nothing dropped and each destination's order kept, a long
// digest in parts within the byte limit, DingTalk's 10-minute block deferring the whole robot.
#include <gtest/gtest.h>

#include "adapters/registry.h"
#include "bot/server/httplib_client.h"
#include "bot/server/outbox.h"
#include "storage/migrations.h"
#include "storage/outbox_store.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_dingtalk_robot.h"
#include "tests/fakes/fake_feishu_robot.h"
#include "tests/fakes/fake_wecom_robot.h"

namespace linli::outbox_robots_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kDingSecret[] = "SEC5f3c9e7a1d2b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcd";
constexpr char kFeishuSecret[] = "Xk3f9Qm2Lr8sT1vW6yZ0aB";

class OutboxRobotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::Migrate(**db).ok());
    queue_ = std::make_unique<storage::WriteQueue>(std::move(db).value(), 64);
    Add("wecom", "wecom_robot", wecom_.api_base(), {{"key", "k1"}});
    Add("dd", "dingtalk_robot", ding_.api_base(), {{"access_token", "t1"}, {"secret", kDingSecret}});
    Add("fs", "feishu_robot", feishu_.api_base(), {{"token", "h1"}, {"secret", kFeishuSecret}});
    options_.max_attempts = 3;  // pacing must never count towards it
    NewWorker();
  }
  void TearDown() override {
    worker_.reset();
    queue_->Stop();
  }
  void Add(const std::string& name, const std::string& type, const std::string& base,
           std::map<std::string, std::string> fields) {
    config::ChannelConfig c;
    c.name = name;
    c.type = type;
    c.api_base = base;
    c.fields = std::move(fields);
    auto a = adapters::CreateAdapter(c, deps_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    adapters_[name] = std::move(a).value();
  }
  // A fresh worker has a fresh (empty) pacer, like a restarted service.
  void NewWorker() {
    worker_.reset();
    worker_ = std::make_unique<OutboxWorker>(
        *queue_, clock_, options_,
        [this](const std::string& ch) -> Adapter* {
          auto it = adapters_.find(ch);
          return it == adapters_.end() ? nullptr : it->second.get();
        },
        1);
  }
  int64_t Enqueue(const std::string& channel, const std::string& text,
                  const std::string& chat = "staff") {
    OutboundMessage m;
    m.to = {channel, "", chat, ChatType::kGroup};
    m.text = text;
    int64_t id = 0;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(id, storage::OutboxStore::Enqueue(db, m, clock_.NowMillis()));
      return Status::Ok();
    }).ok());
    return id;
  }
  storage::OutboxItem Item(int64_t id) {
    storage::OutboxItem out;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto item, storage::OutboxStore::Find(db, id));
      if (item) out = *item;
      return Status::Ok();
    }).ok());
    return out;
  }
  int64_t Count(const std::string& status) {
    int64_t n = 0;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(n, storage::OutboxStore::CountByStatus(db, status));
      return Status::Ok();
    }).ok());
    return n;
  }
  // Runs the outbox on the fake clock in `step`s until nothing is pending or `limit` passed.
  void Drain(milliseconds step, milliseconds limit) {
    const int64_t end = clock_.NowMillis() + limit.count();
    while (clock_.NowMillis() <= end) {
      ASSERT_TRUE(worker_->RunOnce().ok());
      if (Count("pending") == 0) return;
      clock_.Advance(step);
    }
  }
  static std::vector<std::string> Texts(const std::vector<testing::RobotDelivery>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.text);
    return out;
  }
  static std::vector<std::string> Numbered(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
  }

  testing::FakeClock clock_;
  testing::FakeWecomRobot wecom_{clock_, "k1"};
  testing::FakeDingTalkRobot ding_{clock_, "t1", kDingSecret};
  testing::FakeFeishuRobot feishu_{clock_, "h1", kFeishuSecret};
  // After the fakes: its idle keep-alive connections close before the fakes stop.
  HttplibClient http_;
  adapters::AdapterDeps deps_{clock_, http_};
  std::map<std::string, std::unique_ptr<Adapter>> adapters_;
  config::OutboxConfig options_;
  std::unique_ptr<storage::WriteQueue> queue_;
  std::unique_ptr<OutboxWorker> worker_;
};

// 45 messages to one WeCom robot (20/min): three minutes, never a 45009, all in order.
TEST_F(OutboxRobotsTest, WecomRobotIsPacedAt20PerMinuteNothingDroppedInOrder) {
  for (const auto& t : Numbered("w", 45)) Enqueue("wecom", t);
  Drain(seconds(1), minutes(5));
  EXPECT_EQ(Texts(wecom_.delivered()), Numbered("w", 45));
  EXPECT_LE(wecom_.ledger().MaxWithinAnyWindow(minutes(1)), 20);
  EXPECT_EQ(wecom_.ledger().refusals(), 0);
  EXPECT_EQ(Count("sent"), 45);
  EXPECT_EQ(worker_->failed(), 0u);
  EXPECT_GT(worker_->paced(), 0u);
  // The first minute took exactly the budget; the rest waited.
  const auto d = wecom_.delivered();
  EXPECT_EQ(d[19].at_ms - d[0].at_ms < 60000, true);
  EXPECT_GE(d[20].at_ms - d[0].at_ms, 60000);
}

// Two group destinations (chats) of one DingTalk robot share its 20/min; with 10 messages
// each, every chat keeps its order and the robot never answers 130101.
TEST_F(OutboxRobotsTest, DingTalkRobotSharesOneBudgetAcrossItsDestinations) {
  for (int i = 0; i < 15; ++i) {
    Enqueue("dd", "a" + std::to_string(i), "chat-a");
    Enqueue("dd", "b" + std::to_string(i), "chat-b");
  }
  Drain(seconds(1), minutes(5));
  std::vector<std::string> a, b;
  for (const auto& t : Texts(ding_.delivered())) (t[0] == 'a' ? a : b).push_back(t);
  EXPECT_EQ(a, Numbered("a", 15));
  EXPECT_EQ(b, Numbered("b", 15));
  EXPECT_LE(ding_.ledger().MaxWithinAnyWindow(minutes(1)), 20);
  EXPECT_EQ(ding_.ledger().refusals(), 0);
  EXPECT_EQ(ding_.bad_signatures(), 0u);  // each request signed afresh at its own time
}

// After a restart the pacer has no history while DingTalk still counts the last minute: the
// first send gets 130101, which blocks the WHOLE robot (both chats) for 10 minutes - one
// refusal, not one per message - and nothing fails or is lost.
TEST_F(OutboxRobotsTest, DingTalkTooFastDefersTheWholeRobotForTenMinutes) {
  for (const auto& t : Numbered("x", 20)) Enqueue("dd", t);
  Drain(seconds(1), seconds(30));
  ASSERT_EQ(ding_.delivered().size(), 20u);
  NewWorker();  // restarted: the pacer forgot
  const int64_t a = Enqueue("dd", "after-a", "chat-a");
  const int64_t b = Enqueue("dd", "after-b", "chat-b");
  ASSERT_TRUE(worker_->RunOnce().ok());
  EXPECT_EQ(ding_.ledger().refusals(), 1);
  const int64_t blocked_at = clock_.NowMillis();
  EXPECT_EQ(Item(a).status, "pending");
  EXPECT_EQ(Item(a).attempts, 0);  // not counted
  Drain(seconds(5), minutes(12));
  EXPECT_EQ(Item(a).status, "sent");
  EXPECT_EQ(Item(b).status, "sent");
  EXPECT_EQ(ding_.ledger().refusals(), 1);  // chat-b waited too, it was never refused
  const auto d = ding_.delivered();
  ASSERT_EQ(d.size(), 22u);
  EXPECT_GE(d[20].at_ms - blocked_at, 10 * 60 * 1000);
  EXPECT_GE(d[21].at_ms - blocked_at, 10 * 60 * 1000);
  EXPECT_EQ(worker_->failed(), 0u);
}

// Feishu: 5 per second and 100 per minute; 12 messages go out over three seconds.
TEST_F(OutboxRobotsTest, FeishuRobotIsPacedAtFivePerSecond) {
  for (const auto& t : Numbered("f", 12)) Enqueue("fs", t);
  Drain(milliseconds(100), seconds(10));
  EXPECT_EQ(Texts(feishu_.delivered()), Numbered("f", 12));
  EXPECT_LE(feishu_.ledger().MaxWithinAnyWindow(seconds(1)), 5);
  EXPECT_EQ(feishu_.ledger().refusals(), 0);
  EXPECT_EQ(feishu_.bad_signatures(), 0u);
}

// A long digest (8 parts of <= 4096 bytes) enqueued after 16 short messages: it takes the
// four requests left in the first minute, waits for the next minute for the rest (never
// repeating a part), and the message after it comes after its last part.
TEST_F(OutboxRobotsTest, ALongDigestIsSplitWithinTheLimitAndPacedPartByPart) {
  for (const auto& t : Numbered("s", 16)) Enqueue("wecom", t);
  std::string digest;
  for (int i = 0; i < 700; ++i) {
    digest += (i ? "\n" : "") + std::string("#") + std::to_string(i) + " 3号楼 漏水 待受理 超时";
  }
  const int64_t long_id = Enqueue("wecom", digest);
  Enqueue("wecom", "after");
  Drain(seconds(1), minutes(5));
  const auto d = wecom_.delivered();
  ASSERT_GT(d.size(), 16u + 2u);
  const size_t parts = d.size() - 17;
  EXPECT_GT(parts, 4u);
  std::string joined;
  for (size_t i = 16; i < 16 + parts; ++i) {
    EXPECT_LE(d[i].text.size(), 4096u);
    joined += (i > 16 ? "\n" : "") + d[i].text;
  }
  EXPECT_TRUE(joined == digest);
  EXPECT_EQ(d.back().text, "after");
  EXPECT_EQ(wecom_.ledger().refusals(), 0);
  EXPECT_LE(wecom_.ledger().MaxWithinAnyWindow(minutes(1)), 20);
  EXPECT_GE(d[20].at_ms - d[0].at_ms, 60000);  // parts 5.. waited for the next minute
  EXPECT_EQ(Item(long_id).status, "sent");
  EXPECT_EQ(worker_->failed(), 0u);
}

}  // namespace
}  // namespace linli::outbox_robots_test
