#include "domain/tickets/ticket_service.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "domain/common/durations.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "domain/common/user_error.h"
#include "domain/people/private_conversation.h"
#include "domain/tickets/authority.h"
#include "domain/tickets/rating_question.h"
#include "domain/tickets/ticket_cards.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"

namespace linli::domain {

namespace {

using storage::In;
using storage::NameOf;
using storage::Ticket;
using storage::TicketStatus;
using storage::Tier;

constexpr int kTickBatch = 100;

// A user-facing error: the message is "<text key>;name=value;..." (see ErrorKey).
std::string TrimSpaces(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

StatusOr<Ticket> Load(storage::Database& db, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, number));
  if (!t) return UserError(StatusCode::kNotFound, "staff.not_found", {{"number", std::to_string(number)}});
  return *t;
}

Status BadState(const Ticket& t) {
  return UserError(StatusCode::kFailedPrecondition, "staff.bad_state",
                   {{"number", std::to_string(t.number)}, {"status", NameOf(t.status)}});
}

// Who acts, as recorded on an event: the person (0 for a key or the system) and the name.
struct By {
  int64_t person_id = 0;
  std::string name;
};

// The acting staff member's standing; kPermissionDenied "staff.denied" for anyone not staff.
StatusOr<StaffStanding> RequireStaff(storage::Database& db, const Deps& s, const Actor& actor) {
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  if (!standing) return UserError(StatusCode::kPermissionDenied, "staff.denied");
  return *standing;
}

// The authority table's verdict on `action` for ticket `t` (domain/tickets/authority.h).
// Checked after the ticket is loaded and before anything else, so a refusal changes nothing.
Status RequireTier(const StaffStanding& who, const Ticket& t, std::string_view action) {
  if (MayAct(who.tier, t.tier, action)) return Status::Ok();
  return UserError(StatusCode::kPermissionDenied, "staff.tier_denied",
                   {{"number", std::to_string(t.number)}, {"tier", NameOf(t.tier)}});
}

By ByStaff(const Actor& actor, const StaffStanding& who) { return {actor.person_id, who.name}; }

void ResetDeadlines(const config::Config& config, Ticket& t, int64_t now_ms) {
  const config::SlaTimes times = config.sla.For(t.category, NameOf(t.tier));
  t.accept_due_at_ms = now_ms + times.accept_hours * kHourMs;
  t.resolve_due_at_ms = now_ms + times.resolve_hours * kHourMs;
  t.overdue_flagged_at_ms = 0;
}

bool KnownLocale(const Deps& s, const std::string& locale) {
  const auto ls = s.texts.locales();
  return !locale.empty() && std::find(ls.begin(), ls.end(), locale) != ls.end();
}

struct Recipient {
  ConversationRef to;
  std::string locale;
};

StatusOr<std::string> LocaleOf(storage::Database& db, const Deps& s, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  if (person && KnownLocale(s, person->locale)) return person->locale;
  return s.config.locale;
}

// The reporter on the ticket's notify channel, else wherever they were seen last.
StatusOr<std::optional<Recipient>> ReporterOf(storage::Database& db, const Deps& s,
                                              const Ticket& t) {
  std::optional<storage::Identity> identity;
  LINLI_ASSIGN_OR_RETURN(auto user_id, storage::TicketStore::ReporterUserId(db, t));
  if (user_id) {
    const std::string& channel = t.notify_channel.empty() ? t.channel : t.notify_channel;
    LINLI_ASSIGN_OR_RETURN(identity, storage::IdentityStore::FindIdentity(db, channel, *user_id));
  }
  if (!identity) {
    LINLI_ASSIGN_OR_RETURN(identity,
                           storage::IdentityStore::LastUsedIdentity(db, t.reporter_person_id));
  }
  if (!identity) return std::optional<Recipient>();
  LINLI_ASSIGN_OR_RETURN(std::string locale, LocaleOf(db, s, t.reporter_person_id));
  return std::optional<Recipient>(Recipient{PrivateRef(*identity), locale});
}

// Building only: never a unit, room or the reporter's words in a notice to staff.
std::string BuildingText(const std::string& locale, const Ticket& t) {
  return t.building.empty() ? "-" : FormatLocation(t.building, "", locale);
}

Status Enqueue(storage::Database& db, const Deps& s, const Ticket& t, const Recipient& r,
               std::string text, const std::string& note, std::vector<Choice> choices,
               int64_t now_ms) {
  OutboundMessage m;
  m.to = r.to;
  m.text = std::move(text);
  m.choices = std::move(choices);
  m.notice = "ticket_status";
  m.notice_fields = {{"number", std::to_string(t.number)},
                     {"status", s.texts.Get(r.locale, "ticket.status." + NameOf(t.status))},
                     {"note", note},
                     {"time", FormatLocalTime(now_ms, s.config.timezone)}};
  return storage::OutboxStore::Enqueue(db, m, now_ms).status();
}

// Tells the reporter the ticket's new status, with a note (text key + args, may be "") and,
// for a resolved ticket, the rating choices.
Status PushStatus(storage::Database& db, const Deps& s, const Ticket& t, int64_t now_ms,
                  const std::string& note_key, config::TextArgs note_args = {}) {
  LINLI_ASSIGN_OR_RETURN(auto r, ReporterOf(db, s, t));
  if (!r) return Status::Ok();  // the reporter has no identity left to reach
  const std::string& l = r->locale;
  note_args["number"] = std::to_string(t.number);
  note_args["tier"] = s.texts.Get(l, "push.tier." + NameOf(t.tier));
  note_args["days"] = std::to_string(s.config.rating.auto_close_days);
  const std::string note = note_key.empty() ? "" : s.texts.Get(l, note_key, note_args);
  std::string text = s.texts.Get(l, "push.status",
                                 {{"number", std::to_string(t.number)},
                                  {"category", s.texts.Get(l, "category." + t.category)},
                                  {"status", s.texts.Get(l, "ticket.status." + NameOf(t.status))}});
  if (!note.empty()) text += "\n" + note;
  std::vector<Choice> choices;
  if (t.status == TicketStatus::kResolved) {
    text += "\n" + s.texts.Get(l, "push.rate_ask", note_args);
    for (const char* v : {kRatingSatisfied, kRatingBasic, kRatingUnsatisfied}) {
      choices.push_back({s.texts.Get(l, std::string("rating.") + v),
                         "/rate " + std::to_string(t.number) + " " + v});
    }
  }
  return Enqueue(db, s, t, *r, std::move(text), note, std::move(choices), now_ms);
}

// Staff text as pushed to the reporter: masked as on the public board (the reporter is a
// private recipient, but other people's names and phones must not reach them either). Staff
// are told (staff.masked, TicketAction's MaskedOnPublication).
StatusOr<std::string> Published(storage::Database& db, const Deps& s, const std::string& text) {
  LINLI_ASSIGN_OR_RETURN(MaskedText m, MaskForPublic(db, s.config, text));
  return std::move(m.text);
}

Status PushPublicNote(storage::Database& db, const Deps& s, const Ticket& t,
                      const std::string& typed, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto r, ReporterOf(db, s, t));
  if (!r) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(const std::string note, Published(db, s, typed));
  std::string text =
      s.texts.Get(r->locale, "push.public_note", {{"number", std::to_string(t.number)}, {"note", note}});
  return Enqueue(db, s, t, *r, std::move(text), note, {}, now_ms);
}

// The configured staff of a ticket tier: compound -> grid and property, else the same name.
bool StaffServesTier(const config::StaffMember& m, Tier tier) {
  if (tier == Tier::kCompound) return m.tier == "grid" || m.tier == "property";
  return m.tier == storage::Name(tier);
}

StatusOr<Recipient> StaffRecipient(storage::Database& db, const Deps& s,
                                   const config::StaffMember& m) {
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
  if (!identity) return Recipient{{m.channel, m.user_id, m.user_id, ChatType::kPrivate}, s.config.locale};
  LINLI_ASSIGN_OR_RETURN(std::string locale, LocaleOf(db, s, identity->person_id));
  return Recipient{PrivateRef(*identity), locale};
}

// Notifies the configured staff of the ticket's (new) tier, privately. `key` is a push.staff_*
// text; `extra` adds text arguments. Returns how many were notified (0: none is configured
// at that tier; the chat front end says so, TicketService::StaffCountAtTier).
StatusOr<int> NotifyTierStaffCount(storage::Database& db, const Deps& s, const Ticket& t,
                                   const std::string& key, const std::string& reason,
                                   int64_t now_ms, const config::TextArgs& extra = {}) {
  int notified = 0;
  for (const auto& m : s.config.staff) {
    if (!StaffServesTier(m, t.tier)) continue;
    LINLI_ASSIGN_OR_RETURN(Recipient r, StaffRecipient(db, s, m));
    const std::string& l = r.locale;
    config::TextArgs args = extra;
    args["number"] = std::to_string(t.number);
    args["category"] = s.texts.Get(l, "category." + t.category);
    args["building"] = BuildingText(l, t);
    args["tier"] = s.texts.Get(l, "push.tier." + NameOf(t.tier));
    args["reason"] = reason;
    std::string text = s.texts.Get(l, key, args);
    LINLI_RETURN_IF_ERROR(Enqueue(db, s, t, r, std::move(text), reason, {}, now_ms));
    ++notified;
  }
  return notified;
}

Status NotifyTierStaff(storage::Database& db, const Deps& s, const Ticket& t,
                       const std::string& key, const std::string& reason, int64_t now_ms) {
  return NotifyTierStaffCount(db, s, t, key, reason, now_ms).status();
}

// Writes `t` (already changed by the caller) and its status event from `from`.
// `status_event`: recorded as a status event even when the status stays (a second
// escalation, a new deferral), so each reads as what it is (domain/tickets/ticket_history.h).
// A change of status or tier (a status event) also updates the ticket's cards in the staff
// groups (domain/tickets/ticket_cards.h), whichever front end or job made it.
Status Record(storage::Database& db, const Deps& s, Ticket& t, TicketStatus from, const By& actor,
              const std::string& note, bool is_public, int64_t now_ms,
              const std::string& photo_ref = "", const std::string& rating = "",
              bool status_event = false) {
  t.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
  storage::TicketEvent e;
  e.ticket_id = t.id;
  e.at_ms = now_ms;
  e.actor_person_id = actor.person_id;
  e.actor_name = actor.name;
  e.kind = from == t.status && !status_event ? "note" : "status";
  e.from_status = NameOf(from);
  e.to_status = NameOf(t.status);
  e.note = note;
  e.is_public = is_public;
  e.photo_ref = photo_ref;
  e.rating = rating;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::AddEvent(db, e));
  if (e.kind != "status") return Status::Ok();
  return UpdateTicketCards(db, s, t, now_ms);
}

Status AddNoteEvent(storage::Database& db, const Ticket& t, const By& actor, const std::string& note,
                    bool is_public, const std::string& photo_ref, int64_t now_ms) {
  storage::TicketEvent e;
  e.ticket_id = t.id;
  e.at_ms = now_ms;
  e.actor_person_id = actor.person_id;
  e.actor_name = actor.name;
  e.kind = "note";
  e.from_status = NameOf(t.status);
  e.to_status = NameOf(t.status);
  e.note = note;
  e.is_public = is_public;
  e.photo_ref = photo_ref;
  return storage::TicketStore::AddEvent(db, e);
}

// Moves `t` one tier up with status `to_status` and fresh deadlines; the new tier's staff are
// told, and the reporter too unless `reporter_note_key` is "" (the reporter acted and gets
// the answer in the chat). The caller checked that a next tier exists.
Status MoveUp(storage::Database& db, const Deps& s, Ticket& t, TicketStatus to_status,
              const By& actor, const std::string& reason, const std::string& reporter_note_key,
              int64_t now_ms, const std::string& rating = "") {
  const TicketStatus from = t.status;
  const Tier old_tier = t.tier;
  t.tier = storage::NextTier(t.tier).value_or(t.tier);
  t.status = to_status;
  t.escalations += 1;
  t.assignee_person_id = 0;
  ResetDeadlines(s.config, t, now_ms);
  // The reason is staff text: kept internal (the public board shows the status and tier).
  LINLI_RETURN_IF_ERROR(
      Record(db, s, t, from, actor, NameOf(old_tier) + " -> " + NameOf(t.tier) + ": " + reason, false,
             now_ms, "", rating, /*status_event=*/true));
  if (!reporter_note_key.empty()) {
    LINLI_RETURN_IF_ERROR(PushStatus(db, s, t, now_ms, reporter_note_key));
  }
  LINLI_RETURN_IF_ERROR(PostEscalationCards(db, s, t, now_ms));
  return NotifyTierStaff(db, s, t, "push.staff_escalated", reason, now_ms);
}

bool ValidDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  const int y = std::stoi(d.substr(0, 4));
  const int m = std::stoi(d.substr(5, 2));
  const int day = std::stoi(d.substr(8, 2));
  if (y < 2000 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace

int TicketService::StaffCountAtTier(const config::Config& config, Tier tier) {
  int n = 0;
  for (const auto& m : config.staff) n += StaffServesTier(m, tier) ? 1 : 0;
  return n;
}

StatusOr<int> TicketService::RemindDeferred(storage::Database& db, const Deps& s,
                                            int64_t now_ms) {
  // The promised date has come when it is at most `days_before` days after today.
  const int64_t ahead = int64_t{s.config.sla.deferred_remind_days_before} * kDayMs;
  const std::string due_by = FormatLocalTime(now_ms + ahead, s.config.timezone).substr(0, 10);
  LINLI_ASSIGN_OR_RETURN(auto due, storage::TicketStore::ListDeferredDueUnreminded(db, due_by, kTickBatch));
  int reminded = 0;
  const By system{0, "system"};
  for (const Ticket& t : due) {
    storage::TicketEvent e;
    e.ticket_id = t.id;
    e.at_ms = now_ms;
    e.actor_name = system.name;
    e.kind = "reminder";
    e.from_status = NameOf(t.status);
    e.to_status = NameOf(t.status);
    e.note = t.deferred_until;
    // Decided in the database: one reminder event per ticket, date and deferral.
    LINLI_ASSIGN_OR_RETURN(bool first, storage::TicketStore::AddReminderOnce(db, e));
    if (!first) continue;
    LINLI_RETURN_IF_ERROR(NotifyTierStaffCount(db, s, t, "push.staff_deferred_due",
                                               t.deferred_reason, now_ms,
                                               {{"date", t.deferred_until}, {"plan", t.deferred_plan}})
                              .status());
    ++reminded;
  }
  return reminded;
}

Status TicketService::PushToReporter(storage::Database& db, const Deps& s, const Ticket& t,
                                     const std::string& key, config::TextArgs args,
                                     int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto r, ReporterOf(db, s, t));
  if (!r) return Status::Ok();
  args["number"] = std::to_string(t.number);
  std::string text = s.texts.Get(r->locale, key, args);
  return Enqueue(db, s, t, *r, text, text, {}, now_ms);
}

StatusOr<int> TicketService::TellTierStaff(storage::Database& db, const Deps& s,
                                             const Ticket& t, const std::string& key,
                                             const std::string& reason, int64_t now_ms,
                                             const config::TextArgs& extra) {
  return NotifyTierStaffCount(db, s, t, key, reason, now_ms, extra);
}

StatusOr<bool> TicketService::IsStaff(storage::Database& db, const config::Config& config,
                                      int64_t person_id) {
  if (person_id == 0) return false;
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  if (!person) return false;
  if (person->role == "staff" || person->role == "admin") return true;
  for (const auto& m : config.staff) {
    LINLI_ASSIGN_OR_RETURN(auto id, storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
    if (id && id->person_id == person_id) return true;
  }
  return false;
}

void TicketService::PrepareNew(const config::Config& config, Ticket& ticket, int64_t now_ms) {
  ticket.tier = storage::kAllTiers.front();
  ResetDeadlines(config, ticket, now_ms);
}

std::string TicketService::ErrorKey(const Status& status) {
  const std::string m = status.message();
  const bool user = m.rfind("staff.", 0) == 0 || m.rfind("rating.", 0) == 0;
  if (!user || status.code() == StatusCode::kInternal) return "";
  return m.substr(0, m.find(';'));
}

config::TextArgs TicketService::ErrorArgs(const Status& status) {
  config::TextArgs args;
  const std::string m = status.message();
  size_t pos = m.find(';');
  while (pos != std::string::npos) {
    const size_t next = m.find(';', pos + 1);
    const std::string part = m.substr(pos + 1, next == std::string::npos ? next : next - pos - 1);
    const size_t eq = part.find('=');
    if (eq != std::string::npos) args[part.substr(0, eq)] = part.substr(eq + 1);
    pos = next;
  }
  return args;
}

StatusOr<Ticket> TicketService::Accept(storage::Database& db, const Deps& s, Actor actor,
                                       int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "accept"));
  if (!In(t.status, {TicketStatus::kNew, TicketStatus::kEscalated, TicketStatus::kReopened})) {
    return BadState(t);
  }
  const TicketStatus from = t.status;
  t.status = TicketStatus::kAccepted;
  if (t.assignee_person_id == 0) t.assignee_person_id = actor.person_id;
  LINLI_RETURN_IF_ERROR(Record(db, s, t, from, by, "", true, now_ms));
  LINLI_RETURN_IF_ERROR(PushStatus(db, s, t, now_ms, ""));
  return t;
}

StatusOr<Ticket> TicketService::Start(storage::Database& db, const Deps& s, Actor actor,
                                      int64_t number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "start"));
  if (!In(t.status, {TicketStatus::kNew, TicketStatus::kAccepted, TicketStatus::kEscalated,
                     TicketStatus::kReopened, TicketStatus::kDeferred})) {
    return BadState(t);
  }
  const TicketStatus from = t.status;
  t.status = TicketStatus::kInProgress;
  if (t.assignee_person_id == 0) t.assignee_person_id = actor.person_id;
  // Back from 暂缓: the tier's clock starts again.
  if (from == TicketStatus::kDeferred) ResetDeadlines(s.config, t, now_ms);
  LINLI_RETURN_IF_ERROR(Record(db, s, t, from, by, "", true, now_ms));
  LINLI_RETURN_IF_ERROR(PushStatus(db, s, t, now_ms, ""));
  return t;
}

StatusOr<Ticket> TicketService::AddNote(storage::Database& db, const Deps& s, Actor actor,
                                        int64_t number, const std::string& note, bool is_public,
                                        const std::string& photo_ref, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "note"));
  const std::string text = TrimSpaces(note);
  if (text.empty() && photo_ref.empty()) {
    return UserError(StatusCode::kInvalidArgument, "staff.need_note");
  }
  LINLI_RETURN_IF_ERROR(AddNoteEvent(db, t, by, text, is_public, photo_ref, now_ms));
  t.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
  if (is_public) LINLI_RETURN_IF_ERROR(PushPublicNote(db, s, t, text, now_ms));
  return t;
}

StatusOr<Ticket> TicketService::Resolve(storage::Database& db, const Deps& s, Actor actor,
                                        int64_t number, const std::string& note, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "resolve"));
  if (!In(t.status, {TicketStatus::kNew, TicketStatus::kAccepted, TicketStatus::kInProgress,
                     TicketStatus::kEscalated, TicketStatus::kReopened, TicketStatus::kDeferred})) {
    return BadState(t);
  }
  const std::string text = TrimSpaces(note);
  if (text.empty()) return UserError(StatusCode::kInvalidArgument, "staff.need_note");
  const TicketStatus from = t.status;
  t.status = TicketStatus::kResolved;
  t.resolved_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(Record(db, s, t, from, by, text, true, now_ms));
  LINLI_ASSIGN_OR_RETURN(const std::string pushed, Published(db, s, text));
  LINLI_RETURN_IF_ERROR(PushStatus(db, s, t, now_ms, "push.note", {{"note", pushed}}));
  // The push asks for a rating: a bare "1" or "满意" answers it where there are no buttons.
  LINLI_ASSIGN_OR_RETURN(auto reporter, ReporterOf(db, s, t));
  if (reporter) {
    LINLI_RETURN_IF_ERROR(AskRating(db, s, reporter->to, reporter->locale, t.number, now_ms));
  }
  return t;
}

StatusOr<Ticket> TicketService::Defer(storage::Database& db, const Deps& s, Actor actor,
                                      int64_t number, const std::string& reason,
                                      const std::string& plan, const std::string& date,
                                      int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "defer"));
  if (!In(t.status, {TicketStatus::kNew, TicketStatus::kAccepted, TicketStatus::kInProgress,
                     TicketStatus::kEscalated, TicketStatus::kReopened, TicketStatus::kDeferred})) {
    return BadState(t);
  }
  const std::string r = TrimSpaces(reason);
  const std::string p = TrimSpaces(plan);
  const std::string d = TrimSpaces(date);
  if (r.empty() || p.empty() || d.empty()) {
    return UserError(StatusCode::kInvalidArgument, "staff.usage.defer");
  }
  if (!ValidDate(d)) return UserError(StatusCode::kInvalidArgument, "staff.bad_date", {{"date", d}});
  const std::string today = FormatLocalTime(now_ms, s.config.timezone).substr(0, 10);
  if (d < today) return UserError(StatusCode::kInvalidArgument, "staff.past_date", {{"date", d}});
  const TicketStatus from = t.status;
  t.status = TicketStatus::kDeferred;
  t.deferred_reason = r;
  t.deferred_plan = p;
  t.deferred_until = d;
  const config::TextArgs args = {{"reason", r}, {"plan", p}, {"date", d}};
  // Reason, plan and date are public (the board shows them), in the service's language.
  LINLI_RETURN_IF_ERROR(Record(db, s, t, from, by,
                               s.texts.Get(s.config.locale, "push.deferred_note", args), true,
                               now_ms, "", "", /*status_event=*/true));
  LINLI_ASSIGN_OR_RETURN(const std::string pushed_reason, Published(db, s, r));
  LINLI_ASSIGN_OR_RETURN(const std::string pushed_plan, Published(db, s, p));
  LINLI_RETURN_IF_ERROR(PushStatus(db, s, t, now_ms, "push.deferred_note",
                                   {{"reason", pushed_reason}, {"plan", pushed_plan}, {"date", d}}));
  return t;
}

StatusOr<Ticket> TicketService::Escalate(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, const std::string& reason,
                                         int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "escalate"));
  if (In(t.status, {TicketStatus::kResolved, TicketStatus::kClosed})) return BadState(t);
  const std::string r = TrimSpaces(reason);
  if (r.empty()) return UserError(StatusCode::kInvalidArgument, "staff.need_reason");
  if (!storage::NextTier(t.tier)) {
    return UserError(StatusCode::kFailedPrecondition, "staff.top_tier", {{"number", std::to_string(number)}});
  }
  LINLI_RETURN_IF_ERROR(MoveUp(db, s, t, TicketStatus::kEscalated, by, r, "push.escalated", now_ms));
  return t;
}

StatusOr<Ticket> TicketService::Assign(storage::Database& db, const Deps& s, Actor actor,
                                       int64_t number, const std::string& assignee,
                                       int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "assign"));
  if (t.status == TicketStatus::kClosed) return BadState(t);
  const std::string who = TrimSpaces(assignee);
  if (who.empty()) return UserError(StatusCode::kInvalidArgument, "staff.usage.assign");
  int64_t person_id = 0;
  std::string name = who;
  // 1. A configured staff member's user id (their identity is created if they never wrote).
  for (const auto& m : s.config.staff) {
    if (m.user_id != who) continue;
    LINLI_ASSIGN_OR_RETURN(auto id, storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
    if (id) {
      person_id = id->person_id;
    } else {
      LINLI_ASSIGN_OR_RETURN(storage::Person p,
                             storage::IdentityStore::Touch(
                                 db, {m.channel, m.user_id, m.user_id, ChatType::kPrivate}, now_ms));
      person_id = p.id;
    }
    if (!m.name.empty()) name = m.name;
    break;
  }
  // 2. A staff person's identity on any configured channel.
  if (person_id == 0) {
    std::vector<std::string> channels = {"console"};
    for (const auto& c : s.config.channels) channels.push_back(c.name);
    for (const auto& ch : channels) {
      LINLI_ASSIGN_OR_RETURN(auto id, storage::IdentityStore::FindIdentity(db, ch, who));
      if (!id) continue;
      LINLI_ASSIGN_OR_RETURN(bool staff, IsStaff(db, s.config, id->person_id));
      if (staff) {
        person_id = id->person_id;
        break;
      }
    }
  }
  // 3. A person id.
  if (person_id == 0 && std::all_of(who.begin(), who.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      who.size() < 18) {
    const int64_t id = std::stoll(who);
    LINLI_ASSIGN_OR_RETURN(bool staff, IsStaff(db, s.config, id));
    if (staff) person_id = id;
  }
  if (person_id == 0) {
    return UserError(StatusCode::kNotFound, "staff.assignee_not_found", {{"assignee", who}});
  }
  t.assignee_person_id = person_id;
  t.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
  LINLI_RETURN_IF_ERROR(AddNoteEvent(
      db, t, by,
      s.texts.Get(s.config.locale, "staff.assigned_note", {{"name", name}}), false, "", now_ms));
  // Tell the assignee where they can be reached.
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::LastUsedIdentity(db, person_id));
  if (identity && person_id != actor.person_id) {
    LINLI_ASSIGN_OR_RETURN(std::string l, LocaleOf(db, s, person_id));
    Recipient r{PrivateRef(*identity), l};
    std::string text = s.texts.Get(l, "push.staff_assigned",
                                   {{"number", std::to_string(t.number)},
                                    {"category", s.texts.Get(l, "category." + t.category)},
                                    {"building", BuildingText(l, t)}});
    LINLI_RETURN_IF_ERROR(Enqueue(db, s, t, r, std::move(text), "", {}, now_ms));
  }
  return t;
}

StatusOr<Ticket> TicketService::SetSummary(storage::Database& db, const Deps& s, Actor actor,
                                           int64_t number, const std::string& summary,
                                           int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  LINLI_ASSIGN_OR_RETURN(Ticket t, Load(db, number));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, t, "summary"));
  const std::string text = TrimSpaces(summary);
  if (text.empty()) return UserError(StatusCode::kInvalidArgument, "staff.need_note");
  t.public_summary = text;
  t.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
  LINLI_RETURN_IF_ERROR(AddNoteEvent(
      db, t, by, s.texts.Get(s.config.locale, "staff.summary_note", {{"summary", text}}),
      false, "", now_ms));
  return t;
}

StatusOr<Ticket> TicketService::Merge(storage::Database& db, const Deps& s, Actor actor,
                                      int64_t number, int64_t into_number, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(StaffStanding actor_standing, RequireStaff(db, s, actor));
  const By by = ByStaff(actor, actor_standing);
  if (number == into_number) return UserError(StatusCode::kInvalidArgument, "staff.merge_same");
  LINLI_ASSIGN_OR_RETURN(Ticket dup, Load(db, number));
  LINLI_ASSIGN_OR_RETURN(Ticket into, Load(db, into_number));
  // Merging acts on both tickets: the authority is needed over each.
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, dup, "merge"));
  LINLI_RETURN_IF_ERROR(RequireTier(actor_standing, into, "merge"));
  if (dup.status == TicketStatus::kClosed) return BadState(dup);
  if (into.status == TicketStatus::kClosed) return BadState(into);
  const TicketStatus from = dup.status;
  dup.status = TicketStatus::kClosed;
  dup.merged_into = into.number;
  const config::TextArgs args = {{"into", std::to_string(into.number)}};
  LINLI_RETURN_IF_ERROR(Record(db, s, dup, from, by,
                               s.texts.Get(s.config.locale, "push.merged_note", args), true,
                               now_ms));
  LINLI_RETURN_IF_ERROR(AddNoteEvent(
      db, into, by,
      s.texts.Get(s.config.locale, "staff.merged_into_note", {{"number", std::to_string(dup.number)}}), false,
      "", now_ms));
  LINLI_RETURN_IF_ERROR(PushStatus(db, s, dup, now_ms, "push.merged_note", args));
  return dup;
}

StatusOr<Ticket> TicketService::Rate(storage::Database& db, const Deps& s, Actor actor,
                                     int64_t number, const std::string& rating,
                                     const std::string& comment, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto found, storage::TicketStore::FindByNumber(db, number));
  // Someone else's ticket reads as "not found", so numbers leak nothing.
  if (!found || found->reporter_person_id != actor.person_id) {
    return UserError(StatusCode::kPermissionDenied, "rating.not_found", {{"number", std::to_string(number)}});
  }
  Ticket t = std::move(*found);
  // The reporter acted: the event names no one (a resident's name is never recorded).
  const By by{actor.person_id, ""};
  if (rating != kRatingSatisfied && rating != kRatingBasic && rating != kRatingUnsatisfied) {
    return UserError(StatusCode::kInvalidArgument, "rating.usage", {{"number", std::to_string(number)}});
  }
  if (t.status != TicketStatus::kResolved) {
    return UserError(StatusCode::kFailedPrecondition, "rating.not_resolved",
                     {{"number", std::to_string(number)}, {"status", NameOf(t.status)}});
  }
  t.rating = rating;
  t.rating_comment = TrimSpaces(comment);
  t.rated_at_ms = now_ms;
  // The resident's words stay internal: the public board never shows them as they are.
  const std::string note = s.texts.Get(s.config.locale, std::string("rating.") + rating) +
                           (t.rating_comment.empty() ? "" : ": " + t.rating_comment);
  if (rating != kRatingUnsatisfied) {
    const TicketStatus from = t.status;
    t.status = TicketStatus::kClosed;
    LINLI_RETURN_IF_ERROR(Record(db, s, t, from, by, note, false, now_ms, "", rating));
    return t;
  }
  // 退回重办: reopened, one tier up when there is one.
  if (storage::NextTier(t.tier)) {
    LINLI_RETURN_IF_ERROR(MoveUp(db, s, t, TicketStatus::kReopened, by, note, "", now_ms, rating));
    return t;
  }
  const TicketStatus from = t.status;
  t.status = TicketStatus::kReopened;
  t.assignee_person_id = 0;
  ResetDeadlines(s.config, t, now_ms);
  LINLI_RETURN_IF_ERROR(Record(db, s, t, from, by, note, false, now_ms, "", rating));
  LINLI_RETURN_IF_ERROR(NotifyTierStaff(db, s, t, "push.staff_reopened", note, now_ms));
  return t;
}

StatusOr<TickResult> TicketService::Tick(storage::Database& db, const Deps& s,
                                         int64_t now_ms) {
  TickResult result;
  const By system{0, "system"};
  LINLI_ASSIGN_OR_RETURN(auto overdue, storage::TicketStore::ListOverdue(db, now_ms, kTickBatch));
  const std::string& l = s.config.locale;
  for (Ticket& t : overdue) {
    const bool accept_late =
        In(t.status, {TicketStatus::kNew, TicketStatus::kEscalated, TicketStatus::kReopened}) &&
                             t.accept_due_at_ms > 0 && t.accept_due_at_ms <= now_ms;
    const std::string why = s.texts.Get(l, accept_late ? "push.overdue_accept" : "push.overdue_resolve");
    if (!storage::NextTier(t.tier)) {
      // Top tier: flag once (the flag is cleared when the deadlines are set again).
      t.overdue_flagged_at_ms = now_ms;
      t.updated_at_ms = now_ms;
      LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
      LINLI_RETURN_IF_ERROR(AddNoteEvent(db, t, system, why, false, "", now_ms));
      LINLI_RETURN_IF_ERROR(NotifyTierStaff(db, s, t, "push.staff_overdue", why, now_ms));
      ++result.flagged;
      continue;
    }
    LINLI_RETURN_IF_ERROR(MoveUp(db, s, t, TicketStatus::kEscalated, system, why, "push.overdue_escalated", now_ms));
    ++result.escalated;
  }
  const int64_t cutoff = now_ms - s.config.rating.auto_close_days * kDayMs;
  LINLI_ASSIGN_OR_RETURN(auto unrated,
                         storage::TicketStore::ListUnratedResolvedBefore(db, cutoff, kTickBatch));
  for (Ticket& t : unrated) {
    const TicketStatus from = t.status;
    t.status = TicketStatus::kClosed;
    LINLI_RETURN_IF_ERROR(Record(db, s, t, from, system,
                                 s.texts.Get(l, "push.auto_closed",
                                             {{"days", std::to_string(s.config.rating.auto_close_days)}}),
                                 true, now_ms));
    LINLI_RETURN_IF_ERROR(PushStatus(db, s, t, now_ms, "push.auto_closed"));
    ++result.closed;
  }
  return result;
}

std::string ParseRating(const std::string& input) {
  std::string text = TrimSpaces(input);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "1" || text == "满意" || text == "satisfied" || text == "good" || text == "yes") {
    return kRatingSatisfied;
  }
  if (text == "2" || text == "基本满意" || text == "basic" || text == "basically satisfied" ||
      text == "ok" || text == "okay") {
    return kRatingBasic;
  }
  if (text == "3" || text == "不满意" || text == "unsatisfied" || text == "dissatisfied" ||
      text == "bad" || text == "no") {
    return kRatingUnsatisfied;
  }
  return "";
}

}  // namespace linli::domain
