#include "storage/write_queue.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::write_queue_test {
namespace {

std::unique_ptr<Database> OpenWithTable(const std::string& path = ":memory:") {
  SqliteOptions options;
  options.path = path;
  auto db = OpenSqlite(options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return nullptr;
  EXPECT_TRUE((*db)->ExecScript("CREATE TABLE IF NOT EXISTS t (x BIGINT PRIMARY KEY);"
                                "CREATE TABLE IF NOT EXISTS parent (id BIGINT PRIMARY KEY);"
                                "CREATE TABLE IF NOT EXISTS child (pid BIGINT REFERENCES "
                                "parent(id) DEFERRABLE INITIALLY DEFERRED);")
                  .ok());
  return std::move(db).value();
}

// The tests of the queue's contract that hold on every backend (the rest are about SQLite's
// files and syncs): the test's fresh migrated database (store_test.h) plus the tables above.
class WriteQueueOnEveryBackendTest : public StoreTest {
 protected:
  std::unique_ptr<Database> TakeDbWithTable() {
    EXPECT_TRUE(db_->ExecScript("CREATE TABLE t (x BIGINT PRIMARY KEY);"
                                "CREATE TABLE parent (id BIGINT PRIMARY KEY);"
                                "CREATE TABLE child (pid BIGINT REFERENCES "
                                "parent(id) DEFERRABLE INITIALLY DEFERRED);")
                    .ok());
    return std::move(db_);
  }
};
LINLI_STORE_TEST_BACKENDS(WriteQueueOnEveryBackendTest);

WriteQueue::Work Insert(int64_t x) {
  return [x](Database& db) { return db.Exec("INSERT INTO t (x) VALUES (?)", {x}); };
}

std::vector<int64_t> Xs(WriteQueue& q) {
  std::vector<int64_t> xs;
  Status st = q.Run([&xs](Database& db) {
    LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT x FROM t ORDER BY x"));
    for (const Row& r : rows) xs.push_back(r.Int(0));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return xs;
}

// Submits a unit that holds the queue thread until Release(), and returns once that unit is
// running, so that everything submitted afterwards queues up behind it.
class Blocker {
 public:
  explicit Blocker(WriteQueue& q) {
    q.Submit(
        [this](Database& db) {
          started_.count_down();
          release_.wait();
          return db.Exec("INSERT INTO t (x) VALUES (-1)");
        },
        [this](Status st) { status_ = st; });
    started_.wait();
  }
  void Release() { release_.count_down(); }
  const Status& status() const { return status_; }

 private:
  std::latch started_{1};
  std::latch release_{1};
  Status status_ = Status::Internal("not done");
};

TEST_P(WriteQueueOnEveryBackendTest, RunReturnsTheUnitsStatus) {
  WriteQueue q(TakeDbWithTable(), 8);
  EXPECT_TRUE(q.Run(Insert(1)).ok());
  EXPECT_EQ(q.Run([](Database& db) {
               Status st = db.Exec("INSERT INTO t (x) VALUES (2)");
               if (!st.ok()) return st;
               return Status::NotFound("changed my mind");
             }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(q.Run(Insert(1)).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(q.Run([](Database&) -> Status { throw std::runtime_error("boom"); }).code(),
            StatusCode::kInternal);
  EXPECT_EQ(q.Run(nullptr).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Xs(q), std::vector<int64_t>{1});  // the failed units left nothing behind
  EXPECT_TRUE(q.Run([](Database& db) {
                 return db.in_transaction() ? Status::Ok() : Status::Internal("no transaction");
               }).ok());
}

TEST_P(WriteQueueOnEveryBackendTest, UnitsSubmittedWhileBusyShareOneCommit) {
  WriteQueue q(TakeDbWithTable(), 64);
  Blocker blocker(q);
  constexpr int kUnits = 50;
  std::latch done(kUnits);
  std::vector<Status> results(kUnits, Status::Internal("not done"));
  for (int i = 0; i < kUnits; ++i) {
    q.Submit(Insert(i), [&, i](Status st) {
      results[i] = st;
      done.count_down();
    });
  }
  blocker.Release();
  done.wait();
  EXPECT_TRUE(blocker.status().ok());
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  // One commit for the blocker, one for the 50 units queued behind it.
  EXPECT_EQ(q.commits(), 2u);
  EXPECT_EQ(Xs(q).size(), static_cast<size_t>(kUnits + 1));
}

TEST(WriteQueueTest, BatchesAreCappedAtMaxBatch) {
  WriteQueue q(OpenWithTable(), 16);
  Blocker blocker(q);
  std::latch done(50);
  for (int i = 0; i < 50; ++i) q.Submit(Insert(i), [&](Status) { done.count_down(); });
  blocker.Release();
  done.wait();
  EXPECT_EQ(q.commits(), 1u + 4u);  // 16 + 16 + 16 + 2
}

// GET /metrics (issue 13 point 9): the batch-size histogram sees each transaction's unit
// count, the commit histogram one observation per COMMIT.
TEST(WriteQueueTest, FeedsBatchSizeAndCommitTimeHistograms) {
  metrics::Histogram units({1, 16, 32});
  metrics::Histogram commit_seconds(metrics::LatencyBuckets());
  {
    WriteQueue q(OpenWithTable(), 16, WriteQueueMetrics{&units, &commit_seconds});
    Blocker blocker(q);
    std::latch done(20);
    for (int i = 0; i < 20; ++i) q.Submit(Insert(i), [&](Status) { done.count_down(); });
    blocker.Release();
    done.wait();
    q.Stop();
    EXPECT_EQ(q.commits(), 3u);  // the blocker, then 16 + 4
  }
  const metrics::Histogram::Snapshot s = units.Read();
  // Batches of 1, 16 and 4 units: le=1 one, le=16 all three.
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 3, 3, 3}));
  EXPECT_DOUBLE_EQ(s.sum, 21);
  const metrics::Histogram::Snapshot c = commit_seconds.Read();
  EXPECT_EQ(c.count, 3u);
  EXPECT_GT(c.sum, 0);
}

TEST_P(WriteQueueOnEveryBackendTest, ConcurrentSubmittersFromEightThreadsAreAllCommitted) {
  WriteQueue q(TakeDbWithTable(), 32);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  std::atomic<int> failures{0};
  std::latch go(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      go.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const int64_t x = int64_t{t} * kPerThread + i;
        if (i % 2 == 0) {
          if (!q.Run(Insert(x)).ok()) ++failures;
        } else {
          std::promise<Status> p;
          auto f = p.get_future();
          q.Submit(Insert(x), [&p](Status st) { p.set_value(st); });
          if (!f.get().ok()) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto xs = Xs(q);
  ASSERT_EQ(xs.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < xs.size(); ++i) EXPECT_EQ(xs[i], static_cast<int64_t>(i));
  // Every unit was acknowledged after a commit, and no unit needed more than one.
  EXPECT_GE(q.commits(), 1u);
  EXPECT_LE(q.commits(), static_cast<uint64_t>(kThreads * kPerThread) + 1);
}

TEST(WriteQueueTest, EightThreadsSubmittingWhileBusyAreGroupedIntoFewCommits) {
  WriteQueue q(OpenWithTable(), 64);
  Blocker blocker(q);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  constexpr int kUnits = kThreads * kPerThread;
  std::latch done(kUnits);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        q.Submit(Insert(int64_t{t} * kPerThread + i), [&](Status st) {
          ok += st.ok() ? 1 : 0;
          done.count_down();
        });
      }
    });
  }
  for (auto& th : threads) th.join();  // all 800 queued behind the blocker
  blocker.Release();
  done.wait();
  EXPECT_EQ(ok.load(), kUnits);
  // The blocker's commit plus ceil(800 / 64) = 13 group commits.
  EXPECT_EQ(q.commits(), 1u + 13u);
  EXPECT_EQ(Xs(q).size(), static_cast<size_t>(kUnits + 1));
}

TEST_P(WriteQueueOnEveryBackendTest, AFailingUnitDoesNotAffectTheOthersInItsBatch) {
  WriteQueue q(TakeDbWithTable(), 64);
  ASSERT_TRUE(q.Run(Insert(100)).ok());
  const uint64_t commits_before = q.commits();
  Blocker blocker(q);

  std::vector<WriteQueue::Work> units = {
      Insert(1),
      [](Database& db) {  // writes, then fails: its write must be undone
        Status st = db.Exec("INSERT INTO t (x) VALUES (2)");
        return st.ok() ? Status::FailedPrecondition("ticket already claimed") : st;
      },
      [](Database& db) -> Status {  // writes, then throws
        (void)db.Exec("INSERT INTO t (x) VALUES (3)");
        throw std::runtime_error("unexpected");
      },
      Insert(100),  // constraint violation
      Insert(5),
  };
  std::latch done(static_cast<std::ptrdiff_t>(units.size()));
  std::vector<Status> results(units.size(), Status::Internal("not done"));
  for (size_t i = 0; i < units.size(); ++i) {
    q.Submit(units[i], [&, i](Status st) {
      results[i] = st;
      done.count_down();
    });
  }
  blocker.Release();
  done.wait();

  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(results[1].message(), "ticket already claimed");
  EXPECT_EQ(results[2].code(), StatusCode::kInternal);
  EXPECT_EQ(results[3].code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(results[4].ok());
  EXPECT_EQ(q.commits(), commits_before + 2);  // the blocker's batch, then this one
  EXPECT_EQ(Xs(q), (std::vector<int64_t>{-1, 1, 5, 100}));
}

TEST_P(WriteQueueOnEveryBackendTest, AFailedCommitIsReportedToEveryUnitOfTheBatch) {
  WriteQueue q(TakeDbWithTable(), 64);
  Blocker blocker(q);
  std::latch done(3);
  std::vector<Status> results(3, Status::Internal("not done"));
  auto record = [&](size_t i) {
    return [&, i](Status st) {
      results[i] = st;
      done.count_down();
    };
  };
  q.Submit(Insert(1), record(0));
  // A deferred foreign key: the unit succeeds, the COMMIT fails.
  q.Submit([](Database& db) { return db.Exec("INSERT INTO child (pid) VALUES (77)"); },
           record(1));
  q.Submit([](Database&) { return Status::InvalidArgument("bad input"); }, record(2));
  const uint64_t commits_before = q.commits();
  blocker.Release();
  done.wait();

  EXPECT_EQ(results[0].code(), StatusCode::kAlreadyExists) << results[0].ToString();
  EXPECT_EQ(results[1].code(), StatusCode::kAlreadyExists) << results[1].ToString();
  EXPECT_EQ(results[2].code(), StatusCode::kInvalidArgument);  // keeps its own error
  EXPECT_EQ(q.commits(), commits_before + 1);                  // only the blocker's batch
  EXPECT_EQ(Xs(q), std::vector<int64_t>{-1});                  // nothing of the failed batch
  // The queue keeps working afterwards.
  EXPECT_TRUE(q.Run(Insert(2)).ok());
  EXPECT_EQ(Xs(q), (std::vector<int64_t>{-1, 2}));
}

TEST_P(WriteQueueOnEveryBackendTest, StopDrainsQueuedUnitsAndThenRejects) {
  auto q = std::make_unique<WriteQueue>(TakeDbWithTable(), 4);
  Blocker blocker(*q);
  std::atomic<int> ok{0};
  std::atomic<int> accepted{0};
  for (int i = 0; i < 20; ++i) {
    ++accepted;
    q->Submit(Insert(i), [&](Status st) { ok += st.ok() ? 1 : 0; });
  }
  std::thread stopper([&] { q->Stop(); });
  // Keep submitting until Stop() has begun: from then on Submit rejects at once.
  for (int64_t x = 1000;; ++x) {
    // Shared: an accepted probe runs later on the queue thread, after this iteration.
    auto rejected = std::make_shared<std::atomic<bool>>(false);
    auto ran = std::make_shared<std::atomic<bool>>(false);
    q->Submit(
        [ran, x](Database& db) {
          *ran = true;
          return db.Exec("INSERT INTO t (x) VALUES (?)", {x});
        },
        [rejected, &ok](Status st) {
          if (st.code() == StatusCode::kUnavailable) {
            *rejected = true;
          } else {
            ok += st.ok() ? 1 : 0;
          }
        });
    if (*rejected) {  // Submit called `done` at once: Stop() has begun
      EXPECT_FALSE(*ran);
      break;
    }
    ++accepted;
    std::this_thread::yield();
  }
  blocker.Release();
  stopper.join();
  EXPECT_TRUE(blocker.status().ok());
  EXPECT_EQ(ok.load(), accepted.load());  // everything accepted before Stop() was committed

  // After Stop(): rejected at once, work not run.
  bool ran = false;
  Status after = Status::Ok();
  q->Submit(
      [&ran](Database&) {
        ran = true;
        return Status::Ok();
      },
      [&after](Status st) { after = st; });
  EXPECT_EQ(after.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(ran);
  EXPECT_EQ(q->Run(Insert(9999)).code(), StatusCode::kUnavailable);
  q->Stop();  // idempotent
  q.reset();
}

TEST(WriteQueueTest, RunFromTheQueueThreadFailsInsteadOfDeadlocking) {
  WriteQueue q(OpenWithTable(), 4);
  Status inner = Status::Ok();
  std::promise<void> finished;
  q.Submit(Insert(1), [&](Status) {
    inner = q.Run(Insert(2));
    finished.set_value();
  });
  finished.get_future().wait();
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Xs(q), std::vector<int64_t>{1});
}

// A database whose COMMIT needs a Sync() to be durable (as SQLite's sync_on_request), with
// the syncs counted and scriptable to fail; everything else is the real SQLite connection.
class SyncedDatabase final : public Database {
 public:
  explicit SyncedDatabase(std::unique_ptr<Database> inner) : inner_(std::move(inner)) {}
  Status Exec(std::string_view sql, const std::vector<Value>& p) override { return inner_->Exec(sql, p); }
  StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& p) override {
    return inner_->Query(sql, p);
  }
  Status ExecScript(std::string_view sql) override { return inner_->ExecScript(sql); }
  int64_t changes() const override { return inner_->changes(); }
  Status Begin() override { return inner_->Begin(); }
  Status Commit() override { return inner_->Commit(); }
  Status Rollback() override { return inner_->Rollback(); }
  Status Savepoint(std::string_view n) override { return inner_->Savepoint(n); }
  Status ReleaseSavepoint(std::string_view n) override { return inner_->ReleaseSavepoint(n); }
  Status RollbackToSavepoint(std::string_view n) override { return inner_->RollbackToSavepoint(n); }
  bool in_transaction() const override { return inner_->in_transaction(); }
  std::string dialect() const override { return inner_->dialect(); }
  bool commit_needs_sync() const override { return true; }
  Status Sync(int lane) override {
    if (hold_syncs) hold.wait();
    if (hold_each) {
      // Each flush waits for its own release; the order they began in is recorded.
      std::unique_lock<std::mutex> lock(mu);
      const size_t me = started.size();
      started.push_back(lane);
      changed.notify_all();
      changed.wait(lock, [&] { return released.size() > me && released[me]; });
    }
    ++syncs;
    return fail_syncs ? Status::Internal("sqlite: cannot flush x-wal: Input/output error")
                      : Status::Ok();
  }
  // With hold_each: waits until n flushes are running at once.
  bool WaitForFlushes(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return changed.wait_for(lock, std::chrono::seconds(5), [&] { return started.size() >= n; });
  }
  void Release(size_t k) {  // lets the k-th flush (0 = the first begun) finish
    std::lock_guard<std::mutex> lock(mu);
    if (released.size() <= k) released.resize(k + 1, false);
    released[k] = true;
    changed.notify_all();
  }
  std::vector<int> Started() {
    std::lock_guard<std::mutex> lock(mu);
    return started;
  }

  std::atomic<int> syncs{0};
  std::atomic<bool> fail_syncs{false};
  std::atomic<bool> hold_syncs{false};
  std::latch hold{1};
  std::atomic<bool> hold_each{false};
  std::mutex mu;
  std::condition_variable changed;
  std::vector<int> started;    // the lane of each flush begun, in order
  std::vector<bool> released;  // by the order they began

 private:
  std::unique_ptr<Database> inner_;
};

TEST(WriteQueueTest, WhereCommitNeedsASyncDoneWaitsForItWhileTheNextBatchRuns) {
  auto synced = std::make_unique<SyncedDatabase>(OpenWithTable());
  SyncedDatabase* db = synced.get();
  WriteQueue q(std::move(synced), 8);
  EXPECT_EQ(db->syncs.load(), 1);  // what the owner wrote before is flushed at the start
  db->hold_syncs = true;  // the disk is slow: the next flush does not finish yet
  std::atomic<int> done{0};
  std::atomic<int> syncs_seen_by_first{-1};
  q.Submit(Insert(1), [&](Status st) {
    EXPECT_TRUE(st.ok()) << st.ToString();
    syncs_seen_by_first = db->syncs.load();
    ++done;
  });
  // The writer is not held up by the flush: more batches commit meanwhile.
  for (int i = 0; i < 200 && q.commits() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  q.Submit(Insert(2), [&](Status st) { EXPECT_TRUE(st.ok()); ++done; });
  for (int i = 0; i < 200 && q.commits() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(q.commits(), 2u);
  EXPECT_EQ(done.load(), 0);  // nothing answered before its flush
  db->hold.count_down();
  for (int i = 0; i < 400 && done.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(done.load(), 2);
  EXPECT_GE(syncs_seen_by_first.load(), 2);  // answered only after the flush covering it
  EXPECT_GE(q.syncs(), 1u);
  EXPECT_LE(q.syncs(), 2u);  // one or two flushes for both batches (the start's is not counted)
  EXPECT_EQ(Xs(q), (std::vector<int64_t>{1, 2}));
}

// A slow flush does not hold the next batch's: the next lane flushes it at once, and since it
// began after the first batch's commit, its end answers both batches, in order.
TEST(WriteQueueTest, TwoFlushesRunAtOnceAndTheLaterOneAnswersTheBatchesBeforeIt) {
  static_assert(Database::kSyncLanes >= 2);
  auto synced = std::make_unique<SyncedDatabase>(OpenWithTable());
  SyncedDatabase* db = synced.get();
  WriteQueue q(std::move(synced), 8);
  db->hold_each = true;
  std::mutex mu;
  std::vector<int> answered;
  auto done = [&](int id) {
    return [&, id](Status st) {
      EXPECT_TRUE(st.ok()) << st.ToString();
      std::lock_guard<std::mutex> lock(mu);
      answered.push_back(id);
    };
  };
  auto answered_now = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return answered;
  };
  q.Submit(Insert(1), done(1));
  ASSERT_TRUE(db->WaitForFlushes(1));
  q.Submit(Insert(2), done(2));
  ASSERT_TRUE(db->WaitForFlushes(2));  // two flushes running at once
  const std::vector<int> lanes = db->Started();
  EXPECT_NE(lanes[0], lanes[1]);
  EXPECT_EQ(q.commits(), 2u);
  EXPECT_TRUE(answered_now().empty());
  db->Release(1);  // the second flush ends first
  for (int i = 0; i < 400 && answered_now().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(answered_now(), (std::vector<int>{1, 2}));
  db->Release(0);  // the first one ends: nothing is answered twice
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(answered_now(), (std::vector<int>{1, 2}));
  db->hold_each = false;
  EXPECT_EQ(Xs(q), (std::vector<int64_t>{1, 2}));
}

// While every lane flushes, the next batch stays open: units submitted one by one meanwhile
// share one commit, made as soon as a lane is free, and each is answered after its flush.
TEST(WriteQueueTest, WhileEveryLaneFlushesArrivingUnitsShareOneCommit) {
  auto synced = std::make_unique<SyncedDatabase>(OpenWithTable());
  SyncedDatabase* db = synced.get();
  WriteQueue q(std::move(synced), 64);
  db->hold_each = true;
  std::atomic<int> ok{0};
  const int lanes = Database::kSyncLanes;
  for (int i = 0; i < lanes; ++i) {
    q.Submit(Insert(i), [&](Status st) { ok += st.ok() ? 1 : 0; });
    ASSERT_TRUE(db->WaitForFlushes(static_cast<size_t>(i) + 1));
  }
  EXPECT_EQ(q.commits(), static_cast<uint64_t>(lanes));
  for (int i = 0; i < 5; ++i) {
    q.Submit(Insert(100 + i), [&](Status st) { ok += st.ok() ? 1 : 0; });
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(q.commits(), static_cast<uint64_t>(lanes));  // still open
  EXPECT_EQ(ok.load(), 0);
  db->Release(0);
  for (int i = 0; i < 400 && q.commits() < static_cast<uint64_t>(lanes) + 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(q.commits(), static_cast<uint64_t>(lanes) + 1);  // the five in one commit
  ASSERT_TRUE(db->WaitForFlushes(static_cast<size_t>(lanes) + 1));
  for (int k = 1; k <= lanes; ++k) db->Release(static_cast<size_t>(k));
  for (int i = 0; i < 400 && ok.load() < lanes + 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(ok.load(), lanes + 5);
  db->hold_each = false;
  EXPECT_EQ(Xs(q).size(), static_cast<size_t>(lanes) + 5);
}

TEST(WriteQueueTest, AFailedSyncAnswersUnavailableSoThePlatformRedelivers) {
  auto synced = std::make_unique<SyncedDatabase>(OpenWithTable());
  SyncedDatabase* db = synced.get();
  WriteQueue q(std::move(synced), 8);
  db->fail_syncs = true;
  Status st = q.Run(Insert(7));
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("Input/output error"), std::string::npos);
  db->fail_syncs = false;
  // The commit itself stands (a redelivery finds it); later units are answered normally.
  EXPECT_TRUE(q.Run(Insert(8)).ok());
  EXPECT_EQ(Xs(q), (std::vector<int64_t>{7, 8}));
}

TEST(WriteQueueTest, DoneCallbacksKeepSubmissionOrderAcrossSyncedBatches) {
  WriteQueue q(std::make_unique<SyncedDatabase>(OpenWithTable()), 3);
  std::mutex mu;
  std::vector<int> order;
  std::latch all(40);
  for (int i = 0; i < 40; ++i) {
    q.Submit(Insert(100 + i), [&, i](Status st) {
      EXPECT_TRUE(st.ok());
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(i);
      all.count_down();
    });
  }
  all.wait();
  std::vector<int> expected(40);
  for (int i = 0; i < 40; ++i) expected[static_cast<size_t>(i)] = i;
  EXPECT_EQ(order, expected);
  // Run() from a Done (the sync thread) is refused rather than deadlocking.
  std::promise<Status> inner;
  q.Submit(Insert(1), [&](Status) { inner.set_value(q.Run(Insert(2))); });
  EXPECT_EQ(inner.get_future().get().code(), StatusCode::kFailedPrecondition);
}

TEST(WriteQueueTest, CommittedDataSurvivesClosingAndReopeningAFileDatabase) {
  char tmpl[] = "/tmp/linli_write_queue_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/linli.db";
  {
    auto db = OpenWithTable(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(Migrate(*db).ok());
    WriteQueue q(std::move(db), 8);
    std::latch done(10);
    for (int i = 0; i < 10; ++i) {
      Ticket t;
      t.reporter_person_id = i;
      t.description = "desc " + std::to_string(i);
      t.created_at_ms = 1000 + i;
      q.Submit(
          [t](Database& db) {
            auto created = TicketStore::Create(db, t);
            return created.ok() ? Status::Ok() : created.status();
          },
          [&](Status st) {
            EXPECT_TRUE(st.ok()) << st.ToString();
            done.count_down();
          });
    }
    done.wait();
    // Destroyed here: Stop() drains, then the connection closes.
  }
  {
    SqliteOptions options;
    options.path = path;
    auto db = OpenSqlite(options);
    ASSERT_TRUE(db.ok());
    auto count = TicketStore::Count(**db);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, 10);
    auto last = TicketStore::FindByNumber(**db, 10);
    ASSERT_TRUE(last.ok() && last->has_value());
    auto events = TicketStore::Events(**db, (*last)->id);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 1u);
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
}

// Issue 13 point 7: the queue reports the database's write fault after each batch, so
// /healthz can say "disk full" while units fail, and clears it by itself once a batch commits
// rows again.
TEST(WriteQueueTest, FaultSaysDiskFullWhileWritesFailAndClearsWhenOneCommits) {
  WriteQueue queue(OpenWithTable(), 8);
  EXPECT_EQ(queue.fault(), "");
  ASSERT_TRUE(queue.Run([](Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(Rows pages, db.Query("PRAGMA page_count"));
    return db.Exec("PRAGMA max_page_count = " + std::to_string(pages[0].Int(0)));
  }).ok());
  Status st;
  for (int64_t x = 0; x < 100000 && st.ok(); ++x) st = queue.Run(Insert(x));
  ASSERT_FALSE(st.ok()) << "the database never filled up";
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(queue.fault(), "disk full");

  ASSERT_TRUE(queue.Run([](Database& db) { return db.Exec("PRAGMA max_page_count = 1000000"); })
                  .ok());
  EXPECT_EQ(queue.fault(), "disk full");  // that batch wrote no rows
  ASSERT_TRUE(queue.Run(Insert(-1)).ok());
  EXPECT_EQ(queue.fault(), "");
}

// A database that reports a conflict with another connection (as PostgreSQL's 40P01 deadlock)
// for the next `conflicts_to_raise` statements "SELECT 'conflict'"; everything else is the
// real SQLite connection. The write queue's answer to conflicts is backend-neutral.
class ConflictingDatabase final : public Database {
 public:
  explicit ConflictingDatabase(std::unique_ptr<Database> inner) : inner_(std::move(inner)) {}
  Status Exec(std::string_view sql, const std::vector<Value>& p) override {
    if (sql == "SELECT 'conflict'" && conflicts_to_raise > 0) {
      --conflicts_to_raise;
      ++conflicts_;
      return Status::Unavailable("postgresql: deadlock detected (SQLSTATE 40P01)");
    }
    return inner_->Exec(sql, p);
  }
  StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& p) override {
    return inner_->Query(sql, p);
  }
  Status ExecScript(std::string_view sql) override { return inner_->ExecScript(sql); }
  int64_t changes() const override { return inner_->changes(); }
  Status Begin() override { return inner_->Begin(); }
  Status Commit() override { return inner_->Commit(); }
  Status Rollback() override { return inner_->Rollback(); }
  Status Savepoint(std::string_view n) override { return inner_->Savepoint(n); }
  Status ReleaseSavepoint(std::string_view n) override { return inner_->ReleaseSavepoint(n); }
  Status RollbackToSavepoint(std::string_view n) override { return inner_->RollbackToSavepoint(n); }
  bool in_transaction() const override { return inner_->in_transaction(); }
  uint64_t conflicts() const override { return conflicts_; }
  std::string dialect() const override { return inner_->dialect(); }

  std::atomic<int> conflicts_to_raise{0};

 private:
  std::unique_ptr<Database> inner_;
  uint64_t conflicts_ = 0;
};

// A unit that counts its runs, meets the scripted conflict, and (when `swallow`) goes on as if
// nothing happened, then inserts `x`.
WriteQueue::Work Conflicting(int64_t x, std::atomic<int>& runs, bool swallow) {
  return [x, &runs, swallow](Database& db) -> Status {
    ++runs;
    Status st = db.Exec("SELECT 'conflict'");
    if (!st.ok() && !swallow) return st;
    return db.Exec("INSERT INTO t (x) VALUES (?)", {x});
  };
}

TEST(WriteQueueTest, AUnitThatMetAConflictRunsAgainInTheNextBatchWithTheUnitsAfterIt) {
  auto owned = std::make_unique<ConflictingDatabase>(OpenWithTable());
  ConflictingDatabase* db = owned.get();
  WriteQueue q(std::move(owned), 8);
  db->conflicts_to_raise = 1;
  Blocker blocker(q);
  std::mutex mu;
  std::vector<int64_t> done_order;
  std::vector<Status> results;
  std::latch done(3);
  auto record = [&](int64_t x) {
    return [&, x](Status st) {
      {
        std::lock_guard<std::mutex> lock(mu);
        done_order.push_back(x);
        results.push_back(st);
      }
      done.count_down();
    };
  };
  std::atomic<int> runs{0};
  q.Submit(Insert(1), record(1));
  q.Submit(Conflicting(2, runs, /*swallow=*/false), record(2));
  q.Submit(Insert(3), record(3));
  blocker.Release();
  done.wait();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(done_order, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(q.conflict_retries(), 1u);
  // The blocker's batch, [1] (unit 2 met the conflict: 2 and 3 wait), then [2, 3].
  EXPECT_EQ(q.commits(), 3u);
  EXPECT_EQ(Xs(q), (std::vector<int64_t>{-1, 1, 2, 3}));
}

TEST(WriteQueueTest, AConflictUndoesTheUnitEvenWhenItWentOnAndReturnedOk) {
  auto owned = std::make_unique<ConflictingDatabase>(OpenWithTable());
  ConflictingDatabase* db = owned.get();
  WriteQueue q(std::move(owned), 8);
  db->conflicts_to_raise = 1;
  std::atomic<int> runs{0};
  EXPECT_TRUE(q.Run(Conflicting(5, runs, /*swallow=*/true)).ok());
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(Xs(q), std::vector<int64_t>{5});  // once: the first run's insert was rolled back
}

TEST(WriteQueueTest, AUnitThatKeepsMeetingConflictsFailsAfterItsRetriesAndTheRestGoesOn) {
  auto owned = std::make_unique<ConflictingDatabase>(OpenWithTable());
  ConflictingDatabase* db = owned.get();
  WriteQueue q(std::move(owned), 8);
  db->conflicts_to_raise = 1000;
  std::atomic<int> runs{0};
  Status failed = q.Run(Conflicting(7, runs, /*swallow=*/false));
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
  EXPECT_EQ(runs.load(), WriteQueue::kMaxConflictRetries + 1);
  EXPECT_TRUE(q.Run(Insert(8)).ok());
  EXPECT_EQ(Xs(q), std::vector<int64_t>{8});
}

}  // namespace
}  // namespace linli::storage::write_queue_test
