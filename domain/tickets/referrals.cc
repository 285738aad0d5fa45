#include "domain/tickets/referrals.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "bot/message.h"
#include "domain/common/durations.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/user_error.h"
#include "domain/tickets/authority.h"
#include "domain/tickets/public_ticket.h"
#include "domain/tickets/ticket_service.h"
#include "storage/outbox_store.h"
#include "storage/referral_store.h"

namespace linli::domain {

namespace {

using storage::Ticket;

constexpr int kBatch = 100;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// The ticket, for staff of its tier or above; refusals before anything is written.
StatusOr<std::pair<Ticket, StaffStanding>> LoadForStaff(storage::Database& db, const Deps& s,
                                                        Actor actor, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  if (!standing) return UserError(StatusCode::kPermissionDenied, "staff.denied");
  LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, number));
  if (!t) return UserError(StatusCode::kNotFound, "staff.not_found", {{"number", std::to_string(number)}});
  if (!ActsOnTier(standing->tier, t->tier)) {
    return UserError(StatusCode::kPermissionDenied, "staff.tier_denied",
                     {{"number", std::to_string(t->number)}, {"tier", storage::NameOf(t->tier)}});
  }
  return std::make_pair(*t, *standing);
}

// Public location: the building, else a configured public place, else "-". Never unit or room.
std::string PublicLocation(const config::Config& config, const std::string& locale, const Ticket& t) {
  if (!t.building.empty()) return FormatLocation(t.building, "", locale);
  for (const auto& p : config.compound.places) {
    if (!t.location_text.empty() && p.label == t.location_text) return p.label;
  }
  return "-";
}

// "name\nrest" as stored in the events' note (domain/tickets/ticket_history.cc reads it).
std::string EventNote(const std::string& name, const std::string& rest) { return name + "\n" + rest; }

Status AddEvent(storage::Database& db, const Ticket& t, Actor actor, const std::string& actor_name,
                const std::string& kind, const std::string& note, int64_t now_ms) {
  storage::TicketEvent e;
  e.ticket_id = t.id;
  e.at_ms = now_ms;
  e.actor_person_id = actor.person_id;
  e.actor_name = actor_name;
  e.kind = kind;
  e.from_status = storage::NameOf(t.status);
  e.to_status = storage::NameOf(t.status);
  e.note = note;
  return storage::TicketStore::AddEvent(db, e);
}

std::string DepartmentNames(const config::Config& config) {
  std::string out;
  for (const auto& d : config.departments) out += (out.empty() ? "" : "、") + d.name;
  return out.empty() ? "-" : out;
}

}  // namespace

const config::DepartmentConfig* FindDepartment(const config::Config& config,
                                               const std::string& word) {
  const std::string w = Trim(word);
  if (w.empty()) return nullptr;
  for (const auto& d : config.departments) {
    if (d.name == w || d.id == Lower(w)) return &d;
  }
  return nullptr;
}

std::string RenderReferral(const config::Texts& texts, const std::string& locale,
                           const config::Config& config, const config::DepartmentConfig& department,
                           const ReferralCard& card) {
  return texts.Get(locale, "referral.message",
                   {{"compound", config.compound.name.empty() ? "-" : config.compound.name},
                    {"department", department.name},
                    {"number", std::to_string(card.number)},
                    {"category", card.category},
                    {"location", card.location},
                    {"description", card.description.empty() ? std::string("-") : card.description},
                    {"note", card.note.empty() ? std::string("-") : card.note}});
}

StatusOr<ReferOutcome> Refer(storage::Database& db, const Deps& s, Actor actor, int64_t number,
                             const std::string& department, const std::string& note,
                             int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto loaded, LoadForStaff(db, s, actor, number));
  Ticket t = std::move(loaded.first);
  const config::DepartmentConfig* dep = FindDepartment(s.config, department);
  if (dep == nullptr) {
    return UserError(StatusCode::kNotFound, "staff.referral_unknown",
                     {{"name", Trim(department)}, {"departments", DepartmentNames(s.config)}});
  }
  const std::string typed = Trim(note);
  if (typed.empty()) return UserError(StatusCode::kInvalidArgument, "staff.need_note");

  // The public projection: number, category label, building; the description and note masked.
  const std::string& l = s.config.locale;
  LINLI_ASSIGN_OR_RETURN(MaskedText desc, MaskForPublic(db, s.config, t.description));
  LINLI_ASSIGN_OR_RETURN(MaskedText masked_note, MaskForPublic(db, s.config, typed));
  ReferralCard card;
  card.number = t.number;
  card.category = CategoryLabel(s, l, t.category);
  card.location = PublicLocation(s.config, l, t);
  card.description = desc.text;
  card.note = masked_note.text;
  OutboundMessage m;
  m.to = {dep->channel, dep->chat_id, dep->chat_id, ChatType::kGroup};
  m.text = RenderReferral(s.texts, l, s.config, *dep, card);
  LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());

  storage::Referral r;
  r.ticket_id = t.id;
  r.department_id = dep->id;
  r.note = typed;
  r.referred_at_ms = now_ms;
  r.remind_at_ms = now_ms + int64_t{dep->remind_hours} * kHourMs;
  LINLI_RETURN_IF_ERROR(storage::ReferralStore::Create(db, r).status());
  LINLI_RETURN_IF_ERROR(
      AddEvent(db, t, actor, loaded.second.name, "referred", EventNote(dep->name, typed), now_ms));
  t.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
  LINLI_RETURN_IF_ERROR(TicketService::PushToReporter(db, s, t, "push.referred",
                                                      {{"department", dep->name}}, now_ms));
  return ReferOutcome{std::move(t), dep, masked_note.changed};
}

StatusOr<AnswerOutcome> RecordAnswer(storage::Database& db, const Deps& s, Actor actor,
                                     int64_t number, const std::string& answer, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto loaded, LoadForStaff(db, s, actor, number));
  Ticket t = std::move(loaded.first);
  const std::string typed = Trim(answer);
  if (typed.empty()) return UserError(StatusCode::kInvalidArgument, "staff.need_note");
  LINLI_ASSIGN_OR_RETURN(auto open, storage::ReferralStore::LatestOpen(db, t.id));
  if (!open) {
    return UserError(StatusCode::kFailedPrecondition, "staff.referral_none", {{"number", std::to_string(t.number)}});
  }
  LINLI_ASSIGN_OR_RETURN(bool first, storage::ReferralStore::MarkAnswered(db, open->id, typed, now_ms));
  if (!first) {
    return UserError(StatusCode::kFailedPrecondition, "staff.referral_none", {{"number", std::to_string(t.number)}});
  }
  const config::DepartmentConfig* dep = FindDepartment(s.config, open->department_id);
  const std::string name = dep != nullptr ? dep->name : open->department_id;
  // The reporter reads it (push and history): masked as on the public board.
  LINLI_ASSIGN_OR_RETURN(MaskedText shown, MaskForPublic(db, s.config, typed));
  LINLI_RETURN_IF_ERROR(AddEvent(db, t, actor, loaded.second.name, "department_answered",
                                 EventNote(name, shown.text), now_ms));
  t.updated_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::TicketStore::Update(db, t));
  LINLI_RETURN_IF_ERROR(TicketService::PushToReporter(
      db, s, t, "push.department_answered", {{"department", name}, {"answer", shown.text}}, now_ms));
  return AnswerOutcome{std::move(t), name, shown.changed};
}

StatusOr<int> RemindUnanswered(storage::Database& db, const Deps& s, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto due, storage::ReferralStore::ListDueUnreminded(db, now_ms, kBatch));
  int reminded = 0;
  for (const auto& r : due) {
    LINLI_ASSIGN_OR_RETURN(bool first, storage::ReferralStore::MarkRemindedOnce(db, r.id, now_ms));
    if (!first) continue;
    LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindById(db, r.ticket_id));
    if (!t) continue;
    const config::DepartmentConfig* dep = FindDepartment(s.config, r.department_id);
    const std::string name = dep != nullptr ? dep->name : r.department_id;
    const int64_t hours = (now_ms - r.referred_at_ms) / kHourMs;
    LINLI_RETURN_IF_ERROR(
        AddEvent(db, *t, Actor::System(), "system", "referral_reminder", name, now_ms));
    LINLI_RETURN_IF_ERROR(TicketService::TellTierStaff(db, s, *t, "push.staff_referral_due", "",
                                                         now_ms,
                                                         {{"department", name}, {"hours", std::to_string(hours)}})
                              .status());
    ++reminded;
  }
  return reminded;
}

}  // namespace linli::domain
