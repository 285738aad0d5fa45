#include "bot/server/scheduler.h"

#include <atomic>
#include <future>
#include <mutex>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/server/blocking_pool.h"
#include "bot/server/log.h"
#include "bot/server/server_metrics.h"
#include "storage/job_store.h"
#include "storage/write_queue.h"

namespace linli {

struct Scheduler::Entry {
  Entry(boost::asio::io_context& io, Job j)
      : job(std::make_shared<const Job>(std::move(j))), timer(io) {}
  // Shared with the write-queue units, which must not keep the timer alive.
  std::shared_ptr<const Job> job;
  boost::asio::steady_timer timer;
  std::atomic<bool> cancelled{false};
  std::mutex mu;                      // guards the two fields below
  std::optional<int64_t> last;        // last completed period start, as far as we know
  bool in_flight = false;             // a unit is queued or running (timer path)
  ServerMetrics::JobSeries series;    // null counters without Options::metrics
};

// What one run found; written on the write-queue (or a pool) thread, read after its
// completion.
struct Scheduler::Outcome {
  Status status;
  bool ran = false;
  bool done_already = false;    // the period was found recorded (or recorded meanwhile)
  std::optional<int64_t> last;  // the job's recorded period start after the unit
  // Blocking jobs: this connection holds the job's session lock (released after the run),
  // or another instance does and runs the period now.
  bool session_held = false;
  bool claimed_elsewhere = false;
};

namespace {

// Counts a finished unit: a committed run, or a failure (a period found done is neither).
void CountOutcome(const ServerMetrics::JobSeries& series, const Status& st, bool ran) {
  if (!st.ok() && series.failures) series.failures->Inc();
  if (st.ok() && ran && series.runs) series.runs->Inc();
}

// The key of a job's locks (storage::Database::LockKey, TryLockSession).
std::string JobLockKey(const Job& job) { return "job " + job.name; }

// Whether the period is recorded done already (then *last says which period is).
bool FoundDone(storage::Database& db, const Job& job, const domain::Period& period,
               std::optional<int64_t>* last, Status* error) {
  auto found = storage::JobStore::Find(db, job.name);
  if (!found.ok()) {
    *error = found.status();
    return false;
  }
  if (found->has_value() && (*found)->last_period_start_ms >= period.start_ms) {
    *last = (*found)->last_period_start_ms;  // done already (before a restart)
    return true;
  }
  return false;
}

}  // namespace

// The unit that finds, runs and records - all or nothing (for a job with blocking work, the
// unit after it; its check then finds the period not done, unless a restart intervened).
Scheduler::UnitWork Scheduler::MakeWork(std::shared_ptr<const Job> job, JobTick tick,
                                        std::shared_ptr<Outcome> out) {
  return [job = std::move(job), tick, out = std::move(out)](storage::Database& db) -> Status {
    out->ran = false;
    out->done_already = false;
    // Another instance's unit of this job commits before this one reads the period.
    LINLI_RETURN_IF_ERROR(db.LockKey(JobLockKey(*job)));
    Status error;
    if (FoundDone(db, *job, tick.period, &out->last, &error)) {
      out->done_already = true;
      return Status::Ok();
    }
    LINLI_RETURN_IF_ERROR(error);
    if (job->run) LINLI_RETURN_IF_ERROR(job->run(db, tick));
    Status recorded = storage::JobStore::Record(db, job->name, tick.period.start_ms, tick.now_ms);
    if (recorded.code() == StatusCode::kAlreadyExists) {
      // Recorded meanwhile without the lock (an older binary beside this one): the run rolls
      // back, and the period is done all the same (Judged).
      out->done_already = true;
      out->last = tick.period.start_ms;
    }
    LINLI_RETURN_IF_ERROR(recorded);
    out->ran = true;
    out->last = tick.period.start_ms;
    return Status::Ok();
  };
}

// The first unit of a job with blocking work: claims the job for this instance (its session
// lock, held until the run ends) and finds whether the period is done.
Scheduler::UnitWork Scheduler::MakeCheck(std::shared_ptr<const Job> job, JobTick tick,
                                         std::shared_ptr<Outcome> out) {
  return [job = std::move(job), tick, out = std::move(out)](storage::Database& db) -> Status {
    if (!out->session_held) {  // a unit run again after a conflict holds it already
      LINLI_ASSIGN_OR_RETURN(bool held, db.TryLockSession(JobLockKey(*job)));
      out->session_held = held;
      out->claimed_elsewhere = !held;
      if (!held) return Status::Ok();
    }
    Status error;
    out->done_already = FoundDone(db, *job, tick.period, &out->last, &error);
    return error;
  };
}

Status Scheduler::Judged(const Status& st, const Outcome& out) {
  if (st.code() == StatusCode::kAlreadyExists && out.done_already) return Status::Ok();
  return st;
}

void Scheduler::ReleaseClaim(const Job& job, const Outcome& out) {
  if (!out.session_held) return;
  queue_.Submit(
      [key = JobLockKey(job)](storage::Database& db) { return db.UnlockSession(key); },
      [name = job.name](Status st) {
        if (!st.ok()) {
          GetLogger("scheduler")->warn("job {}: cannot release its lock: {}", name,
                                       st.ToString());
        }
      });
}

Scheduler::Scheduler(boost::asio::io_context& io, storage::WriteQueue& queue, const Clock& clock,
                     std::shared_ptr<const domain::TimeZone> zone, Options options)
    : io_(io), queue_(queue), clock_(clock), zone_(std::move(zone)), options_(options) {
  if (!zone_) zone_ = std::make_shared<const domain::TimeZone>(domain::TimeZone::Utc());
}

Scheduler::~Scheduler() { Stop(); }

Status Scheduler::Add(Job job) {
  if (job.name.empty()) return Status::InvalidArgument("scheduler: a job needs a name");
  if (!job.run && !job.blocking) {
    return Status::InvalidArgument("scheduler: job " + job.name + " has no run");
  }
  if (job.blocking && options_.pool == nullptr) {
    return Status::InvalidArgument("scheduler: job " + job.name +
                                   " has blocking work but the scheduler has no pool");
  }
  for (const auto& e : entries_) {
    if (e->job->name == job.name) {
      return Status::AlreadyExists("scheduler: job " + job.name + " added twice");
    }
  }
  auto entry = std::make_shared<Entry>(io_, std::move(job));
  if (options_.metrics) entry->series = options_.metrics->ForJob(entry->job->name);
  entries_.push_back(entry);
  if (started_) Arm(entry);
  return Status::Ok();
}

void Scheduler::Start() {
  if (started_ || stopped_) return;
  started_ = true;
  for (const auto& e : entries_) Arm(e);
}

void Scheduler::Arm(const std::shared_ptr<Entry>& e) {
  if (stopped_ || e->cancelled) return;
  const int64_t now = clock_.NowMillis();
  std::optional<int64_t> next;
  {
    std::lock_guard<std::mutex> lock(e->mu);
    if (e->in_flight) return;  // its completion re-arms
    next = domain::NextRun(e->job->schedule, *zone_, e->last, now);
  }
  if (!next) return;  // never again (a "once" that ran)
  if (*next <= now) {
    SubmitRun(e, now);
    return;
  }
  Wait(e, std::min(std::chrono::milliseconds(*next - now), options_.max_wait));
}

void Scheduler::Wait(const std::shared_ptr<Entry>& e, std::chrono::milliseconds delay) {
  e->timer.expires_after(delay);
  std::weak_ptr<Entry> weak = e;
  e->timer.async_wait([this, weak](const boost::system::error_code& ec) {
    auto entry = weak.lock();
    if (ec || !entry || entry->cancelled) return;
    Arm(entry);
  });
}

void Scheduler::SubmitRun(const std::shared_ptr<Entry>& e, int64_t now_ms) {
  const auto period = domain::PeriodAt(e->job->schedule, *zone_, now_ms);
  if (!period) return;  // not due after all
  {
    std::lock_guard<std::mutex> lock(e->mu);
    e->in_flight = true;
  }
  auto out = std::make_shared<Outcome>();
  std::weak_ptr<Entry> weak = e;
  std::shared_ptr<const Job> job = e->job;
  const JobTick tick{*period, now_ms, &stopping_};
  // The end of every run, whichever thread it ends on: count, record a failure, re-arm.
  auto finish = [this, &io = io_, weak, out, job, now_ms](Status st) {
    out->status = Judged(st, *out);
    ReleaseClaim(*job, *out);
    auto entry = weak.lock();
    if (entry) Finished(*entry, out, now_ms);
    if (out->status.ok() && out->ran && job->committed) job->committed();
    boost::asio::post(io, [this, weak, out, job] {
      auto entry = weak.lock();
      if (!entry || entry->cancelled) return;
      Absorb(*entry, *out);
      {
        std::lock_guard<std::mutex> lock(entry->mu);
        entry->in_flight = false;
      }
      const auto retry = job->retry_delay.count() > 0 ? job->retry_delay : options_.retry_delay;
      if (out->status.ok() && out->claimed_elsewhere) {
        // Another instance runs this period now: look again later (done by then, or taken
        // over if that instance died: its lock went with its connection).
        Wait(entry, retry);
      } else if (out->status.ok()) {
        Arm(entry);
      } else {
        Wait(entry, retry);
      }
    });
  };
  if (!job->blocking) {
    queue_.Submit(MakeWork(job, tick, out), finish);
    return;
  }
  // Blocking work: check (write queue) -> work (pool) -> run and record (write queue).
  queue_.Submit(MakeCheck(job, tick, out), [this, job, tick, out, finish](Status st) {
    if (!st.ok() || out->done_already || out->claimed_elsewhere) {
      finish(st);
      return;
    }
    const bool posted = options_.pool->Post([this, job, tick, out, finish] {
      Status worked = job->blocking(tick);
      if (!worked.ok()) {
        finish(worked);
        return;
      }
      queue_.Submit(MakeWork(job, tick, out), finish);
    });
    if (!posted) finish(Status::Unavailable("scheduler: no room in the blocking pool"));
  });
}

void Scheduler::Finished(const Entry& e, const std::shared_ptr<Outcome>& out, int64_t now_ms) {
  CountOutcome(e.series, out->status, out->ran);
  if (out->status.ok()) return;
  // The failed unit rolled back: the failure is written by a unit of its own.
  queue_.Submit(
      [name = e.job->name, now_ms, error = out->status.ToString()](storage::Database& db) {
        return storage::JobStore::RecordFailure(db, name, now_ms, error);
      },
      [name = e.job->name](Status st) {
        if (!st.ok()) {
          GetLogger("scheduler")->warn("job {}: cannot record its failure: {}", name,
                                       st.ToString());
        }
      });
}

void Scheduler::Absorb(Entry& e, const Outcome& out) {
  if (!out.status.ok()) {
    GetLogger("scheduler")->warn("job {} failed: {}", e.job->name, out.status.ToString());
    return;
  }
  std::lock_guard<std::mutex> lock(e.mu);
  if (out.last && (!e.last || *out.last > *e.last)) e.last = out.last;
}

StatusOr<int> Scheduler::RunDue(int64_t now_ms) {
  int ran = 0;
  Status first_error;
  for (const auto& e : entries_) {
    std::optional<int64_t> next;
    {
      std::lock_guard<std::mutex> lock(e->mu);
      next = domain::NextRun(e->job->schedule, *zone_, e->last, now_ms);
    }
    if (!next || *next > now_ms) continue;
    const auto period = domain::PeriodAt(e->job->schedule, *zone_, now_ms);
    if (!period) continue;
    const JobTick tick{*period, now_ms, &stopping_};
    auto out = std::make_shared<Outcome>();
    if (!e->job->blocking) {
      out->status = queue_.Run(MakeWork(e->job, tick, out));
    } else {
      out->status = queue_.Run(MakeCheck(e->job, tick, out));
      if (out->status.ok() && !out->done_already && !out->claimed_elsewhere) {
        // On the pool, as the timers run it; waited for here.
        auto promise = std::make_shared<std::promise<Status>>();
        std::future<Status> worked = promise->get_future();
        std::shared_ptr<const Job> job = e->job;
        if (!options_.pool->Post([job, tick, promise] { promise->set_value(job->blocking(tick)); })) {
          promise->set_value(Status::Unavailable("scheduler: no room in the blocking pool"));
        }
        try {
          out->status = worked.get();
        } catch (const std::future_error&) {  // the pool stopped and dropped it
          out->status = Status::Unavailable("scheduler: the blocking pool stopped");
        }
        if (out->status.ok()) out->status = queue_.Run(MakeWork(e->job, tick, out));
      }
    }
    out->status = Judged(out->status, *out);
    ReleaseClaim(*e->job, *out);
    if (out->status.ok() && out->ran && e->job->committed) e->job->committed();
    CountOutcome(e->series, out->status, out->ran);
    if (!out->status.ok()) {
      Status recorded = queue_.Run([&](storage::Database& db) {
        return storage::JobStore::RecordFailure(db, e->job->name, now_ms, out->status.ToString());
      });
      if (!recorded.ok()) {
        GetLogger("scheduler")->warn("job {}: cannot record its failure: {}", e->job->name,
                                     recorded.ToString());
      }
    }
    Absorb(*e, *out);
    if (!out->status.ok() && first_error.ok()) first_error = out->status;
    if (out->status.ok() && out->ran) ++ran;
  }
  if (!first_error.ok()) return first_error;
  return ran;
}

void Scheduler::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& e : entries_) {
    e->cancelled = true;
    e->timer.cancel();
  }
}

}  // namespace linli
