#include "domain/reports/digest_snapshot.h"

#include <algorithm>

#include "domain/common/durations.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/masking.h"
#include "domain/common/time_format.h"
#include "domain/common/time_zone.h"
#include "domain/decisions/decision_service.h"
#include "storage/decision_store.h"
#include "storage/ticket_store.h"
#include "storage/wish_store.h"

namespace linli::domain {

namespace {

constexpr int kAll = 1'000'000;  // "no limit" for the stores' list calls

// The local date `days` after the one of `now_ms`, "YYYY-MM-DD".
std::string LocalDatePlus(int64_t now_ms, const std::string& timezone, int days) {
  return FormatLocalTime(now_ms + days * kDayMs, timezone).substr(0, 10);
}

}  // namespace

StatusOr<DigestSnapshot> GatherDigest(storage::Database& db, const config::Config& config,
                                      const config::GroupConfig& group, int64_t since_ms,
                                      int64_t now_ms) {
  using storage::Ticket;
  using storage::TicketStatus;
  const std::string& locale = config.locale;
  DigestSnapshot s;
  s.compound = config.compound.name;
  s.date = LocalDatePlus(now_ms, config.timezone, 0);

  // Where a ticket is, as a group may see it: its building, or a configured public place (the
  // report flow stores the place's label as the location text); never the unit or room.
  auto ticket_place = [&](const Ticket& t) -> std::string {
    if (!t.building.empty()) return FormatLocation(t.building, "", locale);
    for (const auto& p : config.compound.places) {
      if (t.location_text == p.label) return p.label;
    }
    return "";
  };
  auto item = [&](const Ticket& t) {
    DigestTicket d;
    d.number = t.number;
    d.category = t.category;
    d.place = ticket_place(t);
    d.status = storage::NameOf(t.status);
    d.tier = storage::NameOf(t.tier);
    d.deferred_until = t.status == TicketStatus::kDeferred ? t.deferred_until : "";
    const bool awaiting_accept = t.status == TicketStatus::kNew ||
                                 t.status == TicketStatus::kEscalated ||
                                 t.status == TicketStatus::kReopened;
    d.overdue = t.overdue_flagged_at_ms != 0 ||
                (awaiting_accept && t.accept_due_at_ms > 0 && t.accept_due_at_ms <= now_ms) ||
                (t.status != TicketStatus::kDeferred && t.resolve_due_at_ms > 0 &&
                 t.resolve_due_at_ms <= now_ms);
    d.escalated = t.escalations > 0;
    return d;
  };
  auto by_number = [](const DigestTicket& a, const DigestTicket& b) { return a.number < b.number; };

  LINLI_ASSIGN_OR_RETURN(auto created, storage::TicketStore::ListCreatedBetween(db, since_ms, now_ms));
  for (const auto& t : created) {
    if (group.Serves(t.building) || t.building.empty()) s.created.push_back(item(t));
  }
  std::sort(s.created.begin(), s.created.end(), by_number);

  storage::TicketFilter open;
  open.statuses = {"new", "accepted", "in_progress", "deferred", "escalated", "reopened"};
  open.limit = kAll;
  LINLI_ASSIGN_OR_RETURN(auto opened, storage::TicketStore::List(db, open));
  const std::string due_by = LocalDatePlus(now_ms, config.timezone, config.digest.deferred_near_days);
  for (const auto& t : opened) {
    if (!group.Serves(t.building) && !t.building.empty()) continue;
    s.open.push_back(item(t));
    if (t.status == TicketStatus::kDeferred && !t.deferred_until.empty() &&
        t.deferred_until <= due_by) {
      s.deferred_due.push_back(item(t));
    }
  }
  std::sort(s.open.begin(), s.open.end(), by_number);
  std::sort(s.deferred_due.begin(), s.deferred_due.end(), by_number);

  // Every rating event since (a ticket rated twice counts twice, as in the agenda).
  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::EventsBetween(db, since_ms, now_ms));
  std::map<int64_t, bool> serves;  // ticket id -> in the group's buildings
  for (const auto& e : events) {
    if (e.rating.empty()) continue;
    auto it = serves.find(e.ticket_id);
    if (it == serves.end()) {
      LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindById(db, e.ticket_id));
      const bool yes = t && (t->building.empty() || group.Serves(t->building));
      it = serves.emplace(e.ticket_id, yes).first;
    }
    if (it->second) ++s.ratings[e.rating];
  }

  // Wishes: the stores list newest first; the digest shows the longest waiting first.
  auto wishes = [&](std::vector<storage::WishStatus> statuses,
                    int64_t done_since) -> StatusOr<std::vector<DigestWish>> {
    storage::WishFilter f;
    f.statuses = std::move(statuses);
    f.limit = kAll;
    LINLI_ASSIGN_OR_RETURN(auto list, storage::WishStore::List(db, f));
    std::vector<DigestWish> out;
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      const storage::Wish& w = *it;
      if (!w.building.empty() && !group.Serves(w.building)) continue;
      if (done_since > 0 && (w.done_at_ms < done_since || w.done_at_ms >= now_ms)) continue;
      DigestWish d;
      d.number = w.number;
      d.category = w.category;
      d.place = w.building.empty() ? "" : FormatLocation(w.building, "", locale);
      d.age_days = std::max<int64_t>(0, (now_ms - w.created_at_ms) / kDayMs);
      out.push_back(std::move(d));
    }
    return out;
  };
  LINLI_ASSIGN_OR_RETURN(s.unclaimed, wishes({storage::WishStatus::kOpen}, 0));
  LINLI_ASSIGN_OR_RETURN(s.claimed, wishes({storage::WishStatus::kClaimed}, 0));
  LINLI_ASSIGN_OR_RETURN(
      s.fulfilled,
      wishes({storage::WishStatus::kDone, storage::WishStatus::kConfirmed}, std::max<int64_t>(since_ms, 1)));

  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, config));
  const MaskNames& names = *names_list;
  LINLI_ASSIGN_OR_RETURN(auto decisions, storage::DecisionStore::List(db, "", "open", kAll));
  for (const auto& d : decisions) {
    bool meets = d.buildings.empty() || group.buildings.empty();
    for (const auto& b : d.buildings) meets = meets || group.Serves(b);
    if (!meets) continue;
    LINLI_ASSIGN_OR_RETURN(auto turnout, decisions::DecisionService::TurnoutNow(db, d));
    DigestDecision out;
    out.id = d.id;
    out.kind = d.kind;
    out.title = MaskDoorNumbers(MaskFreeText(d.title, names).text);
    out.voted = turnout.voted;
    out.eligible = turnout.eligible;
    out.closes = d.closes_at_ms > 0 ? FormatLocalTime(d.closes_at_ms, config.timezone) : "";
    s.decisions.push_back(std::move(out));
  }
  std::stable_sort(s.decisions.begin(), s.decisions.end(),
                   [&](const DigestDecision& a, const DigestDecision& b) {
                     return (a.closes.empty() ? "~" : a.closes) < (b.closes.empty() ? "~" : b.closes);
                   });
  return s;
}

}  // namespace linli::domain
