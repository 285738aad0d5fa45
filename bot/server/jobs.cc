#include "bot/server/jobs.h"

#include <chrono>

#include "bot/server/log.h"
#include "domain/deps.h"
#include "domain/tickets/ticket_service.h"
#include "storage/card_store.h"
#include "storage/conversation_store.h"
#include "storage/inbox_store.h"
#include "storage/outbox_store.h"
#include "storage/question_store.h"
#include "storage/rate_store.h"

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

  // Retention (PIPL: keep no more than needed): sent messages and their texts, abandoned
  // dialogs, ended rate windows, expired pushed questions, old card references.
  jobs.push_back(Job{
      "retention",
      domain::Schedule::Every(hours(1)),
      [&services](storage::Database& db, const JobTick& tick) -> Status {
        const config::Config& c = services.config;
        constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
        const int64_t now = tick.now_ms;
        LINLI_RETURN_IF_ERROR(
            storage::OutboxStore::PruneSent(db, now - c.retention.outbox_sent_days * kDayMs).status());
        LINLI_RETURN_IF_ERROR(storage::ConversationStore::PruneIdle(
                                  db, now - int64_t{c.dialog.session_timeout_minutes} * 60 * 1000)
                                  .status());
        LINLI_RETURN_IF_ERROR(storage::RateStore::Prune(db, now).status());
        LINLI_RETURN_IF_ERROR(storage::QuestionStore::PruneExpired(db, now).status());
        return storage::CardStore::PruneBefore(db, now - c.retention.card_refs_days * kDayMs).status();
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

  // 暂缓 dates that have come (issue 11): the tier's staff are reminded privately once per
  // deferral; whether a ticket was reminded is decided in the database, so a repeated or
  // missed-then-caught-up period never reminds twice.
  jobs.push_back(Job{
      "deferred-reminders",
      domain::Schedule::Every(minutes(10)),
      [&services](storage::Database& db, const JobTick& tick) -> Status {
        auto n = domain::TicketService::RemindDeferred(db, services, tick.now_ms);
        if (!n.ok()) return n.status();
        if (*n > 0) GetLogger("scheduler")->info("deferred-reminders: {} reminded", *n);
        return Status::Ok();
      },
      deps.notify_outbox,
  });

  return jobs;
}

}  // namespace linli
