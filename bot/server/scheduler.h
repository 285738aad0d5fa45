// Runs the jobs list (bot/server/jobs.h) on the io_context: each job's timer is armed from the
// pure domain::NextRun, and a due job submits one write-queue unit that (1) reads the job's
// last completed period (storage/job_store.h), (2) runs the job unless that period is done,
// (3) records the period - all in one transaction, so a crash can neither run a period twice
// nor lose it. A job whose period came due while the service was down runs once at Start()
// (missed periods collapse into one run); a restart inside a period runs nothing again.
//
// A job with `blocking` work (jobs.h) runs that part on Options::pool between two units.
// A failed run - its unit, or its blocking work - is counted (Options::metrics), logged, and
// recorded in a unit of its own (storage::JobStore::RecordFailure: failures, when, why).
//
// Several instances on one database (issue 14), each with its scheduler, run each period
// once between them: a job's unit first takes the job's lock (storage::Database::LockKey
// "job <name>"), so a second instance's unit waits for the first's commit and then finds the
// period done (not counted as a run nor as a failure). A job with blocking work claims the
// job in its first unit with the session lock of that key (Database::TryLockSession, held by
// the write queue's connection until the run has ended, in success or failure): an instance
// that finds it held elsewhere runs nothing and looks again after the retry delay - by then
// the period is done, or the other instance died and its lock went with its connection, and
// this one takes the period over. SQLite has one instance: the locks are no-ops there.
//
// Threading: Add/Start/Stop on one thread before/after the io_context runs, or on its thread;
// timer handlers run on the io_context thread and never block it (database work goes to the
// write queue, blocking work to the pool; completions are posted back). RunDue is for tests:
// it blocks on the write queue and the pool, so never call it from the io_context, the
// write-queue or a pool thread. Interrupt is thread-safe. Destroy the scheduler only after
// the io_context thread has stopped, the pool has stopped and the write queue has drained
// (App::Stop).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/server/jobs.h"
#include "bot/status.h"
#include "domain/common/time_zone.h"

namespace boost::asio {
class io_context;
}
namespace linli::storage {
class WriteQueue;
}

namespace linli {

class BlockingPool;
class ServerMetrics;

class Scheduler {
 public:
  struct Options {
    // Timers re-check at least this often, so a wall-clock jump (or a FakeClock advanced by a
    // test) is noticed within it.
    std::chrono::milliseconds max_wait{std::chrono::minutes(1)};
    // After a failed run the period is tried again this much later.
    std::chrono::milliseconds retry_delay{std::chrono::minutes(1)};
    // Optional: counts each job's committed runs and failed units (server_metrics.h).
    ServerMetrics* metrics = nullptr;
    // Where jobs' `blocking` work runs (borrowed; outlives the scheduler's work). Without it,
    // Add refuses a job that has blocking work.
    BlockingPool* pool = nullptr;
  };

  // Borrows io, queue and clock. `zone` is the configured timezone for daily/monthly jobs.
  Scheduler(boost::asio::io_context& io, storage::WriteQueue& queue, const Clock& clock,
            std::shared_ptr<const domain::TimeZone> zone, Options options);
  Scheduler(boost::asio::io_context& io, storage::WriteQueue& queue, const Clock& clock,
            std::shared_ptr<const domain::TimeZone> zone)
      : Scheduler(io, queue, clock, std::move(zone), Options{}) {}
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Adds a job. kInvalidArgument for an empty name, neither `run` nor `blocking`, or
  // `blocking` without Options::pool; kAlreadyExists for a name added before. Jobs added
  // after Start() are armed at once.
  Status Add(Job job);
  // Arms every job: one that is due now (never ran, or missed while down) is submitted at
  // once. Idempotent.
  void Start();
  // Tests: runs, on the calling thread, every job due at `now_ms` (one unit each, waiting for
  // its commit) instead of waiting on timers. Returns how many jobs ran their period; a job
  // whose period the database already records is not run and not counted. The first error
  // of a job's unit is returned after the other jobs were tried.
  StatusOr<int> RunDue(int64_t now_ms);
  // Cancels the timers; later completions are ignored. Idempotent.
  void Stop();
  // Tells blocking work in progress to give up (JobTick::stopping), so that stopping the
  // pool does not wait for a whole backup. Call before stopping the pool. Idempotent.
  void Interrupt() { stopping_.store(true); }

 private:
  struct Entry;
  struct Outcome;
  using UnitWork = std::function<Status(storage::Database&)>;
  static UnitWork MakeWork(std::shared_ptr<const Job> job, JobTick tick,
                           std::shared_ptr<Outcome> out);
  static UnitWork MakeCheck(std::shared_ptr<const Job> job, JobTick tick,
                            std::shared_ptr<Outcome> out);
  // A run's status as counted: a period recorded meanwhile by another instance is done, OK.
  static Status Judged(const Status& st, const Outcome& out);
  // Releases the job's session lock if the run took it (a unit of its own, not waited for).
  void ReleaseClaim(const Job& job, const Outcome& out);
  void Arm(const std::shared_ptr<Entry>& entry);
  void Wait(const std::shared_ptr<Entry>& entry, std::chrono::milliseconds delay);
  void SubmitRun(const std::shared_ptr<Entry>& entry, int64_t now_ms);
  void Absorb(Entry& entry, const Outcome& outcome);
  // Counts a finished run and records a failure (in a unit of its own, not waited for).
  void Finished(const Entry& entry, const std::shared_ptr<Outcome>& outcome, int64_t now_ms);

  boost::asio::io_context& io_;
  storage::WriteQueue& queue_;
  const Clock& clock_;
  std::shared_ptr<const domain::TimeZone> zone_;
  Options options_;
  std::vector<std::shared_ptr<Entry>> entries_;
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace linli
