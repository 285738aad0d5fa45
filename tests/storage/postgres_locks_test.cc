// Locks between instances on one PostgreSQL database (issue 14; database.h LockKey,
// TryLockSession, conflicts()) and what the write queue does when two instances' batches wait
// for each other: two connections to one schema of the LINLI_PG_DSN server (skipped, saying
// why, without one). Every wait here waits for a condition (a connection blocked on a lock,
// a unit done), never for a time.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres_database.h"
#include "storage/write_queue.h"
#include "tests/storage/test_database.h"

namespace linli::storage::postgres_locks_test {
namespace {

using namespace std::chrono_literals;

// Long enough for anything that should happen; a wait that takes it is a failure.
constexpr auto kBound = 60s;

class PostgresLocksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
    schema_ = std::make_unique<TestSchema>();
    ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
    observer_ = Open();
    ASSERT_NE(observer_, nullptr);
    ASSERT_TRUE(observer_->Exec("CREATE TABLE t (who TEXT PRIMARY KEY)").ok());
  }
  void TearDown() override {
    observer_.reset();
    schema_.reset();
  }

  std::unique_ptr<Database> Open(const TestSchema* schema = nullptr) {
    auto db = OpenPostgres((schema ? schema : schema_.get())->Options());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  int64_t Rows(const std::string& who) {
    auto rows = observer_->Query("SELECT COUNT(*) FROM t WHERE who = ?", {who});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<Database> observer_;  // reads, and watches who waits
};

TEST_F(PostgresLocksTest, LockKeyMakesASecondTransactionWaitForTheFirstsEnd) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  const int64_t second_pid = PgBackendPid(*second);
  ASSERT_TRUE(first->Begin().ok());
  ASSERT_TRUE(first->LockKey("conversation tg|1|1").ok());
  ASSERT_TRUE(first->LockKey("conversation tg|1|1").ok());  // held already: at once

  auto waited = std::async(std::launch::async, [&] {
    Status st = second->Begin();
    if (st.ok()) st = second->LockKey("conversation tg|1|1");
    if (st.ok()) st = second->Exec("INSERT INTO t (who) VALUES ('second')");
    if (st.ok()) st = second->Commit();
    return st;
  });
  ASSERT_TRUE(WaitUntilWaitingForALock(*observer_, second_pid));
  ASSERT_TRUE(first->Exec("INSERT INTO t (who) VALUES ('first')").ok());
  EXPECT_EQ(Rows("second"), 0);
  ASSERT_TRUE(first->Commit().ok());  // releases it
  ASSERT_EQ(waited.wait_for(kBound), std::future_status::ready);
  EXPECT_TRUE(waited.get().ok());
  EXPECT_EQ(Rows("second"), 1);
  EXPECT_EQ(first->conflicts(), 0u);
}

TEST_F(PostgresLocksTest, KeysAreLockedPerSchemaAndPerKey) {
  TestSchema other_schema;
  ASSERT_TRUE(other_schema.status().ok()) << other_schema.status().ToString();
  auto first = Open();
  auto same_schema = Open();
  auto other = Open(&other_schema);
  ASSERT_TRUE(first && same_schema && other);
  ASSERT_TRUE(first->Begin().ok());
  ASSERT_TRUE(first->LockKey("job digest").ok());
  // Another key in this schema, and the same key in another schema, are not held.
  auto free = std::async(std::launch::async, [&] {
    Status st = same_schema->Begin();
    if (st.ok()) st = same_schema->LockKey("job digest2");
    if (st.ok()) st = same_schema->Commit();
    if (st.ok()) st = other->Begin();
    if (st.ok()) st = other->LockKey("job digest");
    if (st.ok()) st = other->Commit();
    return st;
  });
  ASSERT_EQ(free.wait_for(kBound), std::future_status::ready) << "a lock that is not held waited";
  EXPECT_TRUE(free.get().ok());
  ASSERT_TRUE(first->Commit().ok());
}

TEST_F(PostgresLocksTest, RollingBackToASavepointReleasesTheKeyTakenAfterIt) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->Begin().ok());
  ASSERT_TRUE(first->Savepoint("unit").ok());
  ASSERT_TRUE(first->LockKey("conversation k").ok());
  auto held = second->TryLockSession("conversation k");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_FALSE(*held);  // the transaction's lock and the session lock are one key
  ASSERT_TRUE(first->RollbackToSavepoint("unit").ok());
  held = second->TryLockSession("conversation k");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_TRUE(*held);
  ASSERT_TRUE(second->UnlockSession("conversation k").ok());
  ASSERT_TRUE(first->Rollback().ok());
}

TEST_F(PostgresLocksTest, ASessionLockOutlivesTransactionsAndGoesWithItsConnection) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->Begin().ok());
  auto held = first->TryLockSession("job backup");
  ASSERT_TRUE(held.ok() && *held);
  ASSERT_TRUE(first->Rollback().ok());  // not released by the transaction's end
  held = second->TryLockSession("job backup");
  ASSERT_TRUE(held.ok());
  EXPECT_FALSE(*held);
  ASSERT_TRUE(first->UnlockSession("job backup").ok());
  held = second->TryLockSession("job backup");
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(*held);  // held by `second` from here on
  EXPECT_TRUE(second->UnlockSession("not held").ok());  // no error

  // A connection that ends (a crashed instance) takes its lock with it. Ended by the server
  // (pg_terminate_backend waits until the process is gone), as a crash would end it.
  ASSERT_TRUE(observer_->Exec("SELECT pg_terminate_backend(CAST(? AS INTEGER), 10000)",
                              {PgBackendPid(*second)})
                  .ok());
  second.reset();
  held = first->TryLockSession("job backup");
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(*held);
}

TEST_F(PostgresLocksTest, ADeadlockFailsOneStatementAsUnavailableAndCountsAConflict) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  const int64_t b_pid = PgBackendPid(*b);
  ASSERT_TRUE(a->Begin().ok() && b->Begin().ok());
  ASSERT_TRUE(a->LockKey("x").ok());
  ASSERT_TRUE(b->LockKey("y").ok());
  auto b_wants_x = std::async(std::launch::async, [&] { return b->LockKey("x"); });
  ASSERT_TRUE(WaitUntilWaitingForALock(*observer_, b_pid));
  Status a_wants_y = a->LockKey("y");  // closes the cycle: the server fails one of the two
  ASSERT_EQ(b_wants_x.wait_for(kBound), std::future_status::ready);
  Status b_result = b_wants_x.get();
  EXPECT_NE(a_wants_y.ok(), b_result.ok()) << a_wants_y.ToString() << " / " << b_result.ToString();
  const Status& failed = a_wants_y.ok() ? b_result : a_wants_y;
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_NE(failed.message().find("40P01"), std::string::npos) << failed.ToString();
  EXPECT_EQ(a->conflicts() + b->conflicts(), 1u);
  ASSERT_TRUE(a->Rollback().ok() && b->Rollback().ok());
}

// Two instances' write queues whose units take two keys in opposite orders. Each batch first
// takes the queue's batch lock, so the second queue's batch waits for the first one's commit
// instead of taking `y` and closing a deadlock cycle: nothing conflicts, nothing runs twice,
// everything commits once. (Without the batch lock, b1 takes y while a1 holds x and waits, b2
// waits for x, a2's wait for y closes the cycle, and the server fails one of them: a retry.)
TEST_F(PostgresLocksTest, TwoQueuesTakingKeysInOppositeOrdersRunOneBatchAtATime) {
  auto a_db = Open();
  auto b_db = Open();
  ASSERT_TRUE(a_db && b_db);
  const int64_t b_pid = PgBackendPid(*b_db);
  WriteQueue a(std::move(a_db), 8);
  WriteQueue b(std::move(b_db), 8);
  std::latch a_has_x(1);
  std::atomic<bool> b_waited{false};
  std::mutex mu;
  std::vector<Status> results;
  std::latch all_done(4);
  auto record = [&](Status st) {
    {
      std::lock_guard<std::mutex> lock(mu);
      results.push_back(st);
    }
    all_done.count_down();
  };
  std::atomic<int> runs{0};
  auto take = [&runs](const char* key, const char* who) {
    return [key, who, &runs](Database& db) -> Status {
      ++runs;
      LINLI_RETURN_IF_ERROR(db.LockKey(key));
      return db.Exec("INSERT INTO t (who) VALUES (?)", {std::string(who)});
    };
  };
  a.Submit(
      [&](Database& db) -> Status {
        ++runs;
        LINLI_RETURN_IF_ERROR(db.LockKey("x"));
        a_has_x.count_down();
        // b's batch is submitted now; it must wait (for the batch lock) before this commits.
        b_waited = WaitUntilWaitingForALock(*observer_, b_pid);
        return Status::Ok();
      },
      record);
  a.Submit(take("y", "a2"), record);
  a_has_x.wait();
  b.Submit(take("y", "b1"), record);
  b.Submit(take("x", "b2"), record);

  auto finished = std::async(std::launch::async, [&] { all_done.wait(); });
  ASSERT_EQ(finished.wait_for(kBound), std::future_status::ready);
  EXPECT_TRUE(b_waited.load());
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Rows("a2"), 1);
  EXPECT_EQ(Rows("b1"), 1);
  EXPECT_EQ(Rows("b2"), 1);
  EXPECT_EQ(a.conflict_retries() + b.conflict_retries(), 0u);
  EXPECT_EQ(runs.load(), 4);  // no unit ran twice
  a.Stop();
  b.Stop();
}

}  // namespace
}  // namespace linli::storage::postgres_locks_test
