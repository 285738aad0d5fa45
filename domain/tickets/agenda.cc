#include "domain/tickets/agenda.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "domain/common/durations.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "storage/ticket_store.h"

namespace linli::domain {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// "YYYY-MM-DD HH:MM" read as UTC.
int64_t ParseLocalAsUtc(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) != 5) return 0;
  return DaysFromCivil(y, mo, d) * kDayMs + (h * 60LL + mi) * 60 * 1000;
}

// Local midnight of y-m-01 in `tz` as epoch ms: the naive instant minus the zone's offset there.
int64_t LocalMonthStart(int y, int m, const std::string& tz) {
  const int64_t naive = DaysFromCivil(y, m, 1) * kDayMs;
  const int64_t offset = ParseLocalAsUtc(FormatLocalTime(naive, tz)) - naive;
  return naive - offset;
}

}  // namespace

StatusOr<std::pair<int64_t, int64_t>> MonthRange(const std::string& month,
                                                 const std::string& timezone) {
  const bool shape = month.size() == 7 && month[4] == '-' &&
                     std::all_of(month.begin(), month.begin() + 4,
                                 [](char c) { return c >= '0' && c <= '9'; }) &&
                     std::isdigit(static_cast<unsigned char>(month[5])) &&
                     std::isdigit(static_cast<unsigned char>(month[6]));
  const int y = shape ? std::stoi(month.substr(0, 4)) : 0;
  const int m = shape ? std::stoi(month.substr(5, 2)) : 0;
  if (!shape || y < 2000 || m < 1 || m > 12) {
    return Status::InvalidArgument("month must be YYYY-MM (got \"" + month + "\")");
  }
  const int ny = m == 12 ? y + 1 : y;
  const int nm = m == 12 ? 1 : m + 1;
  return std::make_pair(LocalMonthStart(y, m, timezone), LocalMonthStart(ny, nm, timezone));
}

StatusOr<std::string> RenderAgenda(storage::Database& db, const config::Config& config,
                                   const config::Texts& texts, const std::string& month,
                                   const std::string& locale) {
  LINLI_ASSIGN_OR_RETURN(auto range, MonthRange(month, config.timezone));
  const auto [from, to] = range;
  auto T = [&](const std::string& key, const std::map<std::string, std::string>& args = {}) {
    return texts.Get(locale, key, args);
  };

  // The agenda is published: staff-written texts pass the masking module.
  LINLI_ASSIGN_OR_RETURN(const auto known_names_list, KnownNames(db, config));
  const MaskNames& known_names = *known_names_list;
  auto published = [&known_names](const std::string& text) {
    return MaskFreeText(text, known_names).text;
  };

  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::EventsBetween(db, from, to));
  std::vector<int64_t> escalated, deferred, reopened, overdue, solved;
  std::map<int64_t, int64_t> first_resolved_at;  // ticket id -> first resolution in the month
  // Who acted, per section and ticket (see ActorLabel), in order of first appearance.
  std::map<std::string, std::map<int64_t, std::vector<std::string>>> actors;
  std::map<std::string, int> counts;  // ratings given in the month, every rating event
  std::set<int64_t> rated_by_event;
  auto add = [](std::vector<int64_t>& v, int64_t id) {
    if (std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
  };
  using storage::TicketStatus;
  // Who acted, as the agenda may say it: a staff member as "staff" (their names are never
  // shown to residents), an admin API key by its name, the deadline job as "system"; nothing
  // for the reporter (rating) and for events written before names were recorded.
  auto actor_label = [&](const storage::TicketEvent& e) -> std::string {
    if (e.actor_name.empty()) return "";
    if (e.actor_person_id != 0) return T("agenda.by_staff");
    if (e.actor_name == "system") return T("agenda.by_system");
    return e.actor_name;
  };
  auto note_actor = [&](const std::string& section, const storage::TicketEvent& e) {
    const std::string label = actor_label(e);
    if (label.empty()) return;
    auto& v = actors[section][e.ticket_id];
    if (std::find(v.begin(), v.end(), label) == v.end()) v.push_back(label);
  };
  for (const auto& e : events) {
    // A status event's new status; nullopt for other events.
    // (Compared by name: an std::optional here trips GCC 12's -Wmaybe-uninitialized.)
    const std::string to_name = e.kind == "status" ? e.to_status : "";
    auto to_is = [&to_name](TicketStatus st) { return to_name == storage::Name(st); };
    if (to_is(TicketStatus::kEscalated)) {
      add(escalated, e.ticket_id);
      note_actor("escalated", e);
    }
    if (to_is(TicketStatus::kDeferred)) {
      add(deferred, e.ticket_id);
      note_actor("deferred", e);
    }
    if (to_is(TicketStatus::kReopened)) {
      add(reopened, e.ticket_id);
      note_actor("reopened", e);
    }
    // Overdue: only what the deadline job wrote (the system actor, by name: an admin API key
    // also has no person id): its escalations and its top-tier flags.
    const bool sla = e.actor_person_id == 0 && e.actor_name == "system";
    if (sla && (to_is(TicketStatus::kEscalated) || e.kind == "note")) {
      add(overdue, e.ticket_id);
      note_actor("overdue", e);
    }
    if (!e.rating.empty()) {
      ++counts[e.rating];
      rated_by_event.insert(e.ticket_id);
    }
    if (to_is(TicketStatus::kResolved)) {
      add(solved, e.ticket_id);
      first_resolved_at.emplace(e.ticket_id, e.at_ms);
    }
  }

  std::map<int64_t, storage::Ticket> tickets;
  auto load = [&](int64_t id) -> StatusOr<const storage::Ticket*> {
    auto it = tickets.find(id);
    if (it == tickets.end()) {
      LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindById(db, id));
      if (!t) return static_cast<const storage::Ticket*>(nullptr);
      it = tickets.emplace(id, std::move(*t)).first;
    }
    return &it->second;
  };
  auto item_args = [&](const storage::Ticket& t) {
    return std::map<std::string, std::string>{
        {"number", std::to_string(t.number)},
        {"category", T("category." + t.category)},
        {"building", t.building.empty() ? "-" : FormatLocation(t.building, "", locale)},
        {"status", T("ticket.status." + storage::NameOf(t.status))},
        {"tier", T("push.tier." + storage::NameOf(t.tier))},
        {"reason", published(t.deferred_reason)},
        {"plan", published(t.deferred_plan)},
        {"date", t.deferred_until}};
  };

  std::string out = T("agenda.title", {{"compound", config.compound.name}, {"month", month}});
  out += "\n\n";

  // Figures.
  LINLI_ASSIGN_OR_RETURN(auto received, storage::TicketStore::ListCreatedBetween(db, from, to));
  out += T("agenda.figures") + "\n\n";
  out += T("agenda.received", {{"n", std::to_string(received.size())}}) + "\n";
  out += T("agenda.solved", {{"n", std::to_string(solved.size())}}) + "\n";
  std::vector<double> hours;
  for (const auto& [id, at] : first_resolved_at) {
    LINLI_ASSIGN_OR_RETURN(const storage::Ticket* t, load(id));
    if (t != nullptr) hours.push_back(static_cast<double>(at - t->created_at_ms) / 3.6e6);
  }
  if (hours.empty()) {
    out += T("agenda.median_none") + "\n";
  } else {
    std::sort(hours.begin(), hours.end());
    const size_t n = hours.size();
    const double median = n % 2 == 1 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", median);
    out += T("agenda.median", {{"hours", buf}}) + "\n";
  }
  // Every rating event counts (不满意 then 满意 is one of each); a ticket rated in the month
  // before rating events were recorded (migration 14) counts its stored rating once.
  LINLI_ASSIGN_OR_RETURN(auto rated, storage::TicketStore::ListRatedBetween(db, from, to));
  for (const auto& t : rated) {
    if (rated_by_event.count(t.id) == 0 && !t.rating.empty()) ++counts[t.rating];
  }
  int ratings = 0;
  for (const auto& [rating, n] : counts) ratings += n;
  if (ratings == 0) {
    out += T("agenda.satisfaction_none") + "\n";
  } else {
    const int good = counts["satisfied"] + counts["basic"];
    char rate[16];
    std::snprintf(rate, sizeof rate, "%.0f%%", 100.0 * good / static_cast<double>(ratings));
    out += T("agenda.satisfaction", {{"satisfied", std::to_string(counts["satisfied"])},
                                     {"basic", std::to_string(counts["basic"])},
                                     {"unsatisfied", std::to_string(counts["unsatisfied"])},
                                     {"rate", rate}}) +
           "\n";
  }

  auto section = [&](const std::string& name, const std::vector<int64_t>& ids,
                     const std::string& item_key) -> Status {
    const std::string title_key = "agenda." + name;
    // Appended piecewise: `"\n" + T(...)` trips GCC 12's -Werror=restrict false positive at
    // -O3 (GCC bug 105329).
    out += "\n";
    out += T(title_key);
    out += "\n\n";
    int shown = 0;
    for (int64_t id : ids) {
      LINLI_ASSIGN_OR_RETURN(const storage::Ticket* t, load(id));
      if (t == nullptr) continue;
      out += T(item_key, item_args(*t)) + "\n";
      if (const auto& by = actors[name][id]; !by.empty()) {
        std::string names;
        for (const auto& n : by) names += (names.empty() ? "" : T("agenda.by_separator")) + n;
        out += T("agenda.by", {{"names", names}}) + "\n";
      }
      ++shown;
    }
    if (shown == 0) out += T("agenda.none") + "\n";
    return Status::Ok();
  };
  LINLI_RETURN_IF_ERROR(section("escalated", escalated, "agenda.item"));
  LINLI_RETURN_IF_ERROR(section("deferred", deferred, "agenda.deferred_item"));
  LINLI_RETURN_IF_ERROR(section("reopened", reopened, "agenda.item"));
  LINLI_RETURN_IF_ERROR(section("overdue", overdue, "agenda.item"));
  return out;
}

}  // namespace linli::domain
