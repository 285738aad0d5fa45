#include "bot/server/jobs.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include "bot/server/backup_job.h"
#include "bot/server/log.h"
#include "bot/server/startup.h"
#include "bot/server/staff_posts.h"
#include "domain/reports/monthly_agenda.h"
#include "domain/decisions/decision_service.h"
#include "domain/decisions/quarterly_appraisal.h"
#include "domain/deps.h"
#include "domain/media/media_retention.h"
#include "domain/reports/red_black_service.h"
#include "domain/tickets/referrals.h"
#include "domain/tickets/ticket_service.h"
#include "domain/wishes/wish_service.h"
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
  // dialogs, ended rate windows, expired pushed questions, old card references, ticket photos
  // past media.retention_days (files too) and erased residents' photos.
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
        LINLI_RETURN_IF_ERROR(
            storage::CardStore::PruneBefore(db, now - c.retention.card_refs_days * kDayMs).status());
        // Ticket photos past media.retention_days, and erased residents' photos: files and rows.
        LINLI_ASSIGN_OR_RETURN(auto media, domain::media::PurgeExpiredMedia(db, c.media, now));
        if (media.deleted > 0) GetLogger("media")->info("retention: {} photo(s) deleted", media.deleted);
        if (media.kept > 0) {
          GetLogger("media")->warn("retention: {} photo(s) kept, their file could not be removed: {}",
                                   media.kept, media.first_error);
        }
        return Status::Ok();
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

  // Wishes (issue 9): auto-confirm, claim reminders and releases. State lives in the wishes and
  // claims (confirmed, reminded_at, released), so a repeated tick does nothing twice.
  jobs.push_back(Job{
      "wishes",
      domain::Schedule::Every(minutes(10)),
      [&services](storage::Database& db, const JobTick& tick) -> Status {
        auto r = domain::WishService::Tick(db, services, tick.now_ms);
        if (!r.ok()) return r.status();
        if (r->auto_confirmed + r->reminded + r->released > 0) {
          GetLogger("scheduler")->info("wishes: {} auto-confirmed, {} reminded, {} released",
                                       r->auto_confirmed, r->reminded, r->released);
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

  // Referrals to departments (issue 11 point 8): a referral unanswered for its department's
  // remind_hours reminds the ticket's tier staff privately, once (ReferralStore decides).
  // Only with departments configured.
  if (!services.config.departments.empty()) jobs.push_back(Job{
      domain::kReferralRemindJobName,
      domain::Schedule::Every(minutes(10)),
      [&services](storage::Database& db, const JobTick& tick) -> Status {
        auto n = domain::RemindUnanswered(db, services, tick.now_ms);
        if (!n.ok()) return n.status();
        if (*n > 0) GetLogger("scheduler")->info("referral-reminders: {} reminded", *n);
        return Status::Ok();
      },
      deps.notify_outbox,
  });

  // Decisions (issue 10): one job every minute, not a "once <ISO>" job per decision. The jobs
  // list is fixed when the server starts, while a decision's opening and closing times are
  // data staff set and change until it opens; so the minute job finds what is due in the
  // decisions table and moves it with conditional UPDATEs (draft -> open, open -> closed,
  // reminded 0 -> 1) whose affected-row count decides - exactly once whoever gets there first
  // (this job, a staff command, the catch-up run after a restart), and the period record
  // keeps the job itself to one run per minute. A decision is closed within a minute of its
  // closing time; ballots are refused from the closing instant itself (DecisionStore::Cast).
  auto woke = std::make_shared<std::atomic<bool>>(false);
  jobs.push_back(Job{
      "decisions",
      domain::Schedule::Every(minutes(1)),
      [&services, woke](storage::Database& db, const JobTick& tick) -> Status {
        auto r = domain::decisions::DecisionService::Tick(db, services, tick.now_ms);
        if (!r.ok()) return r.status();
        const bool pushed = r->opened + r->reminded + r->closed > 0;
        woke->store(pushed);
        if (pushed) {
          GetLogger("scheduler")->info("decisions: {} opened, {} reminded, {} closed", r->opened,
                                       r->reminded, r->closed);
        }
        return Status::Ok();
      },
      [woke, notify = deps.notify_outbox] {
        if (woke->exchange(false) && notify) notify();  // only when it enqueued pushes
      },
  });

  // The quarterly appraisal (民主评议, config.decisions.appraisal): each day at 00:05 local
  // time, drafts and opens the quarter's appraisal once its window has begun. A daily
  // calendar schedule, so a server down on the opening day catches up on the next run inside
  // the window; at most one per quarter is decided by the conditional insert
  // (domain/decisions/quarterly_appraisal.h), whatever the job records or staff did.
  // Listed only when enabled (the config is read once at start-up, like the list).
  auto appraisal_woke = std::make_shared<std::atomic<bool>>(false);
  if (services.config.decisions.appraisal.enabled) jobs.push_back(Job{
      "appraisal",
      domain::Schedule::Daily(0, 5),
      [&services, appraisal_woke](storage::Database& db, const JobTick& tick) -> Status {
        auto id = domain::decisions::EnsureQuarterlyAppraisal(db, services, tick.now_ms);
        if (!id.ok()) return id.status();
        appraisal_woke->store(*id > 0);
        if (*id > 0) GetLogger("scheduler")->info("appraisal: #{} drafted and opened", *id);
        return Status::Ok();
      },
      [appraisal_woke, notify = deps.notify_outbox] {
        if (appraisal_woke->exchange(false) && notify) notify();
      },
  });

  // The quarterly red/black list (红黑榜, issue 11 point 7): each day at 00:30 local time,
  // drafts the list of the quarter just ended if it has none (the conditional insert in
  // storage/report_store.h decides, so a restart or a second run makes nothing twice) and
  // tells community and street staff privately; they confirm it (认定 红黑榜 YYYY-Qn) before
  // it is published. Listed only when property companies are configured.
  auto red_black_woke = std::make_shared<std::atomic<bool>>(false);
  if (!services.config.property_companies.empty()) jobs.push_back(Job{
      "red-black",
      domain::Schedule::Daily(0, 30),
      [&services, red_black_woke](storage::Database& db, const JobTick& tick) -> Status {
        auto made = domain::reports::EnsureQuarterDraft(db, services, tick.now_ms);
        if (!made.ok()) return made.status();
        red_black_woke->store(*made);
        if (*made) GetLogger("scheduler")->info("red-black: quarter's draft made");
        return Status::Ok();
      },
      [red_black_woke, notify = deps.notify_outbox] {
        if (red_black_woke->exchange(false) && notify) notify();
      },
  });

  // The daily digest (issue 11 point 5) to every group whose posts has "digest", at
  // digest.time local time. Listed only when a group takes it. "Since the last digest" is the
  // run time of the job's last completed period, read in the same unit that records this one:
  // a digest missed while the service was down goes out once at start (covering the whole
  // gap) and the period record keeps it from going out twice.
  const config::Config& cfg = services.config;
  auto wants = [&cfg](const char* kind) {
    for (const auto& g : cfg.groups) {
      if (g.Posts(kind)) return true;
    }
    return false;
  };
  auto digest_woke = std::make_shared<std::atomic<bool>>(false);
  if (wants("digest")) {
    int hour = 8, minute = 30;
    std::sscanf(cfg.digest.time.c_str(), "%d:%d", &hour, &minute);
    jobs.push_back(Job{
        kDigestJobName,
        domain::Schedule::Daily(hour, minute),
        [&services, digest_woke](storage::Database& db, const JobTick& tick) -> Status {
          const config::Config& c = services.config;
          LINLI_ASSIGN_OR_RETURN(const int64_t since, DigestSince(db, tick.now_ms));
          int sent = 0;
          for (const auto& g : c.groups) {
            if (!g.Posts("digest")) continue;
            LINLI_ASSIGN_OR_RETURN(std::string text,
                                   DigestText(db, c, services.texts, g, since, tick.now_ms));
            LINLI_ASSIGN_OR_RETURN(int n, PostToGroup(db, c, g, text, tick.now_ms));
            sent += n;
          }
          digest_woke->store(sent > 0);
          GetLogger("scheduler")->info("digest: {} message(s) enqueued", sent);
          return Status::Ok();
        },
        [digest_woke, notify = deps.notify_outbox] {
          if (digest_woke->exchange(false) && notify) notify();
        },
    });
  }

  // The monthly agenda (一月一议, issue 11 point 6): agenda.days_before days before
  // agenda.meeting_day at agenda.time, the previous month's agenda to every group whose posts
  // has "agenda". A monthly calendar schedule: missed while down, it goes out once at start
  // if the meeting is still ahead, never twice.
  auto agenda_woke = std::make_shared<std::atomic<bool>>(false);
  if (wants("agenda")) {
    jobs.push_back(Job{
        kAgendaJobName,
        domain::AgendaPostSchedule(cfg.agenda),
        [&services, agenda_woke](storage::Database& db, const JobTick& tick) -> Status {
          const config::Config& c = services.config;
          // The meeting this period's post is for: days_before days after the period's start
          // (the post on the day itself, days_before 0, counts until a day after). Caught up
          // after it (the service was down until then, or first started later in the month),
          // the post is skipped: the period is done and the next month's comes.
          const int64_t meeting_ms =
              tick.period.start_ms + int64_t{std::max(1, c.agenda.days_before)} * 24 * 3600 * 1000;
          if (tick.now_ms >= meeting_ms) {
            GetLogger("scheduler")->info("agenda: the meeting of this period has passed; not posted");
            return Status::Ok();
          }
          const std::string month = domain::PreviousMonth(tick.period.start_ms, c.timezone);
          LINLI_ASSIGN_OR_RETURN(std::string text,
                                 domain::RenderAgendaPost(db, c, services.texts, month, c.locale));
          int sent = 0;
          for (const auto& g : c.groups) {
            if (!g.Posts("agenda")) continue;
            LINLI_ASSIGN_OR_RETURN(int n, PostToGroup(db, c, g, text, tick.now_ms));
            sent += n;
          }
          agenda_woke->store(sent > 0);
          GetLogger("scheduler")->info("agenda: {} for {} message(s) enqueued", month, sent);
          return Status::Ok();
        },
        [agenda_woke, notify = deps.notify_outbox] {
          if (agenda_woke->exchange(false) && notify) notify();
        },
    });
  }

  // The daily backup (issue 15 point 4): a copy of the database on the scheduler's pool,
  // the newest backup.keep kept. Listed only when backup.enabled, on SQLite: the loader
  // refuses backup.enabled with storage.backend "postgresql" (its own tools back it up), and
  // a config built in code gets no backup job there.
  if (cfg.backup.enabled && cfg.storage.backend != "postgresql") {
    auto zone = domain::LoadTimeZone(cfg.timezone);
    jobs.push_back(BackupJob(cfg.backup, DatabaseOptionsFor(cfg.storage),
                             zone.ok() ? *zone
                                       : std::make_shared<const domain::TimeZone>(
                                             domain::TimeZone::Utc())));
  }

  return jobs;
}

}  // namespace linli
