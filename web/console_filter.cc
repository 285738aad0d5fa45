#include "web/console_filter.h"

#include <algorithm>
#include <limits>

#include "domain/common/time_zone.h"
#include "storage/ticket_state.h"

namespace linli::web {

namespace {

using storage::Ticket;
using storage::TicketStatus;

// "YYYY-MM-DD" with a real calendar date.
bool ParseDate(const std::string& s, domain::CivilTime& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  out.year = std::stoi(s.substr(0, 4));
  out.month = std::stoi(s.substr(5, 2));
  out.day = std::stoi(s.substr(8, 2));
  return out.year >= 1970 && out.month >= 1 && out.month <= 12 && out.day >= 1 &&
         out.day <= domain::DaysInMonth(out.year, out.month);
}

Status Bad(const std::string& param) {
  return Status::InvalidArgument("bad parameter: " + param);
}

}  // namespace

StatusOr<ConsoleFilter> ParseConsoleFilter(const domain::Deps& deps, const HttpRequest& request) {
  ConsoleFilter f;
  f.status = request.Query("status");
  if (!f.status.empty() && !storage::ParseTicketStatus(f.status)) return Bad("status");
  f.tier = request.Query("tier");
  if (!f.tier.empty() && !storage::ParseTier(f.tier)) return Bad("tier");
  f.category = request.Query("category");
  const auto& cats = deps.config.categories;
  if (!f.category.empty() && std::find(cats.begin(), cats.end(), f.category) == cats.end()) {
    return Bad("category");
  }
  f.building = request.Query("building");
  if (!f.building.empty()) {
    const auto& b = deps.config.compound.buildings;
    if (std::none_of(b.begin(), b.end(), [&](const auto& x) { return x.id == f.building; })) {
      return Bad("building");
    }
  }
  if (const std::string& sort = request.Query("sort"); !sort.empty()) {
    if (sort != "newest" && sort != "oldest" && sort != "deadline") return Bad("sort");
    f.sort = sort;
  }
  domain::CivilTime from, to;
  f.from = request.Query("from");
  if (!f.from.empty() && !ParseDate(f.from, from)) return Bad("from");
  f.to = request.Query("to");
  if (!f.to.empty() && !ParseDate(f.to, to)) return Bad("to");
  if (!f.from.empty() && !f.to.empty() && f.from > f.to) return Bad("from");
  if (const std::string& page = request.Query("page"); !page.empty()) {
    if (page.size() > 6 || !std::all_of(page.begin(), page.end(),
                                        [](char c) { return c >= '0' && c <= '9'; })) {
      return Bad("page");
    }
    f.page = std::stoi(page);
    if (f.page < 1) return Bad("page");
  }
  return f;
}

std::string FilterQuery(const ConsoleFilter& f) {
  std::string out;
  const auto add = [&out](const char* name, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += '&';
    out += std::string(name) + "=" + PercentEncode(value);
  };
  add("status", f.status);
  add("category", f.category);
  add("building", f.building);
  add("tier", f.tier);
  if (f.sort != "newest") add("sort", f.sort);
  add("from", f.from);
  add("to", f.to);
  return out;
}

StatusOr<DateRange> RangeOf(const domain::Deps& deps, const ConsoleFilter& filter) {
  DateRange r;
  if (filter.from.empty() && filter.to.empty()) return r;
  LINLI_ASSIGN_OR_RETURN(auto zone, domain::LoadTimeZone(deps.config.timezone));
  domain::CivilTime t;
  if (!filter.from.empty()) {
    if (!ParseDate(filter.from, t)) return Bad("from");
    t.hour = t.minute = t.second = 0;
    r.from_ms = zone->FromLocal(t) * 1000;
  }
  if (!filter.to.empty()) {
    if (!ParseDate(filter.to, t)) return Bad("to");
    // The next day's midnight: CivilFromSeconds carries the overflow of day + 1.
    const domain::CivilTime next =
        domain::CivilFromSeconds((domain::DaysFromCivil(t.year, t.month, t.day) + 1) * 86400);
    r.to_ms = zone->FromLocal({next.year, next.month, next.day, 0, 0, 0}) * 1000;
  }
  return r;
}

int64_t WaitingDeadline(const Ticket& t) {
  if (storage::In(t.status, {TicketStatus::kNew, TicketStatus::kEscalated,
                             TicketStatus::kReopened})) {
    return t.accept_due_at_ms;
  }
  if (storage::In(t.status, {TicketStatus::kAccepted, TicketStatus::kInProgress})) {
    return t.resolve_due_at_ms;
  }
  return 0;
}

StatusOr<std::vector<Ticket>> FilteredTickets(storage::Database& db, const domain::Deps& deps,
                                              const ConsoleFilter& filter) {
  storage::TicketFilter tf;
  if (!filter.status.empty()) tf.statuses.push_back(filter.status);
  tf.building = filter.building;
  tf.category = filter.category;
  tf.tier = filter.tier;
  tf.limit = std::numeric_limits<int>::max();  // a compound's tickets; sorted here
  LINLI_ASSIGN_OR_RETURN(std::vector<Ticket> all, storage::TicketStore::List(db, tf));
  LINLI_ASSIGN_OR_RETURN(DateRange range, RangeOf(deps, filter));
  std::vector<Ticket> out;
  out.reserve(all.size());
  for (auto& t : all) {
    if (t.created_at_ms >= range.from_ms && t.created_at_ms < range.to_ms) {
      out.push_back(std::move(t));
    }
  }
  // List returns oldest first (by id); ties keep that order.
  if (filter.sort == "newest") {
    std::reverse(out.begin(), out.end());
  } else if (filter.sort == "deadline") {
    std::reverse(out.begin(), out.end());  // newest first among equal deadlines
    std::stable_sort(out.begin(), out.end(), [](const Ticket& a, const Ticket& b) {
      const int64_t da = WaitingDeadline(a), dbl = WaitingDeadline(b);
      if ((da == 0) != (dbl == 0)) return da != 0;
      return da != 0 && da < dbl;
    });
  }
  return out;
}

}  // namespace linli::web
