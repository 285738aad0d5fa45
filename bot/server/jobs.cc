#include "bot/server/jobs.h"

#include <chrono>

#include "bot/server/log.h"
#include "domain/deps.h"
#include "domain/tickets/ticket_service.h"
#include "storage/inbox_store.h"

namespace linli {

std::vector<Job> ServerJobs(const JobDeps& deps) {
  using std::chrono::hours;
  using std::chrono::minutes;
  const domain::Deps& services = deps.services;
  std::vector<Job> jobs;

  jobs.push_back(Job{
      "inbox-prune",
      domain::Schedule::Every(hours(1)),
      [](storage::Database& db, const JobTick& tick) {
        return storage::InboxStore::Prune(db, tick.now_ms - kInboxRetentionMs).status();
      },
      nullptr,
  });

  // State lives in the tickets, so a repeated tick would be harmless too; the period record
  // keeps it to one per minute across restarts like every other job.
  jobs.push_back(Job{
      "tickets",
      domain::Schedule::Every(minutes(1)),
      [&services](storage::Database& db, const JobTick& tick) -> Status {
        auto r = domain::TicketService::Tick(db, services, tick.now_ms);
        if (!r.ok()) return r.status();
        if (r->escalated + r->flagged + r->closed > 0) {
          GetLogger("scheduler")->info("tickets: {} escalated, {} flagged overdue, {} closed unrated",
                                       r->escalated, r->flagged, r->closed);
        }
        return Status::Ok();
      },
      deps.notify_outbox,
  });

  return jobs;
}

}  // namespace linli
