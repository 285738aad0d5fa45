#include "bot/server/jobs.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <set>

#include "bot/server/scheduler.h"
#include "config/config.h"
#include "config/texts.h"
#include "domain/deps.h"
#include "storage/inbox_store.h"
#include "storage/outbox_store.h"
#include "storage/conversation_store.h"
#include "storage/job_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/write_queue.h"
#include "tests/fakes/fake_clock.h"

namespace linli {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite(storage::SqliteOptions{":memory:"});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::Migrate(**db).ok());
    queue_ = std::make_unique<storage::WriteQueue>(std::move(db).value(), 16);
    jobs_ = ServerJobs(JobDeps{deps_, [this] { ++notified_; }});
  }
  void TearDown() override { queue_->Stop(); }

  const Job* Find(const std::string& name) const {
    for (const Job& j : jobs_) {
      if (j.name == name) return &j;
    }
    return nullptr;
  }

  config::Config config_;
  config::Texts texts_;
  testing::FakeClock clock_;
  domain::Deps deps_{config_, texts_, clock_};
  std::unique_ptr<storage::WriteQueue> queue_;
  std::vector<Job> jobs_;
  int notified_ = 0;
};

TEST_F(JobsTest, TheListNamesEachJobOnceWithItsSchedule) {
  std::set<std::string> names;
  for (const Job& j : jobs_) {
    EXPECT_TRUE(names.insert(j.name).second) << j.name;
    EXPECT_TRUE(j.run) << j.name;
  }
  ASSERT_NE(Find("inbox-prune"), nullptr);
  ASSERT_NE(Find("tickets"), nullptr);
  EXPECT_EQ(Find("inbox-prune")->schedule, domain::Schedule::Every(hours(1)));
  EXPECT_EQ(Find("tickets")->schedule, domain::Schedule::Every(minutes(1)));
}

TEST_F(JobsTest, InboxPruneDropsRecordsOlderThanTheRetention) {
  const int64_t now = clock_.NowMillis();
  const Job* prune = Find("inbox-prune");
  ASSERT_NE(prune, nullptr);
  Status st = queue_->Run([&](storage::Database& db) -> Status {
    const HttpResponse ack = HttpResponse::Text(200, "ok");
    LINLI_RETURN_IF_ERROR(storage::InboxStore::Record(db, "tg", "old", now - kInboxRetentionMs - 1, ack));
    LINLI_RETURN_IF_ERROR(storage::InboxStore::Record(db, "tg", "new", now - kInboxRetentionMs + 60'000, ack));
    LINLI_RETURN_IF_ERROR(prune->run(db, JobTick{{now, now + 3600'000}, now}));
    LINLI_ASSIGN_OR_RETURN(int64_t left, storage::InboxStore::Count(db));
    EXPECT_EQ(left, 1);
    LINLI_ASSIGN_OR_RETURN(auto kept, storage::InboxStore::Find(db, "tg", "new"));
    EXPECT_TRUE(kept.has_value());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

// Issue 8 point 8: sent messages and their texts go after retention.outbox_sent_days,
// abandoned dialogs after the session timeout; pending messages stay.
TEST_F(JobsTest, RetentionPrunesSentMessagesAndIdleDialogs) {
  const int64_t now = clock_.NowMillis();
  const Job* retention = Find("retention");
  ASSERT_NE(retention, nullptr);
  EXPECT_EQ(retention->schedule, domain::Schedule::Every(hours(1)));
  constexpr int64_t kDay = int64_t{24} * 3600 * 1000;
  Status st = queue_->Run([&](storage::Database& db) -> Status {
    OutboundMessage m;
    m.to = {"tg", "u1", "u1", ChatType::kPrivate};
    m.text = "old";
    LINLI_ASSIGN_OR_RETURN(int64_t old_id, storage::OutboxStore::Enqueue(db, m, now - 31 * kDay));
    const char* kSent = "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?";
    LINLI_RETURN_IF_ERROR(db.Exec(kSent, {now - 31 * kDay, old_id}));
    LINLI_ASSIGN_OR_RETURN(int64_t recent_id, storage::OutboxStore::Enqueue(db, m, now - 2 * kDay));
    LINLI_RETURN_IF_ERROR(db.Exec(kSent, {now - 2 * kDay, recent_id}));
    LINLI_ASSIGN_OR_RETURN(int64_t pending_id, storage::OutboxStore::Enqueue(db, m, now - 40 * kDay));
    storage::DialogState idle;
    idle.flow = "report";
    idle.step = "location";
    idle.slots_json = "{}";
    idle.updated_at_ms = now - 31 * 60 * 1000;
    LINLI_RETURN_IF_ERROR(storage::ConversationStore::Save(db, "tg|u1|u1", idle));
    storage::DialogState fresh = idle;
    fresh.updated_at_ms = now - 60 * 1000;
    LINLI_RETURN_IF_ERROR(storage::ConversationStore::Save(db, "tg|u2|u2", fresh));

    LINLI_RETURN_IF_ERROR(retention->run(db, JobTick{{now, now + 3600'000}, now}));
    LINLI_ASSIGN_OR_RETURN(auto old_row, storage::OutboxStore::Find(db, old_id));
    LINLI_ASSIGN_OR_RETURN(auto recent_row, storage::OutboxStore::Find(db, recent_id));
    LINLI_ASSIGN_OR_RETURN(auto pending_row, storage::OutboxStore::Find(db, pending_id));
    EXPECT_FALSE(old_row.has_value());
    EXPECT_TRUE(recent_row.has_value());
    EXPECT_TRUE(pending_row.has_value());
    LINLI_ASSIGN_OR_RETURN(auto idle_left, storage::ConversationStore::Load(db, "tg|u1|u1"));
    LINLI_ASSIGN_OR_RETURN(auto fresh_left, storage::ConversationStore::Load(db, "tg|u2|u2"));
    EXPECT_FALSE(idle_left.has_value());
    EXPECT_TRUE(fresh_left.has_value());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(JobsTest, TheListRunsUnderTheSchedulerOncePerPeriodAndWakesTheOutbox) {
  boost::asio::io_context io;
  Scheduler scheduler(io, *queue_, clock_, nullptr);
  for (Job& j : ServerJobs(JobDeps{deps_, [this] { ++notified_; }})) {
    ASSERT_TRUE(scheduler.Add(std::move(j)).ok());
  }
  const int64_t t0 = clock_.NowMillis();  // 01:00:00 UTC: every job's period begins now
  auto run = [&](int64_t at) {
    auto n = scheduler.RunDue(at);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  };
  EXPECT_EQ(run(t0), 4);     // and the decisions job (issue 10), which has nothing due
  EXPECT_EQ(notified_, 1);  // the ticket tick enqueues pushes; the prunes do not
  EXPECT_EQ(run(t0 + 30'000), 0);
  EXPECT_EQ(run(t0 + 60'000), 2);  // tickets and decisions only
  EXPECT_EQ(notified_, 2);
  EXPECT_EQ(run(t0 + milliseconds(hours(1)).count()), 4);
  Status st = queue_->Run([](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(auto all, storage::JobStore::List(db));
    EXPECT_EQ(all.size(), 4u);
    for (const auto& r : all) {
      EXPECT_EQ(r.runs, r.name == "tickets" || r.name == "decisions" ? 3 : 2) << r.name;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace linli
