// The ticket life cycle (issue 4): every staff action, the reporter's rating and the deadline
// tick go through here, whatever the front end (chat commands, the admin HTTP API, the
// scheduler). Each call validates the transition, checks the actor's role itself (never
// trusting the caller's front end), writes the ticket, its history event (with who acted by
// name: TicketEvent::actor_name) and the pushes to
// the reporter (outbox) in the caller's open transaction: on an error the caller rolls back
// and nothing of the call remains.
//
// States: new(待受理) -> accepted(已受理) -> in_progress(处理中) -> resolved(已解决) ->
// closed(已关闭); deferred(暂缓: reason + plan + expected date); escalated(已转办: the tier
// moves up compound -> community -> street); reopened (rated 不满意).
//
// Errors (user-facing ones carry a text key in `message()`, see TicketService::ErrorKey):
//   kPermissionDenied   the actor is not staff ("staff.denied"), or its tier may not run the
//                       action on the ticket's tier ("staff.tier_denied", the table in
//                       domain/tickets/authority.h; checked before anything is written) /
//                       not the reporter (Rate)
//   kNotFound           no such ticket (or assignee)
//   kFailedPrecondition the ticket's state does not allow the action (e.g. already closed,
//                       already at the top tier)
//   kInvalidArgument    a missing or malformed argument (note, date, rating)
// Anything else is a database error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/texts.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

// Ratings: 满意 / 基本满意 / 不满意.
inline constexpr const char* kRatingSatisfied = "satisfied";
inline constexpr const char* kRatingBasic = "basic";
inline constexpr const char* kRatingUnsatisfied = "unsatisfied";

// What one Tick did (for logs and tests).
struct TickResult {
  int escalated = 0;  // overdue tickets moved up one tier
  int flagged = 0;    // overdue tickets at the top tier, flagged
  int closed = 0;     // resolved tickets closed as unrated
};

class TicketService {
 public:
  // Whether `person_id` is staff: persons.role staff/admin, or one of the person's identities
  // is listed in config.staff.
  static StatusOr<bool> IsStaff(storage::Database& db, const config::Config& config,
                                int64_t person_id);

  // Sets tier "compound" and the compound deadlines of a ticket about to be created (report
  // flow). `now_ms` is the creation time.
  static void PrepareNew(const config::Config& config, storage::Ticket& ticket, int64_t now_ms);

  // Staff actions. `number` is the ticket's public number. Each returns the updated ticket.
  static StatusOr<storage::Ticket> Accept(storage::Database& db, const Deps& s, Actor actor,
                                          int64_t number, int64_t now_ms);
  static StatusOr<storage::Ticket> Start(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, int64_t now_ms);
  // A progress note; a public one is pushed to the reporter. `photo_ref` may be empty.
  static StatusOr<storage::Ticket> AddNote(storage::Database& db, const Deps& s, Actor actor,
                                           int64_t number, const std::string& note,
                                           bool is_public, const std::string& photo_ref,
                                           int64_t now_ms);
  // Resolves with an explanation (required) and asks the reporter to rate.
  static StatusOr<storage::Ticket> Resolve(storage::Database& db, const Deps& s, Actor actor,
                                           int64_t number, const std::string& note,
                                           int64_t now_ms);
  // 暂缓: reason, plan and the expected date ("YYYY-MM-DD", a real date, not before today in
  // config.timezone) are all required.
  static StatusOr<storage::Ticket> Defer(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, const std::string& reason,
                                         const std::string& plan, const std::string& date,
                                         int64_t now_ms);
  // Moves the ticket one tier up (reason required); the new tier's staff are notified.
  // kFailedPrecondition at the top tier.
  static StatusOr<storage::Ticket> Escalate(storage::Database& db, const Deps& s,
                                            Actor actor, int64_t number,
                                            const std::string& reason, int64_t now_ms);
  // Assigns to a staff member named by a platform user id (config.staff or a staff person's
  // identity) or, failing that, by person id. kNotFound if no such staff member.
  static StatusOr<storage::Ticket> Assign(storage::Database& db, const Deps& s, Actor actor,
                                          int64_t number, const std::string& assignee,
                                          int64_t now_ms);
  // Sets the ticket's public summary (what the public board shows instead of the resident's
  // words; point 8). Not pushed; recorded as an internal note.
  static StatusOr<storage::Ticket> SetSummary(storage::Database& db, const Deps& s,
                                              Actor actor, int64_t number,
                                              const std::string& summary, int64_t now_ms);
  // Closes duplicate `number` as merged into `into_number`; its reporter is told.
  static StatusOr<storage::Ticket> Merge(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, int64_t into_number, int64_t now_ms);

  // The reporter rates a resolved ticket: satisfied/basic close it; unsatisfied reopens it and
  // escalates it one tier (退回重办; at the top tier it is reopened there) and tells that
  // tier's staff. `rating` is one of the kRating* values; `comment` may be empty (both stay
  // internal). The reporter acted, so the answer is the caller's reply, not a push.
  // kPermissionDenied ("rating.not_found") for anyone but the reporter.
  static StatusOr<storage::Ticket> Rate(storage::Database& db, const Deps& s, Actor actor,
                                        int64_t number, const std::string& rating,
                                        const std::string& comment, int64_t now_ms);

  // The scheduler's job: escalates overdue tickets one tier (deadlines reset for the new tier
  // in the same write, so a second tick or a restart does not escalate again), flags overdue
  // tickets at the top tier once, and closes resolved tickets unrated for
  // config.rating.auto_close_days. Bounded work per call.
  static StatusOr<TickResult> Tick(storage::Database& db, const Deps& s, int64_t now_ms);

  // How many configured staff serve ticket tier `tier` (compound: grid and property) - the
  // staff a tier move notifies. 0 means an escalation there reaches nobody: the ticket still
  // moves (the tier's deadlines and authority apply, and the deadline job would move it
  // anyway), and the chat reply says that nobody was notified (staff.done.escalate_nobody).
  static int StaffCountAtTier(const config::Config& config, storage::Tier tier);

  // The deferred-date reminder job: each deferred ticket whose promised date
  // (deferred_until) is at most config.sla.deferred_remind_days_before days ahead of today
  // (config.timezone) reminds its tier's staff privately (push.staff_deferred_due, building
  // level only), once per deferral: the "reminder" event (note = the date) is inserted only
  // if none exists since the ticket's last deferral - decided in the database, so a repeated
  // tick, a restart or a second server instance does not remind twice; a new deferral (even
  // to the same date) reminds again. Returns how many tickets were reminded. Bounded work.
  static StatusOr<int> RemindDeferred(storage::Database& db, const Deps& s, int64_t now_ms);

  // Private pushes about ticket `t` for the other ticket services (the referrals of
  // domain/tickets/referrals.h), in each recipient's locale, as this class's own actions send
  // them. PushToReporter: text `key` with `args` (plus "number") to the reporter, nothing if
  // the reporter has no identity left. TellTierStaff: text `key` (args number, category,
  // building - never the unit -, tier, reason, plus `extra`) to the configured staff of the
  // ticket's tier; returns how many. Database errors only.
  static Status PushToReporter(storage::Database& db, const Deps& s, const storage::Ticket& t,
                               const std::string& key, config::TextArgs args, int64_t now_ms);
  static StatusOr<int> TellTierStaff(storage::Database& db, const Deps& s,
                                       const storage::Ticket& t, const std::string& key,
                                       const std::string& reason, int64_t now_ms,
                                       const config::TextArgs& extra = {});

  // The text key for a user-facing error returned by the calls above ("staff.denied", ...),
  // "" for a database error.
  static std::string ErrorKey(const Status& status);
  // The text arguments of such an error ("number", "status", ...).
  static config::TextArgs ErrorArgs(const Status& status);
};

// Parses "满意"/"基本满意"/"不满意", "1"/"2"/"3", "satisfied"/"basic"/"unsatisfied" (and a
// few English synonyms). "" if not a rating.
std::string ParseRating(const std::string& text);

}  // namespace linli::domain
