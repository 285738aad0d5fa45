// Group commit: runs units of work against one Database on one dedicated thread, grouping
// units submitted concurrently into one transaction, so N concurrent webhook turns cost one
// fsync instead of N while each is still acknowledged only after its own commit.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

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
  using Work = std::function<Status(Database&)>;
  // Called on the queue thread after the batch's COMMIT: with the unit's own status if the
  // unit failed, with the COMMIT error if the commit failed, OK otherwise. Keep it short:
  // post the result to another executor rather than doing I/O here.
  using Done = std::function<void(Status)>;

  // Takes ownership of `db`. At most `max_batch` units per transaction.
  WriteQueue(std::unique_ptr<Database> db, int max_batch, WriteQueueMetrics metrics = {});
  ~WriteQueue();  // Stop()s
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Enqueues `work`; `done` runs later on the queue thread. After Stop(), `done` is called at
  // once with kUnavailable and `work` is not run. Thread-safe.
  void Submit(Work work, Done done);
  // Runs `work` and blocks until it is committed (or failed). Never call it from the queue
  // thread itself (from inside a Work or Done): that would deadlock. Thread-safe.
  // (Detected: from the queue thread it returns kFailedPrecondition without running `work`.)
  Status Run(Work work);
  // Finishes every unit already submitted, then stops the thread. Idempotent.
  void Stop();

  // Number of COMMITs so far (for tests and the benchmark).
  uint64_t commits() const;

 private:
  struct Unit {
    Work work;
    Done done;
  };
  void Loop();

  std::unique_ptr<Database> db_;
  const int max_batch_;
  const WriteQueueMetrics metrics_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Unit> queue_;
  bool stopping_ = false;
  uint64_t commits_ = 0;
  std::thread thread_;
};

}  // namespace linli::storage
