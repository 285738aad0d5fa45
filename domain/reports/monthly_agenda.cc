#include "domain/reports/monthly_agenda.h"

#include <algorithm>
#include <cstdio>

#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/masking.h"
#include "domain/common/time_format.h"
#include "domain/decisions/decision_service.h"
#include "domain/tickets/agenda.h"
#include "storage/decision_store.h"
#include "storage/wish_store.h"

namespace linli::domain {

Schedule AgendaPostSchedule(const config::AgendaConfig& agenda) {
  int hour = 9, minute = 0;
  std::sscanf(agenda.time.c_str(), "%d:%d", &hour, &minute);
  const int day = std::max(1, agenda.meeting_day - agenda.days_before);
  return Schedule::Monthly(day, hour, minute);
}

std::string PreviousMonth(int64_t now_ms, const std::string& timezone) {
  const std::string local = FormatLocalTime(now_ms, timezone);  // "YYYY-MM-DD HH:MM"
  int y = std::stoi(local.substr(0, 4));
  int m = std::stoi(local.substr(5, 2)) - 1;
  if (m == 0) {
    m = 12;
    --y;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

StatusOr<std::string> RenderAgendaPost(storage::Database& db, const config::Config& config,
                                       const config::Texts& texts, const std::string& month,
                                       const std::string& locale) {
  LINLI_ASSIGN_OR_RETURN(auto range, MonthRange(month, config.timezone));
  const auto [from, to] = range;
  LINLI_ASSIGN_OR_RETURN(std::string agenda, RenderAgenda(db, config, texts, month, locale));
  auto T = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(locale, key, args);
  };
  // The meeting is in the month after the agenda's.
  const std::string meeting_month = FormatLocalTime(to, config.timezone).substr(0, 7);
  char day[16];
  std::snprintf(day, sizeof day, "%02d", config.agenda.meeting_day);
  std::string out = T("agenda_post.intro", {{"date", meeting_month + "-" + day}});
  out += "\n\n";
  out += agenda;

  // Wishes posted in the month (any status but pending/rejected: those were never public).
  out += "\n";
  out += T("agenda_post.wishes");
  out += "\n\n";
  storage::WishFilter f;
  f.limit = 1'000'000;
  LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(db, f));
  int shown = 0;
  for (auto it = wishes.rbegin(); it != wishes.rend(); ++it) {
    const storage::Wish& w = *it;
    if (w.created_at_ms < from || w.created_at_ms >= to) continue;
    if (w.status == storage::WishStatus::kPending || w.status == storage::WishStatus::kRejected) {
      continue;
    }
    out += T("agenda_post.wish_item",
             {{"number", std::to_string(w.number)},
              {"category", T("wish.category." + w.category)},
              {"building", w.building.empty() ? "-" : FormatLocation(w.building, "", locale)},
              {"status", T("wish.status." + storage::NameOf(w.status))}}) +
           "\n";
    ++shown;
  }
  if (shown == 0) out += T("agenda.none") + "\n";

  // Decisions opened or closed in the month, oldest first.
  out += "\n";
  out += T("agenda_post.decisions");
  out += "\n\n";
  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, config));
  const MaskNames& names = *names_list;
  LINLI_ASSIGN_OR_RETURN(auto decisions, storage::DecisionStore::List(db, "", "", 1'000'000));
  shown = 0;
  for (auto it = decisions.rbegin(); it != decisions.rend(); ++it) {
    const storage::Decision& d = *it;
    const bool opened = d.opened_at_ms >= from && d.opened_at_ms < to;
    const bool closed = d.closed_at_ms >= from && d.closed_at_ms < to;
    if (!opened && !closed) continue;
    std::string outcome;
    if (d.status == "open") {
      LINLI_ASSIGN_OR_RETURN(auto turnout, decisions::DecisionService::TurnoutNow(db, d));
      outcome = T("agenda_post.turnout", {{"voted", std::to_string(turnout.voted)},
                                         {"eligible", std::to_string(turnout.eligible)}});
    } else if (d.kind == "covenant") {
      LINLI_ASSIGN_OR_RETURN(auto result, storage::DecisionStore::Result(db, d.id));
      outcome = T(result && result->adopted ? "agenda_post.adopted" : "agenda_post.not_adopted");
    }
    out += T("agenda_post.decision_item",
             {{"id", std::to_string(d.id)},
              {"kind", T("decision.kind." + d.kind)},
              {"title", MaskDoorNumbers(MaskFreeText(d.title, names).text)},
              {"status", T("decision.status." + d.status)},
              {"outcome", outcome}}) +
           "\n";
    ++shown;
  }
  if (shown == 0) out += T("agenda.none") + "\n";
  return out;
}

}  // namespace linli::domain
