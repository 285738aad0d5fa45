#include "bot/server/scheduler.h"

#include <atomic>
#include <mutex>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

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

// What one unit found; written on the write-queue thread, read after its completion.
struct Scheduler::Outcome {
  Status status;
  bool ran = false;
  std::optional<int64_t> last;  // the job's recorded period start after the unit
};

namespace {

// Counts a finished unit: a committed run, or a failure (a period found done is neither).
void CountOutcome(const ServerMetrics::JobSeries& series, const Status& st, bool ran) {
  if (!st.ok() && series.failures) series.failures->Inc();
  if (st.ok() && ran && series.runs) series.runs->Inc();
}

storage::WriteQueue::Work MakeWork(std::shared_ptr<const Job> job, domain::Period period,
                                   int64_t now_ms, std::shared_ptr<void> outcome_keepalive,
                                   bool* ran, std::optional<int64_t>* last) {
  return [job = std::move(job), period, now_ms, keep = std::move(outcome_keepalive), ran,
          last](storage::Database& db) -> Status {
    auto found = storage::JobStore::Find(db, job->name);
    if (!found.ok()) return found.status();
    if (found->has_value() && (*found)->last_period_start_ms >= period.start_ms) {
      *last = (*found)->last_period_start_ms;  // done already (before a restart)
      return Status::Ok();
    }
    LINLI_RETURN_IF_ERROR(job->run(db, JobTick{period, now_ms}));
    LINLI_RETURN_IF_ERROR(storage::JobStore::Record(db, job->name, period.start_ms, now_ms));
    *ran = true;
    *last = period.start_ms;
    return Status::Ok();
  };
}

}  // namespace

Scheduler::Scheduler(boost::asio::io_context& io, storage::WriteQueue& queue, const Clock& clock,
                     std::shared_ptr<const domain::TimeZone> zone, Options options)
    : io_(io), queue_(queue), clock_(clock), zone_(std::move(zone)), options_(options) {
  if (!zone_) zone_ = std::make_shared<const domain::TimeZone>(domain::TimeZone::Utc());
}

Scheduler::~Scheduler() { Stop(); }

Status Scheduler::Add(Job job) {
  if (job.name.empty()) return Status::InvalidArgument("scheduler: a job needs a name");
  if (!job.run) return Status::InvalidArgument("scheduler: job " + job.name + " has no run");
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
  queue_.Submit(
      MakeWork(job, *period, now_ms, out, &out->ran, &out->last),
      [this, &io = io_, weak, out, job, series = e->series](Status st) {
        out->status = st;
        CountOutcome(series, st, out->ran);
        if (st.ok() && out->ran && job->committed) job->committed();
        boost::asio::post(io, [this, weak, out] {
          auto entry = weak.lock();
          if (!entry || entry->cancelled) return;
          Absorb(*entry, *out);
          {
            std::lock_guard<std::mutex> lock(entry->mu);
            entry->in_flight = false;
          }
          if (out->status.ok()) {
            Arm(entry);
          } else {
            Wait(entry, options_.retry_delay);
          }
        });
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
    auto out = std::make_shared<Outcome>();
    out->status = queue_.Run(MakeWork(e->job, *period, now_ms, out, &out->ran, &out->last));
    if (out->status.ok() && out->ran && e->job->committed) e->job->committed();
    CountOutcome(e->series, out->status, out->ran);
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
