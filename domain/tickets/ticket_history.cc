#include "domain/tickets/ticket_history.h"

#include <array>
#include <optional>

#include "storage/ticket_state.h"

namespace linli::domain {

namespace {

struct TierMove {
  std::string from;
  std::string to;
  std::string rest;  // the reason (or the rating words) after ": "
};

bool IsTierName(const std::string& s) {
  for (storage::Tier t : storage::kAllTiers) {
    if (storage::NameOf(t) == s) return true;
  }
  return false;
}

// "community -> street: reason" as written by TicketService's tier moves.
std::optional<TierMove> ParseTierMove(const std::string& note) {
  const size_t arrow = note.find(" -> ");
  if (arrow == std::string::npos) return std::nullopt;
  const size_t colon = note.find(": ", arrow + 4);
  TierMove m;
  m.from = note.substr(0, arrow);
  m.to = note.substr(arrow + 4, colon == std::string::npos ? std::string::npos : colon - arrow - 4);
  if (colon != std::string::npos) m.rest = note.substr(colon + 2);
  if (!IsTierName(m.from) || !IsTierName(m.to)) return std::nullopt;
  return m;
}

std::string Flatten(std::string s) {
  for (size_t p = s.find('\n'); p != std::string::npos; p = s.find('\n', p)) s.replace(p, 1, "；");
  return s;
}

}  // namespace

std::string LocalizeTierMove(const config::Texts& texts, const std::string& locale,
                             const std::string& note) {
  auto m = ParseTierMove(note);
  if (!m) return note;
  return texts.Get(locale, "ticket.history.tier_move",
                   {{"from", texts.Get(locale, "push.tier." + m->from)},
                    {"to", texts.Get(locale, "push.tier." + m->to)},
                    {"reason", m->rest}});
}

std::string DescribeEvent(const config::Texts& texts, const std::string& locale,
                          const storage::TicketEvent& e, HistoryAudience audience) {
  const bool staff = audience == HistoryAudience::kStaff;
  auto T = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(locale, "ticket.history." + key, args);
  };
  if (e.kind == "created") return T("created");
  if (e.kind == "reminder") return staff ? T("reminder", {{"date", e.note}}) : "";
  // Referrals (domain/tickets/referrals.h): the note is "department\nrest"; the staff note of
  // a referral stays internal, the department's (masked) answer is for the reporter too.
  if (e.kind == "referred" || e.kind == "department_answered") {
    const size_t nl = e.note.find('\n');
    const std::string department = e.note.substr(0, nl);
    const std::string rest = nl == std::string::npos ? "" : e.note.substr(nl + 1);
    if (e.kind == "department_answered") {
      return T("department_answered", {{"department", department}, {"answer", Flatten(rest)}});
    }
    if (!staff) return T("referred", {{"department", department}});
    return T("referred_staff", {{"department", department}, {"note", Flatten(rest)}});
  }
  if (e.kind == "referral_reminder") return staff ? T("referral_reminder", {{"department", e.note}}) : "";
  const bool moved = e.kind == "status" && e.from_status != e.to_status;
  const std::optional<TierMove> move = ParseTierMove(e.note);
  // A rating: the reporter's own words stay internal.
  if (!e.rating.empty()) {
    const std::string rating = texts.Get(locale, "rating." + e.rating);
    if (e.to_status == storage::Name(storage::TicketStatus::kReopened)) {
      if (!staff) return T("reopened", {{"rating", rating}});
      return T("reopened_staff", {{"rating", rating}, {"note", LocalizeTierMove(texts, locale, e.note)}});
    }
    if (!staff) return T("rated", {{"rating", rating}});
    return T("rated_staff", {{"rating", rating}, {"note", e.note}});
  }
  // A tier move (escalations by staff and by the deadline job; a second escalation keeps
  // the status, so it is recognised by its note too).
  if (move && (e.to_status == storage::Name(storage::TicketStatus::kEscalated) ||
               e.to_status == storage::Name(storage::TicketStatus::kReopened))) {
    if (!staff) {
      return T("escalated", {{"tier", texts.Get(locale, "push.tier." + move->to)}});
    }
    return T("escalated_staff", {{"move", LocalizeTierMove(texts, locale, e.note)}});
  }
  if (moved || (e.kind == "status" && e.to_status == storage::Name(storage::TicketStatus::kDeferred))) {
    const std::string& to = e.to_status;
    using storage::TicketStatus;
    const std::string note = e.is_public || staff ? e.note : "";
    if (to == storage::Name(TicketStatus::kAccepted)) return T("accepted");
    if (to == storage::Name(TicketStatus::kInProgress)) return T("started");
    if (to == storage::Name(TicketStatus::kResolved)) {
      return note.empty() ? T("resolved") : T("resolved_note", {{"note", note}});
    }
    if (to == storage::Name(TicketStatus::kDeferred)) {
      return note.empty() ? T("deferred") : T("deferred_note", {{"note", Flatten(note)}});
    }
    if (to == storage::Name(TicketStatus::kClosed)) {
      return note.empty() ? T("closed") : T("closed_note", {{"note", note}});
    }
    if (to == storage::Name(TicketStatus::kReopened)) return T("reopened_plain");
    if (to == storage::Name(TicketStatus::kEscalated)) return T("escalated_plain");
    std::string what = texts.Get(locale, "ticket.event.status",
                                 {{"status", texts.Get(locale, "ticket.status." + to)}});
    if (!note.empty()) what += ": " + note;
    return what;
  }
  // Notes.
  if (e.is_public) return T("public_note", {{"note", e.note}});
  if (!staff) return "";  // internal notes, assignments, summaries, overdue flags
  if (e.actor_person_id == 0 && e.actor_name == "system") return T("overdue", {{"note", e.note}});
  return T("internal_note", {{"note", LocalizeTierMove(texts, locale, e.note)}});
}

std::vector<HistoryLine> HistoryLines(const config::Texts& texts, const std::string& locale,
                                      const std::vector<storage::TicketEvent>& events,
                                      HistoryAudience audience) {
  std::vector<HistoryLine> out;
  for (const auto& e : events) {
    std::string text = DescribeEvent(texts, locale, e, audience);
    if (!text.empty()) out.push_back({e.at_ms, std::move(text)});
  }
  return out;
}

}  // namespace linli::domain
