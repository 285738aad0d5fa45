#include "storage/write_queue.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kUnitSavepoint = "wq_unit";
// Database::LockKey's key each batch takes first (one per schema on PostgreSQL).
constexpr const char* kBatchLockKey = "write queue batch";

Status RunWork(const WriteQueue::Work& work, Database& db) {
  if (!work) return Status::InvalidArgument("write queue: empty work");
  try {
    return work(db);
  } catch (const std::exception& e) {
    internal::Logger()->error("write queue: unit threw: {}", e.what());
    return Status::Internal(std::string("unit threw: ") + e.what());
  } catch (...) {
    internal::Logger()->error("write queue: unit threw a non-standard exception");
    return Status::Internal("unit threw");
  }
}

void CallDone(const WriteQueue::Done& done, Status st) {
  if (!done) return;
  try {
    done(std::move(st));
  } catch (const std::exception& e) {
    internal::Logger()->error("write queue: done callback threw: {}", e.what());
  } catch (...) {
    internal::Logger()->error("write queue: done callback threw");
  }
}

}  // namespace

WriteQueue::WriteQueue(std::unique_ptr<Database> db, int max_batch, WriteQueueMetrics metrics)
    : db_(std::move(db)),
      max_batch_(std::max(1, max_batch)),
      metrics_(metrics),
      needs_sync_(db_->commit_needs_sync()) {
  if (needs_sync_) {
    // What the owner wrote before handing the database over is made durable now.
    Status st = db_->Sync(0);
    if (!st.ok()) internal::Logger()->error("write queue: first sync failed: {}", st.ToString());
    for (int lane = 0; lane < Database::kSyncLanes; ++lane) {
      sync_threads_.emplace_back([this, lane] { SyncLoop(lane); });
      sync_thread_ids_.push_back(sync_threads_.back().get_id());
    }
  }
  thread_ = std::thread([this] { Loop(); });
}

WriteQueue::~WriteQueue() { Stop(); }

void WriteQueue::Submit(Work work, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Unit{std::move(work), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  CallDone(done, Status::Unavailable("write queue stopped"));
}

Status WriteQueue::Run(Work work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_ && OnQueueThreads()) {
      return Status::FailedPrecondition("write queue: Run() called from the queue thread");
    }
  }
  std::promise<Status> promise;
  std::future<Status> result = promise.get_future();
  Submit(std::move(work), [&promise](Status st) { promise.set_value(std::move(st)); });
  return result.get();
}

void WriteQueue::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    // From inside a Work or Done the loop drains and exits by itself; the thread stays
    // joinable so a later Stop() (the destructor) joins it.
    if (OnQueueThreads()) return;
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
  // The queue thread has handed over its last batch: let the sync threads finish it.
  std::vector<std::thread> syncs;
  {
    std::lock_guard<std::mutex> lock(sync_mu_);
    sync_stopping_ = true;
    syncs.swap(sync_threads_);
  }
  sync_cv_.notify_all();
  for (std::thread& sync : syncs) {
    if (sync.joinable()) sync.join();
  }
}

bool WriteQueue::OnQueueThreads() const {
  const std::thread::id self = std::this_thread::get_id();
  return thread_.get_id() == self ||
         std::find(sync_thread_ids_.begin(), sync_thread_ids_.end(), self) !=
             sync_thread_ids_.end();
}

uint64_t WriteQueue::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

uint64_t WriteQueue::conflict_retries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return conflict_retries_;
}

uint64_t WriteQueue::syncs() const {
  std::lock_guard<std::mutex> lock(sync_mu_);
  return syncs_;
}

int WriteQueue::FlushBacklogLocked() const {
  return flushes_running_ + (handed_seq_ > flush_started_upto_ ? 1 : 0);
}

void WriteQueue::SyncLoop(int lane) {
  for (;;) {
    uint64_t covers = 0;
    bool any_committed = false;
    {
      std::unique_lock<std::mutex> lock(sync_mu_);
      sync_cv_.wait(lock, [this] {
        return handed_seq_ > flush_started_upto_ || (sync_stopping_ && to_sync_.empty());
      });
      if (handed_seq_ <= flush_started_upto_) return;  // stopping, and every batch answered
      // One flush for every batch committed by now (those an earlier, still running flush
      // covers included: this one answers them too if it ends first).
      covers = handed_seq_;
      flush_started_upto_ = covers;
      ++flushes_running_;
      flush_backlog_ = FlushBacklogLocked();
      any_committed = std::any_of(to_sync_.begin(), to_sync_.end(),
                                  [](const Committed& c) { return c.committed; });
    }
    const Status synced = any_committed ? db_->Sync(lane) : Status::Ok();
    std::lock_guard<std::mutex> answering(done_mu_);
    std::deque<Committed> ready;
    {
      std::lock_guard<std::mutex> lock(sync_mu_);
      --flushes_running_;
      if (any_committed) ++syncs_;
      flush_backlog_ = FlushBacklogLocked();
      while (!to_sync_.empty() && to_sync_.front().seq <= covers) {
        ready.push_back(std::move(to_sync_.front()));
        to_sync_.pop_front();
      }
    }
    sync_cv_.notify_all();  // a batch may wait for a free lane; or the others may stop now
    {
      std::lock_guard<std::mutex> lock(mu_);  // the queue thread may commit its open batch
    }
    cv_.notify_all();
    if (!synced.ok()) {
      internal::Logger()->error("write queue: sync failed, {} batches not known durable: {}",
                                ready.size(), synced.ToString());
    }
    for (Committed& batch : ready) {
      for (size_t i = 0; i < batch.dones.size(); ++i) {
        Status st = std::move(batch.results[i]);
        if (st.ok() && batch.committed && !synced.ok()) {
          st = Status::Unavailable("write queue: commit not flushed to disk: " + synced.message());
        }
        CallDone(batch.dones[i], std::move(st));
      }
    }
  }
}

std::string WriteQueue::fault() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fault_;
}

void WriteQueue::RunUnits(Database& db, std::vector<Unit>& batch, size_t from,
                          std::vector<Status>& results, Status& batch_error,
                          size_t& deferred_from) {
  for (size_t i = from; i < batch.size() && batch_error.ok(); ++i) {
    const uint64_t conflicts_before = db.conflicts();
    Status st = db.Savepoint(kUnitSavepoint);
    if (!st.ok()) {
      batch_error = st;
      break;
    }
    st = RunWork(batch[i].work, db);
    // A conflict anywhere in the unit undoes all of it, even if the unit went on after the
    // failed statement (in a savepoint of its own) and returned OK.
    const bool conflicted = db.conflicts() != conflicts_before;
    if (st.ok() && conflicted) {
      st = Status::Unavailable("write queue: the unit met a conflict with another connection");
    }
    if (st.ok()) st = db.ReleaseSavepoint(kUnitSavepoint);
    if (!st.ok()) {
      results[i] = st;
      if (db.in_transaction()) {
        Status undo = db.RollbackToSavepoint(kUnitSavepoint);
        if (undo.ok()) undo = db.ReleaseSavepoint(kUnitSavepoint);
        if (!undo.ok()) batch_error = undo;
      }
    }
    if (batch_error.ok() && !db.in_transaction()) {
      // The unit ended the transaction (or SQLite rolled it back after an I/O error): the
      // earlier units' writes are not what we would commit.
      batch_error = Status::Internal("write queue: transaction ended inside a unit");
    }
    if (batch_error.ok() && conflicted && batch[i].conflicts < kMaxConflictRetries) {
      ++batch[i].conflicts;
      internal::Logger()->warn(
          "write queue: a unit met a conflict with another connection ({}); it runs again "
          "in the next batch (retry {} of {}), with the {} unit(s) after it",
          results[i].message(), batch[i].conflicts, kMaxConflictRetries,
          batch.size() - i - 1);
      deferred_from = i;
      break;
    }
  }
}

void WriteQueue::Loop() {
  Database& db = *db_;
  for (;;) {
    std::vector<Unit> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted has been run
      const size_t n = std::min(queue_.size(), static_cast<size_t>(max_batch_));
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }

    std::vector<Status> results(batch.size());
    size_t deferred_from = batch.size();  // units from here on run again in the next batch
    Status batch_error = db.Begin();
    // Several instances on one PostgreSQL database: their batches run one at a time, as the
    // one writer of a SQLite file does, so every read-then-write the stores and services
    // rely on (the next ticket number, a balance before a redemption, a wish still open
    // before a claim) holds across instances too. A no-op on SQLite.
    if (batch_error.ok()) batch_error = db.LockKey(kBatchLockKey);
    RunUnits(db, batch, 0, results, batch_error, deferred_from);
    // A flush after the commit (SQLite): while every sync lane is busy, a unit arriving now
    // would wait for a lane anyway. It joins this transaction instead of a commit of its own
    // - fewer COMMITs, and a page that several turns touch goes into the WAL once - and the
    // commit happens when a lane is free (or the batch is full), so no unit waits longer for
    // its acknowledgement.
    while (needs_sync_ && batch_error.ok() && deferred_from == batch.size() &&
           batch.size() < static_cast<size_t>(max_batch_)) {
      const size_t from = batch.size();
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] {
          return stopping_ || !queue_.empty() || flush_backlog_.load() < Database::kSyncLanes;
        });
        if (queue_.empty() || flush_backlog_.load() < Database::kSyncLanes) break;
        const size_t n = std::min(queue_.size(), static_cast<size_t>(max_batch_) - from);
        for (size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      results.resize(batch.size());
      deferred_from = batch.size();
      RunUnits(db, batch, from, results, batch_error, deferred_from);
    }
    if (deferred_from < batch.size()) {
      // Back at the head of the queue, in their order: the commit below releases this
      // batch's locks, so the other connection goes on, then these run.
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t j = batch.size(); j-- > deferred_from;) queue_.push_front(std::move(batch[j]));
      ++conflict_retries_;
      batch.resize(deferred_from);
      results.resize(deferred_from);
    }

    if (metrics_.batch_units) metrics_.batch_units->Observe(static_cast<double>(batch.size()));
    if (batch_error.ok()) {
      const auto commit_start = std::chrono::steady_clock::now();
      batch_error = db.Commit();
      if (metrics_.commit_seconds) {
        metrics_.commit_seconds->Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count());
      }
      if (batch_error.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        ++commits_;
      }
    }
    if (!batch_error.ok()) {
      internal::Logger()->error("write queue: batch of {} failed: {}", batch.size(),
                                batch_error.ToString());
      Status rb = db.Rollback();
      if (!rb.ok()) internal::Logger()->error("write queue: rollback failed: {}", rb.ToString());
      // A unit that failed on its own keeps its own status; every other unit gets the batch's.
      for (Status& st : results) {
        if (st.ok()) st = batch_error;
      }
    }
    // Logged once per change, not per failing batch.
    std::string fault = db.write_fault();
    std::optional<std::string> was;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (fault != fault_) was = std::exchange(fault_, fault);
    }
    if (was && fault.empty()) {
      internal::Logger()->warn("write queue: writes work again (they failed: {})", *was);
    } else if (was) {
      internal::Logger()->error("write queue: writes fail: {}", fault);
    }
    if (needs_sync_) {
      Committed handed;
      handed.committed = batch_error.ok();
      handed.results = std::move(results);
      handed.dones.reserve(batch.size());
      for (Unit& unit : batch) handed.dones.push_back(std::move(unit.done));
      {
        std::lock_guard<std::mutex> lock(sync_mu_);
        handed.seq = ++handed_seq_;
        to_sync_.push_back(std::move(handed));
        flush_backlog_ = FlushBacklogLocked();
      }
      sync_cv_.notify_one();
      continue;
    }
    for (size_t i = 0; i < batch.size(); ++i) CallDone(batch[i].done, std::move(results[i]));
  }
}

}  // namespace linli::storage
