// Scheduled jobs as data: a Job is a name, a Schedule (domain/common/schedule.h) and the work
// of one period. ServerJobs() is THE list the server runs; adding a job (a daily digest at
// 08:30, a monthly agenda, closing a vote "once at" its deadline) is one entry there plus its
// test. The scheduler (bot/server/scheduler.h) decides when; a job only says what.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/common/schedule.h"
#include "storage/database.h"

namespace linli {

namespace domain {
struct Deps;
}

// One run: the period it covers and the clock's reading when it was started.
struct JobTick {
  domain::Period period;
  int64_t now_ms = 0;
  // Set once the service is stopping (Scheduler::Interrupt); long `blocking` work checks it
  // and gives up early (non-OK: the period is tried again at the next start). Never null in
  // a tick the scheduler made.
  const std::atomic<bool>* stopping = nullptr;
};

struct Job {
  // Unique; the key of the job's progress in the database (storage/job_store.h). Renaming a
  // job makes it new (it runs at once for its current period).
  std::string name;
  domain::Schedule schedule;
  // The work of one period. Runs on the write-queue thread inside the unit that also records
  // the period as done, so both commit or neither does: non-OK rolls back both and the
  // period is tried again later. Database work only (pushes go to the durable outbox); must
  // not block on anything else and must not throw.
  std::function<Status(storage::Database&, const JobTick&)> run;
  // Optional: called once that unit committed with a run (not when the period was found done
  // already), on the write-queue thread (from Scheduler::RunDue, on its caller's thread); e.g.
  // wake the outbox for the pushes the run enqueued. Keep it short.
  std::function<void()> committed;
  // Optional: work that must run on neither the write-queue thread nor the event loop (file
  // I/O of its own: the daily backup copies the database). With it, a due period runs in
  // three steps: a unit that finds whether the period is done; if not, `blocking` on the
  // scheduler's BlockingPool (Scheduler::Options::pool); if that succeeded, a unit that runs
  // `run` (may then be empty) and records the period. Non-OK from `blocking` is a failed run
  // like a failed unit (counted, recorded, retried). A crash between the steps runs
  // `blocking` again for the period at the next start, so it must be safe to repeat. Must
  // not throw.
  std::function<Status(const JobTick&)> blocking;
  // After a failed run the period is tried again this much later; 0 = the scheduler's
  // Options::retry_delay.
  std::chrono::milliseconds retry_delay{0};
};

// What the server's jobs use. Borrowed; must outlive the scheduler.
struct JobDeps {
  const domain::Deps& services;
  std::function<void()> notify_outbox;  // wakes the outbox worker
};

// The name of the daily backup job (bot/server/backup_job.h), listed when backup.enabled
// (on SQLite only: a PostgreSQL database is backed up with its own tools).
inline constexpr char kBackupJobName[] = "backup";

// How long inbound dedupe records are kept (the inbox-prune job): well past every platform's
// redelivery window (Telegram 24 h, Feishu about 7.1 h, WeChat seconds).
inline constexpr int64_t kInboxRetentionMs = int64_t{7} * 24 * 3600 * 1000;

// The server's jobs, in the order they are armed:
//   inbox-prune  every 1h  drops inbound dedupe records older than kInboxRetentionMs;
//   retention    every 1h  sent messages after retention.outbox_sent_days, dialogs idle past
//                          the session timeout, ended rate windows, expired pushed questions,
//                          card references after retention.card_refs_days;
//   tickets      every 1m  ticket deadlines: escalation, overdue flags, and auto-closing of
//                          unrated resolved tickets (domain::TicketService::Tick does all three
//                          in one pass, so they stay one job);
//   decisions    every 1m  opens due drafts, sends reminders, closes due decisions
//                          (domain::decisions::DecisionService::Tick). One minute job rather
//                          than a "once" job per decision: the list is fixed at start while a
//                          decision's times are data; conditional UPDATEs make each transition
//                          happen exactly once (see jobs.cc);
//   appraisal    daily 00:05  the quarter's appraisal (when decisions.appraisal.enabled);
//   red-black    daily 00:30  drafts the red/black list of the quarter just ended (when
//                          property_companies are configured), once per quarter;
//   digest   daily digest.time   the daily digest to groups whose posts has "digest"
//                          (bot/server/staff_posts.h); listed only when a group takes it;
//   agenda   monthly (agenda.meeting_day - agenda.days_before) agenda.time   the previous
//                          month's agenda post (domain/reports/monthly_agenda.h) to groups
//                          whose posts has "agenda"; listed only when a group takes it;
//   backup   daily backup.at   a copy of the database into backup.dir, keeping the newest
//                          backup.keep (bot/server/backup_job.h); a `blocking` job; listed
//                          only when backup.enabled and the backend is SQLite.
std::vector<Job> ServerJobs(const JobDeps& deps);

}  // namespace linli
