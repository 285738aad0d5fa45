#include "bot/server/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "dialogs/flows.h"
#include "storage/inbox_store.h"
#include "storage/migrations.h"
#include "storage/outbox_store.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_adapter.h"

namespace linli::router_test {
namespace {

using ::testing::HasSubstr;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int b = 1; b <= 6; ++b) config_.compound.buildings.push_back({std::to_string(b), {"1", "2"}});
    config_.compound.name = "测试小区";
    auto texts = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
    ASSERT_TRUE(texts.ok());
    texts_ = std::move(texts).value();
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::Migrate(**db).ok());
    queue_ = std::make_unique<storage::WriteQueue>(std::move(db).value(), 64);
    services_ = std::make_unique<domain::Deps>(domain::Deps{config_, texts_, clock_});
    auto engine = dialogs::Engine::Create(*services_, dialogs::AllFlows());
    ASSERT_TRUE(engine.ok());
    engine_ = std::move(engine).value();
    router_ = std::make_unique<Router>(*queue_, *engine_, clock_, [this] { ++wakeups_; });
  }
  void TearDown() override { queue_->Stop(); }

  InboundMessage Text(const std::string& id, const std::string& text) {
    InboundMessage m;
    m.conversation = {"tg", "u1", "u1", ChatType::kPrivate};
    m.platform_message_id = id;
    m.text = text;
    return m;
  }
  int64_t Count(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT COUNT(*) FROM " + table));
      n = rows.at(0).Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }

  config::Config config_;
  config::Texts texts_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::WriteQueue> queue_;
  std::unique_ptr<domain::Deps> services_;
  std::unique_ptr<dialogs::Engine> engine_;
  std::unique_ptr<Router> router_;
  std::atomic<int> wakeups_{0};
};

TEST_F(RouterTest, RepliesGoToTheOutboxAndWakeIt) {
  testing::RecordingAdapter tg("tg");
  auto out = router_->Run(tg, Text("u1", "报事"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->duplicate);
  EXPECT_EQ(out->enqueued, 1);
  EXPECT_EQ(out->ack.body, "ok");
  EXPECT_EQ(Count("outbox"), 1);
  EXPECT_EQ(Count("inbox"), 1);
  EXPECT_EQ(wakeups_.load(), 1);
}

TEST_F(RouterTest, RedeliveryIsAnsweredAlikeAndNotProcessed) {
  testing::RecordingAdapter wx("wx", /*passive=*/true);
  auto first = router_->Run(wx, Text("msg-1", "报事"));
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->ack.body, HasSubstr("请选择问题类别"));
  EXPECT_EQ(Count("outbox"), 0);  // passive replies travel in the response
  auto again = router_->Run(wx, Text("msg-1", "报事"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->ack.body, first->ack.body);
  // The step did not advance twice: "2" is still taken as the category.
  auto next = router_->Run(wx, Text("msg-2", "2"));
  ASSERT_TRUE(next.ok());
  EXPECT_THAT(next->ack.body, HasSubstr("问题在哪里"));
}

TEST_F(RouterTest, OneReplyRidesInTheAckWhereThePlatformExecutesIt) {
  testing::RecordingAdapter tg("tg");
  tg.set_answers_one_in_ack(true);
  auto first = router_->Run(tg, Text("u1", "报事"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(first->ack.body, HasSubstr("请选择问题类别"));
  EXPECT_EQ(first->enqueued, 0);
  EXPECT_EQ(Count("outbox"), 0);
  EXPECT_EQ(wakeups_.load(), 0);  // nothing for the outbox to do
  // A redelivery (the answer was lost) is answered with the same call, not processed again.
  auto again = router_->Run(tg, Text("u1", "报事"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->ack.body, first->ack.body);
}

TEST_F(RouterTest, AReplyDoesNotOvertakeAMessageStillQueuedForTheChat) {
  testing::RecordingAdapter tg("tg");
  tg.set_answers_one_in_ack(true);
  // An earlier push to this chat is still waiting in the outbox (its send failed for now).
  OutboundMessage push;
  push.to = {"tg", "u1", "u1", ChatType::kPrivate};
  push.text = "您的工单 #1 已受理";
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) {
    return storage::OutboxStore::Enqueue(db, push, clock_.NowMillis()).status();
  }).ok());
  auto out = router_->Run(tg, Text("u2", "报事"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->ack.body, "ok");  // the reply queues behind the push instead
  EXPECT_EQ(out->enqueued, 1);
  EXPECT_EQ(Count("outbox"), 2);
  // Another chat with nothing queued is answered in its ack.
  InboundMessage other = Text("u3", "报事");
  other.conversation = {"tg", "u9", "u9", ChatType::kPrivate};
  auto free_chat = router_->Run(tg, other);
  ASSERT_TRUE(free_chat.ok());
  EXPECT_THAT(free_chat->ack.body, HasSubstr("请选择问题类别"));
  EXPECT_EQ(Count("outbox"), 2);
}

TEST_F(RouterTest, ConcurrentRedeliveriesProcessOnce) {
  testing::RecordingAdapter tg("tg");
  std::vector<std::thread> threads;
  std::atomic<int> duplicates{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto out = router_->Run(tg, Text("same", "报事"));
      ASSERT_TRUE(out.ok());
      if (out->duplicate) ++duplicates;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(Count("outbox"), 1);
}

TEST_F(RouterTest, FailedTurnApologisesAndLeavesNoHalfWrites) {
  testing::RecordingAdapter wx("wx", /*passive=*/true);
  int n = 0;
  for (const char* s : {"报事", "2", "3-2", "水管漏水", "跳过"}) {
    ASSERT_TRUE(router_->Run(wx, Text("m" + std::to_string(++n), s)).ok());
  }
  // Break the domain write: the ticket insert fails inside the turn.
  ASSERT_TRUE(queue_->Run([](storage::Database& db) { return db.Exec("DROP TABLE ticket_events"); }).ok());
  auto out = router_->Run(wx, Text("m-confirm", "1"));
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(out->ack.body, HasSubstr("系统暂时出了点问题"));
  EXPECT_EQ(Count("tickets"), 0);  // the ticket row was rolled back with the turn
  // The conversation is still at the confirmation step (its write was rolled back too).
  int64_t at_confirm = 0;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT COUNT(*) FROM conversations WHERE step = 'confirm'"));
    at_confirm = rows.at(0).Int(0);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(at_confirm, 1);
  // The failed delivery is recorded: a redelivery gets the same apology, not a retry loop.
  auto again = router_->Run(wx, Text("m-confirm", "1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
}

TEST_F(RouterTest, TappedButtonIsAcknowledged) {
  testing::RecordingAdapter tg("tg");
  InboundMessage tap = Text("cb-1", "");
  tap.kind = InboundKind::kButton;
  tap.payload = "/report";
  tap.callback_id = "cbq-77";
  auto out = router_->Run(tg, tap);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->enqueued, 2);  // the callback answer and the prompt
  std::vector<storage::OutboxItem> due;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(due, storage::OutboxStore::ClaimDue(db, clock_.NowMillis(), 10,
                                                                   "test", 60000));
    return Status::Ok();
  }).ok());
  ASSERT_EQ(due.size(), 1u);  // one destination: in order, the callback answer first
  EXPECT_EQ(due[0].message.kind, OutboundKind::kCallbackAnswer);
  EXPECT_EQ(due[0].message.callback_id, "cbq-77");
}

// Issue 8, point 9: beyond the per-identity limit one "please wait", then silence; nothing of
// a refused turn reaches the dialogs (no state, no ticket), and the limit lifts after a minute.
TEST_F(RouterTest, OverTheMessageLimitNothingIsProcessed) {
  testing::RecordingAdapter tg("tg");
  for (int i = 0; i < 20; ++i) {
    auto out = router_->Run(tg, Text("m" + std::to_string(i), "你好"));
    ASSERT_TRUE(out.ok());
    ASSERT_EQ(out->replies.size(), 1u) << i;
  }
  auto slow = router_->Run(tg, Text("m20", "报事"));
  ASSERT_TRUE(slow.ok());
  ASSERT_EQ(slow->replies.size(), 1u);
  EXPECT_THAT(slow->replies[0].text, HasSubstr("请稍后再试"));
  EXPECT_EQ(Count("conversations"), 0);  // 报事 did not start a flow
  auto silent = router_->Run(tg, Text("m21", "报事"));
  ASSERT_TRUE(silent.ok());
  EXPECT_TRUE(silent->replies.empty());
  EXPECT_EQ(Count("conversations"), 0);
  EXPECT_EQ(Count("inbox"), 22);  // refused turns are still deduped

  clock_.Advance(std::chrono::seconds(61));
  auto again = router_->Run(tg, Text("m22", "报事"));
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->replies.size(), 1u);
  EXPECT_EQ(Count("conversations"), 1);
}

// Issue 8: DingTalk's sign covers only the timestamp. The seen (timestamp, sign) pairs were
// kept in memory only, so after a restart the same pair with another body was accepted. The
// router now records the message's ReplayClaim in the turn's transaction.
TEST_F(RouterTest, ReplayClaimWithAnotherBodyIsRefusedAndWritesNothing) {
  testing::RecordingAdapter dd("dd");
  auto claimed = [&](const std::string& id, const std::string& text, const std::string& digest) {
    InboundMessage m = Text(id, text);
    m.conversation.channel = "dd";
    m.replay_claim = ReplayClaim{"1795568400000\nsig=", digest, clock_.NowMillis() + 3600000};
    return m;
  };
  auto first = router_->Run(dd, claimed("msg-1", "报事", "digest-a"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->duplicate);
  const int64_t inbox = Count("inbox"), outbox = Count("outbox"), conversations = Count("conversations");

  // Another body under the same pair, with a fresh message id: refused, nothing written.
  auto forged = router_->Run(dd, claimed("msg-forged", "你好", "digest-b"));
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Count("inbox"), inbox);
  EXPECT_EQ(Count("outbox"), outbox);
  EXPECT_EQ(Count("conversations"), conversations);

  // The identical redelivery passes the claim and is deduplicated by its message id.
  auto again = router_->Run(dd, claimed("msg-1", "报事", "digest-a"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->ack.body, first->ack.body);

  // A new router over the same database (what a restart keeps): still refused.
  Router restarted(*queue_, *engine_, clock_, [] {});
  EXPECT_EQ(restarted.Run(dd, claimed("msg-forged", "你好", "digest-b")).status().code(),
            StatusCode::kUnauthenticated);
  // Other pairs (another timestamp, another robot) are unaffected.
  InboundMessage other = claimed("msg-2", "2", "digest-c");
  other.replay_claim->key = "1795568400001\nsig2=";
  EXPECT_TRUE(restarted.Run(dd, other).ok());
  // Once the window has closed the record is gone; the adapter's own window check refuses
  // such a timestamp before a claim is ever made.
  clock_.Advance(std::chrono::hours(2));
  EXPECT_TRUE(restarted.Run(dd, claimed("msg-3", "帮助", "digest-d")).ok());
}

}  // namespace
}  // namespace linli::router_test
