#include "bot/server/outbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <string>
#include <string_view>
#include <vector>

#include "storage/card_store.h"
#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_adapter.h"
#include "tests/storage/test_database.h"

namespace linli::outbox_test {
namespace {

// A database whose COMMITs fail as on a full disk once told to (after `ok_commits` more
// successful ones) until Heal(); everything else goes to the real one.
class FullDiskDatabase final : public storage::Database {
 public:
  explicit FullDiskDatabase(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {}
  void FillAfter(int ok_commits) { ok_commits_left_ = ok_commits; }
  void Heal() { ok_commits_left_ = -1; }

  Status Exec(std::string_view sql, const std::vector<storage::Value>& p) override {
    return db_->Exec(sql, p);
  }
  StatusOr<storage::Rows> Query(std::string_view sql,
                                const std::vector<storage::Value>& p) override {
    return db_->Query(sql, p);
  }
  Status ExecScript(std::string_view sql) override { return db_->ExecScript(sql); }
  int64_t changes() const override { return db_->changes(); }
  Status Begin() override { return db_->Begin(); }
  Status Commit() override {
    if (ok_commits_left_ == 0) {
      (void)db_->Rollback();
      return Status::Unavailable("sqlite: database or disk is full [COMMIT]");
    }
    if (ok_commits_left_ > 0) --ok_commits_left_;
    return db_->Commit();
  }
  Status Rollback() override { return db_->Rollback(); }
  Status Savepoint(std::string_view n) override { return db_->Savepoint(n); }
  Status ReleaseSavepoint(std::string_view n) override { return db_->ReleaseSavepoint(n); }
  Status RollbackToSavepoint(std::string_view n) override { return db_->RollbackToSavepoint(n); }
  bool in_transaction() const override { return db_->in_transaction(); }
  std::string dialect() const override { return db_->dialect(); }

 private:
  std::unique_ptr<storage::Database> db_;
  std::atomic<int> ok_commits_left_{-1};  // -1: never fail
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::Migrate(**db).ok());
    auto full_disk = std::make_unique<FullDiskDatabase>(std::move(db).value());
    disk_ = full_disk.get();
    queue_ = std::make_unique<storage::WriteQueue>(std::move(full_disk), 64);
    options_.initial_backoff_ms = 1000;
    options_.max_backoff_ms = 8000;
    options_.max_attempts = 4;
    worker_ = std::make_unique<OutboxWorker>(
        *queue_, clock_, options_,
        [this](const std::string& ch) -> Adapter* { return ch == "tg" ? &tg_ : nullptr; }, 1);
  }
  void TearDown() override {
    worker_.reset();
    queue_->Stop();
  }
  int64_t Enqueue(const std::string& chat, const std::string& text, const std::string& channel = "tg") {
    OutboundMessage m;
    m.to = {channel, chat, chat, ChatType::kPrivate};
    m.text = text;
    int64_t id = 0;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(id, storage::OutboxStore::Enqueue(db, m, clock_.NowMillis()));
      return Status::Ok();
    }).ok());
    return id;
  }
  std::string StatusOf(int64_t id) {
    std::string status;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto item, storage::OutboxStore::Find(db, id));
      status = item ? item->status : "missing";
      return Status::Ok();
    }).ok());
    return status;
  }
  int RunOnce() {
    auto n = worker_->RunOnce();
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  testing::FakeClock clock_;
  FullDiskDatabase* disk_ = nullptr;  // owned by queue_
  config::OutboxConfig options_;
  testing::RecordingAdapter tg_{"tg"};
  std::unique_ptr<storage::WriteQueue> queue_;
  std::unique_ptr<OutboxWorker> worker_;
};

TEST_F(OutboxTest, SendsAndMarksSentWithAStableIdempotencyKey) {
  const int64_t id = Enqueue("c1", "hello");
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "sent");
  ASSERT_EQ(tg_.sent().size(), 1u);
  EXPECT_EQ(tg_.sent()[0].idempotency_key, "linli-ob-" + std::to_string(id));
  EXPECT_EQ(RunOnce(), 0);  // nothing is sent twice
}

// Issue 9: an edit of a card (OutboundMessage::edit_of) on a platform that cannot edit goes
// out as its short follow-up post, or not at all without one; it records no card.
TEST_F(OutboxTest, AnEditBecomesTheFollowUpWhereThePlatformCannotEdit) {
  OutboundMessage edit;
  edit.to = {"tg", "group-9", "group-9", ChatType::kGroup};
  edit.text = "【微心愿 #12】… 已认领：李志愿";
  edit.edit_of = "pm-7";
  edit.follow_up = "心愿 #12 已认领 1/1：李志愿";
  edit.choices = {{"认领", "/claim 12"}};
  OutboundMessage silent = edit;
  silent.follow_up = "";
  int64_t a = 0, b = 0;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(a, storage::OutboxStore::Enqueue(db, edit, clock_.NowMillis()));
    LINLI_ASSIGN_OR_RETURN(b, storage::OutboxStore::Enqueue(db, silent, clock_.NowMillis()));
    return Status::Ok();
  }).ok());
  ASSERT_FALSE(tg_.can_edit());
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(RunOnce(), 1);  // same destination: one after the other
  EXPECT_EQ(StatusOf(a), "sent");
  EXPECT_EQ(StatusOf(b), "sent");
  ASSERT_EQ(tg_.sent().size(), 1u);  // the silent one reached no platform
  EXPECT_EQ(tg_.sent()[0].text, "心愿 #12 已认领 1/1：李志愿");
  EXPECT_TRUE(tg_.sent()[0].edit_of.empty());
  EXPECT_TRUE(tg_.sent()[0].choices.empty());
}

// A card (OutboundMessage::card_kind) is recorded with the platform id of the sent message,
// so a reply to it can be routed; ordinary messages and sends without an id record nothing.
TEST_F(OutboxTest, SentCardsAreRecordedWithTheirPlatformMessageId) {
  OutboundMessage card;
  card.to = {"tg", "u1", "group-9", ChatType::kGroup};
  card.text = "心愿 #12";
  card.card_kind = "wish";
  card.card_ref = "12";
  OutboundMessage no_id = card;
  no_id.card_ref = "13";
  auto send = [&](const OutboundMessage& m, SendResult result) {
    tg_.Script({result});
    ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      return storage::OutboxStore::Enqueue(db, m, clock_.NowMillis()).status();
    }).ok());
    EXPECT_EQ(RunOnce(), 1);
  };
  send(card, SendResult::Sent("pm-card"));
  send(no_id, SendResult::Sent(""));
  OutboundMessage ordinary;
  ordinary.to = {"tg", "c1", "c1", ChatType::kPrivate};
  ordinary.text = "plain";
  send(ordinary, SendResult::Sent("pm-plain"));
  std::optional<storage::CardRef> found, plain;
  int64_t cards = -1;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(found, storage::CardStore::Find(db, "tg", "group-9", "pm-card"));
    LINLI_ASSIGN_OR_RETURN(plain, storage::CardStore::Find(db, "tg", "c1", "pm-plain"));
    LINLI_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT COUNT(*) FROM card_refs"));
    cards = rows[0].Int(0);
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->kind, "wish");
  EXPECT_EQ(found->ref, "12");
  EXPECT_FALSE(plain.has_value());
  EXPECT_EQ(cards, 1);
}

// Issue 11: a ticket's photo replies to the ticket's card in its group. The card goes first
// (one destination in order) and is recorded; the photo's reply_to is filled at send time from
// that record - the card of that group, not of another one; none known: no reply.
TEST_F(OutboxTest, AReplyToACardGetsTheCardsMessageIdAtSendTime) {
  OutboundMessage other_card;
  other_card.to = {"tg", "group-8", "group-8", ChatType::kGroup};
  other_card.text = "工单 #5";
  other_card.card_kind = "ticket";
  other_card.card_ref = "5";
  OutboundMessage card = other_card;
  card.to = {"tg", "group-9", "group-9", ChatType::kGroup};
  OutboundMessage photo;
  photo.to = card.to;
  photo.text = "工单 #5 附有现场照片";
  photo.reply_card_kind = "ticket";
  photo.reply_card_ref = "5";
  photo.image = OutboundImage{"/m/ticket-5-1.jpg", "image/jpeg", "AgAC", "tg", "工单 #5"};
  OutboundMessage orphan = photo;
  orphan.to = {"tg", "group-7", "group-7", ChatType::kGroup};  // no card there
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, other_card, clock_.NowMillis()).status());
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, card, clock_.NowMillis()).status());
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, photo, clock_.NowMillis()).status());
    return storage::OutboxStore::Enqueue(db, orphan, clock_.NowMillis()).status();
  }).ok());
  for (int i = 0; i < 4 && tg_.sent().size() < 4; ++i) RunOnce();
  ASSERT_EQ(tg_.sent().size(), 4u);
  const OutboundMessage* sent_photo = nullptr;
  const OutboundMessage* sent_orphan = nullptr;
  const std::vector<OutboundMessage> sent = tg_.sent();
  for (const auto& m : sent) {
    if (m.image && m.to.chat_id == "group-9") sent_photo = &m;
    if (m.image && m.to.chat_id == "group-7") sent_orphan = &m;
  }
  ASSERT_NE(sent_photo, nullptr);
  ASSERT_NE(sent_orphan, nullptr);
  std::vector<storage::CardRef> cards;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(cards, storage::CardStore::ForRef(db, "ticket", "5"));
    return Status::Ok();
  }).ok());
  std::string card_id, other_id;
  for (const auto& c : cards) (c.chat_id == "group-9" ? card_id : other_id) = c.platform_message_id;
  ASSERT_FALSE(card_id.empty());
  ASSERT_FALSE(other_id.empty());
  ASSERT_NE(card_id, other_id);
  EXPECT_EQ(sent_photo->reply_to, card_id);
  EXPECT_EQ(sent_photo->image->path, "/m/ticket-5-1.jpg");
  EXPECT_TRUE(sent_orphan->reply_to.empty());
}

TEST_F(OutboxTest, RetriesWithExponentialBackoff) {
  const int64_t id = Enqueue("c1", "hello");
  tg_.Script({SendResult::Retry("500"), SendResult::Retry("500")});
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "pending");
  EXPECT_EQ(RunOnce(), 0);  // not due yet
  clock_.Advance(std::chrono::milliseconds(999));
  EXPECT_EQ(RunOnce(), 0);
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(RunOnce(), 1);  // second attempt after 1 s, fails again
  clock_.Advance(std::chrono::milliseconds(1999));
  EXPECT_EQ(RunOnce(), 0);  // backoff doubled to 2 s
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "sent");
  EXPECT_EQ(tg_.attempts().size(), 3u);
  EXPECT_EQ(tg_.sent().size(), 1u);
  // The same key on every attempt.
  for (const auto& a : tg_.attempts()) EXPECT_EQ(a.idempotency_key, tg_.attempts()[0].idempotency_key);
}

// Issue 13 point 6: after an outage the queue drains as soon as the platform answers again,
// not as each message's backoff ends; a platform's Retry-After still holds.
TEST_F(OutboxTest, WhenTheChannelAnswersAgainBackedOffMessagesGoAtOnce) {
  const int64_t a = Enqueue("c1", "a");
  const int64_t b = Enqueue("c2", "b");
  const int64_t c = Enqueue("c3", "c");
  // One pass sends a, b, c (in id order): all three fail; c's answer names a time.
  tg_.Script({SendResult::Retry("500"), SendResult::Retry("500"),
              SendResult::Retry("503", std::chrono::milliseconds(20000))});
  EXPECT_EQ(RunOnce(), 3);
  // b fails twice more: its backoff grows to 4 s.
  clock_.Advance(std::chrono::milliseconds(1000));
  tg_.Script({SendResult::Retry("500"), SendResult::Retry("500")});
  EXPECT_EQ(RunOnce(), 2);  // a and b, each failing again (a: 2 s, b: 2 s)
  clock_.Advance(std::chrono::milliseconds(2000));
  tg_.Script({SendResult::Sent(), SendResult::Retry("500")});
  // a goes through: the platform is back. b failed again in the same pass (4 s backoff) ...
  EXPECT_EQ(RunOnce(), 2);
  EXPECT_EQ(StatusOf(a), "sent");
  // ... not brought forward by a success of the same pass (its failure may be its own) ...
  EXPECT_EQ(RunOnce(), 0);
  // ... but by the next success: one more message to see the recovery.
  clock_.Advance(std::chrono::milliseconds(10));
  const int64_t d = Enqueue("c4", "d");
  EXPECT_EQ(RunOnce(), 1);  // d is sent
  EXPECT_EQ(StatusOf(d), "sent");
  EXPECT_EQ(RunOnce(), 1);  // b at once, long before its 4 s
  EXPECT_EQ(StatusOf(b), "sent");
  EXPECT_EQ(StatusOf(c), "pending");  // c waits out the 20 s the platform asked for
  clock_.Advance(std::chrono::milliseconds(16990));
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(c), "sent");
}

TEST_F(OutboxTest, HonoursRetryAfter) {
  const int64_t id = Enqueue("c1", "hello");
  tg_.Script({SendResult::Retry("429", std::chrono::milliseconds(5000))});
  RunOnce();
  clock_.Advance(std::chrono::milliseconds(4999));
  EXPECT_EQ(RunOnce(), 0);
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "sent");
}

TEST_F(OutboxTest, GivesUpAfterMaxAttempts) {
  const int64_t id = Enqueue("c1", "hello");
  tg_.Script(std::vector<SendResult>(10, SendResult::Retry("down")));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(RunOnce(), 1);
    clock_.Advance(std::chrono::seconds(10));
  }
  EXPECT_EQ(StatusOf(id), "failed");
  EXPECT_EQ(RunOnce(), 0);
  EXPECT_EQ(worker_->failed(), 1u);
}

// A rate-limited answer (Telegram 429, robot 45009/130101/11232) is not a failed attempt: far
// more of them than max_attempts (4 here) still end in a delivery, each waiting retry_after.
TEST_F(OutboxTest, RateLimitedAnswersDeferWithoutCountingAnAttempt) {
  const int64_t id = Enqueue("c1", "hello");
  tg_.Script(std::vector<SendResult>(
      10, SendResult::RateLimited("HTTP 429", std::chrono::milliseconds(3000))));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(RunOnce(), 1);
    EXPECT_EQ(StatusOf(id), "pending");
    clock_.Advance(std::chrono::milliseconds(2999));
    EXPECT_EQ(RunOnce(), 0);  // retry_after holds
    clock_.Advance(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "sent");
  EXPECT_EQ(worker_->failed(), 0u);
  EXPECT_EQ(worker_->paced(), 10u);
  EXPECT_EQ(worker_->retried(), 0u);
}

TEST_F(OutboxTest, PermanentFailureAndUnknownChannelFailAtOnce) {
  const int64_t a = Enqueue("c1", "hello");
  const int64_t b = Enqueue("c2", "hello", "gone");
  tg_.Script({SendResult::Permanent("400 chat not found")});
  EXPECT_EQ(RunOnce(), 2);
  EXPECT_EQ(StatusOf(a), "failed");
  EXPECT_EQ(StatusOf(b), "failed");
}

TEST_F(OutboxTest, OneDestinationIsDeliveredInOrder) {
  const int64_t first = Enqueue("c1", "first");
  const int64_t second = Enqueue("c1", "second");
  const int64_t other = Enqueue("c2", "other");
  tg_.Script({SendResult::Retry("500")});
  EXPECT_EQ(RunOnce(), 2);  // c1's first (fails) and c2's only message
  EXPECT_EQ(StatusOf(second), "pending");
  EXPECT_EQ(StatusOf(other), "sent");
  EXPECT_EQ(RunOnce(), 0);  // "second" waits behind "first"
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(first), "sent");
  EXPECT_EQ(StatusOf(second), "sent");
  const auto sent = tg_.sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].text, "first");
  EXPECT_EQ(sent[2].text, "second");
}

TEST_F(OutboxTest, DeferredWaitsForTheUsersNextContact) {
  const int64_t id = Enqueue("c1", "status changed");
  tg_.Script({SendResult::Deferred("45015 outside window")});
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "deferred");
  clock_.Advance(std::chrono::hours(100));
  EXPECT_EQ(RunOnce(), 0);
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) {
    return storage::OutboxStore::ReleaseDeferred(db, "tg", "c1", clock_.NowMillis()).status();
  }).ok());
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "sent");
}

TEST_F(OutboxTest, NothingIsPushedToAnUnsubscribedUser) {
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_RETURN_IF_ERROR(storage::IdentityStore::Touch(db, {"tg", "c1", "c1", ChatType::kPrivate},
                                                        clock_.NowMillis()).status());
    return storage::IdentityStore::RecordUnsubscribe(db, "tg", "c1", clock_.NowMillis());
  }).ok());
  const int64_t id = Enqueue("c1", "status changed");
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(id), "failed");
  EXPECT_TRUE(tg_.attempts().empty());  // the platform was not called
  // Following again (any contact) lifts it.
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) {
    return storage::IdentityStore::RecordContact(db, "tg", "c1", clock_.NowMillis(), true);
  }).ok());
  const int64_t next = Enqueue("c1", "welcome back");
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(StatusOf(next), "sent");
}

TEST_F(OutboxTest, WindowSendsAreCountedPerWindow) {
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_RETURN_IF_ERROR(storage::IdentityStore::Touch(db, {"tg", "c1", "c1", ChatType::kPrivate},
                                                        clock_.NowMillis()).status());
    return storage::IdentityStore::RecordContact(db, "tg", "c1", clock_.NowMillis(), false);
  }).ok());
  SendResult used = SendResult::Sent("m1");
  used.window_use = WindowUse::kMessage;
  tg_.Script({used});
  Enqueue("c1", "one");
  EXPECT_EQ(RunOnce(), 1);
  Enqueue("c1", "two");
  EXPECT_EQ(RunOnce(), 1);  // default: sent outside any window
  ContactWindow w;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(db, "tg", "c1"));
    if (identity) w = identity->window;
    return Status::Ok();
  }).ok());
  EXPECT_EQ(w.message_sends, 1);
  EXPECT_EQ(w.event_sends, 0);
  // The adapter saw the window as the outbox read it before the first send.
  ASSERT_EQ(tg_.attempts().size(), 2u);
  EXPECT_EQ(tg_.attempts()[0].window.message_sends, 0);
  EXPECT_EQ(tg_.attempts()[1].window.message_sends, 1);
}

TEST_F(OutboxTest, InFlightRowsAreRecoveredAtStart) {
  const int64_t id = Enqueue("c1", "hello");
  // Simulate a crash mid-send: claimed, never recorded.
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) {
    return storage::OutboxStore::ClaimDue(db, clock_.NowMillis(), 10, "crashed", 60000).status();
  }).ok());
  EXPECT_EQ(StatusOf(id), "sending");
  ASSERT_TRUE(worker_->Start().ok());
  worker_->Notify();
  for (int i = 0; i < 200 && tg_.sent().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  worker_->Stop();
  EXPECT_EQ(StatusOf(id), "sent");
  EXPECT_EQ(tg_.sent().size(), 1u);
}

// Issue 13 point 7: a send whose outcome cannot be written (the disk filled up meanwhile) is
// not lost and not sent again: the outcome is written by a later pass once space returns,
// and the destination's next message waits until then (order).
TEST_F(OutboxTest, AnOutcomeTheFullDiskRefusedIsRecordedLaterAndNotSentTwice) {
  const int64_t first = Enqueue("c1", "one");
  const int64_t second = Enqueue("c1", "two");
  disk_->FillAfter(1);  // the claim commits; recording the send does not
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(worker_->unrecorded(), 1u);
  EXPECT_FALSE(worker_->RunOnce().ok());  // still full: nothing claimed, the outcome kept
  EXPECT_EQ(worker_->unrecorded(), 1u);
  ASSERT_EQ(tg_.sent().size(), 1u);

  disk_->Heal();
  EXPECT_EQ(StatusOf(first), "sending");  // holds "two" back
  EXPECT_EQ(StatusOf(second), "pending");
  EXPECT_EQ(RunOnce(), 1);  // writes the kept outcome first, then sends "two"
  EXPECT_EQ(worker_->unrecorded(), 0u);
  EXPECT_EQ(StatusOf(first), "sent");
  EXPECT_EQ(StatusOf(second), "sent");
  ASSERT_EQ(tg_.sent().size(), 2u);
  EXPECT_EQ(tg_.sent()[0].text, "one");
  EXPECT_EQ(tg_.sent()[1].text, "two");
}

// Issue 14 point 3: several instances of the outbox worker on one PostgreSQL database, each
// with its own connection (write queue), instance id and wake-up listener.
class OutboxInstancesTest : public ::testing::Test {
 protected:
  // A worker with the connection and listener an instance has.
  struct Instance {
    std::unique_ptr<storage::WriteQueue> queue;
    std::unique_ptr<OutboxWorker> worker;
  };

  void SetUp() override {
    if (const std::string why = storage::PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
    schema_ = std::make_unique<storage::TestSchema>();
    ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
    db_options_.backend = "postgresql";
    db_options_.postgresql = schema_->Options();
    producer_ = OpenQueue();
    ASSERT_NE(producer_, nullptr);
    options_.lease_ms = 5000;
    options_.poll_interval_ms = 20;
  }
  void TearDown() override {
    for (auto& i : instances_) {
      if (i.worker) i.worker->Stop();
      if (i.queue) i.queue->Stop();
    }
    instances_.clear();
    if (producer_) producer_->Stop();
    producer_.reset();
    schema_.reset();
  }

  std::unique_ptr<storage::WriteQueue> OpenQueue() {
    auto opened = storage::OpenDatabase(db_options_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return nullptr;
    return std::make_unique<storage::WriteQueue>(std::move(opened->db), 64);
  }
  // A new instance sending through `adapter` ("tg"), woken by the others' enqueues.
  Instance& AddInstance(Adapter& adapter, int threads = 2) {
    Instance i;
    i.queue = OpenQueue();
    auto wake = storage::OpenNotifier(db_options_, storage::OutboxStore::kWakeTopic);
    EXPECT_TRUE(wake.ok() && *wake != nullptr);
    i.worker = std::make_unique<OutboxWorker>(
        *i.queue, clock_, options_,
        [&adapter](const std::string& ch) -> Adapter* { return ch == "tg" ? &adapter : nullptr; },
        threads, nullptr, wake.ok() ? std::move(wake).value() : nullptr);
    instances_.push_back(std::move(i));
    return instances_.back();
  }
  // Enqueues "<chat>#<n>" for n = 0..per_chat-1 in each chat, interleaved, in one commit.
  void EnqueueChats(int chats, int per_chat) {
    ASSERT_TRUE(producer_->Run([&](storage::Database& db) -> Status {
      for (int n = 0; n < per_chat; ++n) {
        for (int c = 0; c < chats; ++c) {
          OutboundMessage m;
          const std::string chat = std::string("chat").append(std::to_string(c));
          m.to = {"tg", chat, chat, ChatType::kPrivate};
          m.text = std::string(chat).append("#").append(std::to_string(n));
          LINLI_RETURN_IF_ERROR(
              storage::OutboxStore::Enqueue(db, m, clock_.NowMillis()).status());
        }
      }
      return Status::Ok();
    }).ok());
  }
  // Waits until `adapter` has `n` sends or the guard runs out (a failure, not a timing).
  static void WaitForSends(const testing::RecordingAdapter& adapter, size_t n) {
    const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (adapter.sent().size() < n && std::chrono::steady_clock::now() < guard) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Every message of `chats` x `per_chat` sent exactly once, each chat's in order.
  static void ExpectEachOnceInOrder(const std::vector<OutboundMessage>& sent, int chats,
                                    int per_chat) {
    std::set<std::string> seen;
    std::map<std::string, int> next;
    for (const auto& m : sent) {
      EXPECT_TRUE(seen.insert(m.text).second) << m.text << " sent twice";
      const std::string chat = m.text.substr(0, m.text.find('#'));
      const int n = std::stoi(m.text.substr(m.text.find('#') + 1));
      EXPECT_EQ(n, next[chat]) << m.text << " out of order";
      next[chat] = n + 1;
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(chats * per_chat));
  }
  int64_t CountStatus(const std::string& status) {
    int64_t n = -1;
    EXPECT_TRUE(producer_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(n, storage::OutboxStore::CountByStatus(db, status));
      return Status::Ok();
    }).ok());
    return n;
  }

  testing::FakeClock clock_;
  config::OutboxConfig options_;
  storage::DatabaseOptions db_options_;
  std::unique_ptr<storage::TestSchema> schema_;
  std::unique_ptr<storage::WriteQueue> producer_;  // the instance taking the webhooks
  std::deque<Instance> instances_;  // a deque: references stay valid as it grows
};

// Two running workers on one database share the work: every message is sent once, and each
// chat's messages in the order they were enqueued, whichever instance sends which.
TEST_F(OutboxInstancesTest, TwoWorkersSendEachMessageOnceInChatOrder) {
  // More chats than one pass claims (32), so both instances find heads to claim at once.
  constexpr int kChats = 48;
  constexpr int kPerChat = 5;
  testing::RecordingAdapter tg{"tg"};  // one platform both send to, recording in send order
  Instance& a = AddInstance(tg);
  Instance& b = AddInstance(tg);
  EXPECT_NE(a.worker->instance_id(), b.worker->instance_id());
  ASSERT_TRUE(a.worker->Start().ok());
  ASSERT_TRUE(b.worker->Start().ok());
  EnqueueChats(kChats, kPerChat);
  WaitForSends(tg, kChats * kPerChat);
  a.worker->Stop();
  b.worker->Stop();
  ExpectEachOnceInOrder(tg.sent(), kChats, kPerChat);
  EXPECT_EQ(tg.attempts().size(), static_cast<size_t>(kChats * kPerChat));
  EXPECT_EQ(a.worker->sent() + b.worker->sent(), static_cast<uint64_t>(kChats * kPerChat));
  EXPECT_EQ(CountStatus("sent"), kChats * kPerChat);
  std::cout << "sent: instance a " << a.worker->sent() << ", instance b " << b.worker->sent()
            << "\n";
}

// An adapter of an instance that dies in its first send: its write queue (its connection) is
// gone, so nothing it claimed is ever recorded, and nothing reached the platform.
class DyingAdapter final : public Adapter {
 public:
  explicit DyingAdapter(storage::WriteQueue*& queue) : queue_(queue) {}
  const std::string& name() const override { return name_; }
  std::string type() const override { return "recording"; }
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest&) override {
    return Status::NotFound("no webhook");
  }
  HttpResponse RenderAck(const InboundMessage&, const std::vector<OutboundMessage>&) override {
    return HttpResponse::Text(200, "ok");
  }
  SendResult Send(const OutboundMessage&) override {
    if (queue_ != nullptr) queue_->Stop();
    ++calls_;
    return SendResult::Retry("the process was killed");
  }
  int calls() const { return calls_.load(); }

 private:
  const std::string name_ = "tg";
  storage::WriteQueue*& queue_;
  std::atomic<int> calls_{0};
};

// An instance killed after claiming: its claims hold until their lease runs out - the other
// instance leaves them (and their chats' later messages) alone - and then the other instance
// takes them back and sends everything, once, in each chat's order.
TEST_F(OutboxInstancesTest, AKilledInstancesClaimsAreSentByAnotherAfterTheLease) {
  constexpr int kChats = 3;
  constexpr int kPerChat = 4;
  storage::WriteQueue* dying_queue = nullptr;
  DyingAdapter dying(dying_queue);
  testing::RecordingAdapter tg{"tg"};
  Instance& a = AddInstance(dying, 1);
  dying_queue = a.queue.get();
  Instance& b = AddInstance(tg, 1);
  EnqueueChats(kChats, kPerChat);

  auto claimed = a.worker->RunOnce();  // claims each chat's head, dies in the first send
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  EXPECT_EQ(*claimed, kChats);
  EXPECT_EQ(dying.calls(), kChats);
  EXPECT_EQ(CountStatus("sending"), kChats);

  // The lease holds: b sends nothing, not even the chats' later messages.
  auto none = b.worker->RunOnce();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);
  clock_.Advance(std::chrono::milliseconds(options_.lease_ms - 1));
  none = b.worker->RunOnce();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(tg.attempts().empty());

  // Then b takes them back and delivers everything.
  clock_.Advance(std::chrono::milliseconds(1));
  for (int pass = 0; pass < 4 * kPerChat && tg.sent().size() < kChats * kPerChat; ++pass) {
    auto n = b.worker->RunOnce();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
  }
  ExpectEachOnceInOrder(tg.sent(), kChats, kPerChat);
  EXPECT_EQ(CountStatus("sent"), kChats * kPerChat);
  EXPECT_EQ(CountStatus("sending"), 0);
}

// Another instance's enqueue wakes a worker at once (LISTEN/NOTIFY), long before its poll:
// with a ten-minute poll interval only the wake-up can deliver within the guard.
TEST_F(OutboxInstancesTest, AnotherInstancesEnqueueWakesTheWorker) {
  options_.poll_interval_ms = 10 * 60 * 1000;
  testing::RecordingAdapter tg{"tg"};
  Instance& a = AddInstance(tg, 1);
  ASSERT_TRUE(a.worker->Start().ok());  // listening once Start returns
  // Its first pass (nothing due) is over: the thread now sleeps for the poll interval.
  const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (a.worker->passes() < 1 && std::chrono::steady_clock::now() < guard) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(a.worker->passes(), 1u);
  EnqueueChats(1, 1);  // by the producer: another connection, no in-process Notify()
  WaitForSends(tg, 1);
  ASSERT_EQ(tg.sent().size(), 1u);
  EXPECT_EQ(tg.sent()[0].text, "chat0#0");
  a.worker->Stop();  // interrupts the listener and the ten-minute wait at once
}

}  // namespace
}  // namespace linli::outbox_test
