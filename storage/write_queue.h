// Group commit: runs units of work against one Database on one dedicated thread, grouping
// units submitted concurrently into one transaction, so N concurrent webhook turns cost one
// fsync instead of N while each is still acknowledged only after its own commit.
// When the Database splits durability from COMMIT (Database::commit_needs_sync, SQLite's
// sync_on_request), sync threads flush: the queue thread commits batch N, hands its Done
// callbacks to them and starts batch N+1 while N is flushed; one Sync() covers
// every batch committed by then, and only after it do their Done callbacks run. So a Done
// still means "durable", and the disk's flush time no longer stops the writer. Up to
// Database::kSyncLanes flushes run at once, one per sync thread (a disk slow to flush often
// serves two at once as fast as one); a flush answers every batch committed before it began,
// in order, even if an earlier flush is still running. While every lane is busy, the next
// batch stays open and takes in the units that arrive (up to max_batch), and commits when a
// lane is free: those units would wait for that flush anyway, and one commit writes the pages
// they share once.
// Several instances on one PostgreSQL database (issue 14) each have a queue; every batch takes
// one lock first (Database::LockKey), so their batches run one at a time as on a SQLite file:
// the read-then-write of any unit holds across instances, not only within one.
//
// Several instances on one PostgreSQL database each have their own queue, and two of their
// batches may wait for each other's locks (Database::LockKey, row locks). The server breaks
// such a cycle by failing one statement (a deadlock, or a serialization failure:
// Database::conflicts()). The queue then rolls that unit back, commits the units before it
// (which releases this batch's locks, so the other instance goes on), and runs the unit
// again - with the units after it, in their order - at the head of the next batch, up to
// kMaxConflictRetries times; only after that does its Done see the failure (kUnavailable: a
// webhook answers 503 and the platform redelivers). So a conflict never loses a turn nor
// reorders two units of one queue.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/metrics.h"
#include "storage/database.h"

namespace linli::storage {

// Series the queue feeds for GET /metrics (bot/metrics.h), each optional (nullptr: not fed).
// Borrowed; they outlive the queue. Fed on the queue thread, lock-free.
struct WriteQueueMetrics {
  metrics::Histogram* batch_units = nullptr;     // units per committed or failed transaction
  metrics::Histogram* commit_seconds = nullptr;  // how long each COMMIT took (the fsync)
};

class WriteQueue {
 public:
  // A unit of work. Runs on the queue thread inside its own SAVEPOINT within the batch's
  // transaction. Returning non-OK rolls back this unit only; the rest of the batch commits.
  // Must not throw (a thrown exception is caught, logged and treated as kInternal).
  // May run more than once: a unit during which the database counted a conflict
  // (Database::conflicts(), see above) is rolled back - whatever it returned - and run again
  // in the next batch, so its effects outside the database must be safe to repeat (fill
  // results in afresh, as the router's turn does).
  using Work = std::function<Status(Database&)>;
  // Called after the batch's COMMIT (and, where the database needs it, after the Sync() that
  // made it durable) - on the queue thread, or on the sync thread: with the unit's own status
  // if the unit failed, with the COMMIT error if the commit failed, kUnavailable if the sync
  // failed (what it committed may not survive power loss; a platform redelivers, and the
  // redelivery finds the committed turn), OK otherwise. Done callbacks run in the order the
  // units were submitted. Keep it short: post the result to another executor rather than
  // doing I/O here.
  using Done = std::function<void(Status)>;

  // How often one unit is run again after a conflict before its Done gets the error.
  static constexpr int kMaxConflictRetries = 3;

  // Takes ownership of `db`. At most `max_batch` units per transaction.
  WriteQueue(std::unique_ptr<Database> db, int max_batch, WriteQueueMetrics metrics = {});
  ~WriteQueue();  // Stop()s
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Enqueues `work`; `done` runs later on the queue thread. After Stop(), `done` is called at
  // once with kUnavailable and `work` is not run. Thread-safe.
  void Submit(Work work, Done done);
  // Runs `work` and blocks until it is committed (or failed). Never call it from the queue
  // or sync thread itself (from inside a Work or Done): that would deadlock. Thread-safe.
  // (Detected: from those threads it returns kFailedPrecondition without running `work`.)
  Status Run(Work work);
  // Finishes every unit already submitted, then stops the thread. Idempotent.
  void Stop();

  // Number of COMMITs so far (for tests and the benchmark).
  uint64_t commits() const;
  // Number of Sync() calls so far (0 when the database needs none).
  uint64_t syncs() const;
  // Number of units run again after a conflict so far (for tests and logs).
  uint64_t conflict_retries() const;
  // Why writes fail now ("disk full"), or "" while they work: the database's write_fault()
  // after the last batch (database.h), so it clears by itself with the first batch that
  // commits rows once space has returned. Thread-safe (for /healthz).
  std::string fault() const;

 private:
  struct Unit {
    Work work;
    Done done;
    int conflicts = 0;  // runs that ended in a conflict so far
  };
  // A batch whose Done callbacks wait for a sync thread's flush.
  struct Committed {
    uint64_t seq = 0;  // 1, 2, ... in the order the batches were handed over
    std::vector<Done> dones;
    std::vector<Status> results;
    bool committed = false;  // false: the batch failed, nothing to make durable
  };
  void Loop();
  // Runs batch[from...] in the open transaction, each unit in its savepoint: a unit's failure
  // goes to results[i]; one that met a conflict sets deferred_from (it and the units after it
  // run again in the next batch); what breaks the transaction sets batch_error.
  void RunUnits(Database& db, std::vector<Unit>& batch, size_t from,
                std::vector<Status>& results, Status& batch_error, size_t& deferred_from);
  void SyncLoop(int lane);
  // Flushes started or waiting for a lane (sync_mu_ held): flush_backlog_ is this.
  int FlushBacklogLocked() const;
  bool OnQueueThreads() const;  // the calling thread is the queue or a sync thread

  std::unique_ptr<Database> db_;
  const int max_batch_;
  const WriteQueueMetrics metrics_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Unit> queue_;
  bool stopping_ = false;
  uint64_t commits_ = 0;
  uint64_t conflict_retries_ = 0;  // guarded by mu_
  std::string fault_;  // guarded by mu_
  std::thread thread_;

  // The sync threads, one per lane (only when db_->commit_needs_sync()).
  const bool needs_sync_;
  mutable std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::deque<Committed> to_sync_;   // handed over, not answered yet, in seq order
  uint64_t handed_seq_ = 0;         // the last batch handed over
  uint64_t flush_started_upto_ = 0; // the last batch a started flush covers
  int flushes_running_ = 0;
  bool sync_stopping_ = false;
  uint64_t syncs_ = 0;
  std::vector<std::thread> sync_threads_;
  std::vector<std::thread::id> sync_thread_ids_;  // set before any thread may read it
  // Answers go out one flush at a time, so they keep the order of the batches (done_mu_ is
  // taken before sync_mu_).
  std::mutex done_mu_;
  // FlushBacklogLocked(), read by the queue thread without sync_mu_: while it is
  // kSyncLanes, the queue thread keeps its transaction open for units arriving meanwhile.
  std::atomic<int> flush_backlog_{0};
};

}  // namespace linli::storage
