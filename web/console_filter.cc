#include "web/console_filter.h"

#include <algorithm>
#include <limits>
#include <optional>

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
  f.after = request.Query("after");
  if (!f.after.empty() && !storage::TicketCursor::Decode(OrderOf(f), f.after)) return Bad("after");
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

storage::TicketOrder OrderOf(const ConsoleFilter& filter) {
  if (filter.sort == "oldest") return storage::TicketOrder::kOldestFirst;
  if (filter.sort == "deadline") return storage::TicketOrder::kDeadline;
  return storage::TicketOrder::kNewestFirst;
}

namespace {

StatusOr<storage::TicketFilter> StoreFilter(const domain::Deps& deps, const ConsoleFilter& filter) {
  storage::TicketFilter tf;
  if (!filter.status.empty()) tf.statuses.push_back(filter.status);
  tf.building = filter.building;
  tf.category = filter.category;
  tf.tier = filter.tier;
  LINLI_ASSIGN_OR_RETURN(DateRange range, RangeOf(deps, filter));
  tf.created_from_ms = range.from_ms;
  tf.created_to_ms = range.to_ms;
  return tf;
}

}  // namespace

StatusOr<storage::TicketPage> FilteredPage(storage::Database& db, const domain::Deps& deps,
                                           const ConsoleFilter& filter, int per_page) {
  LINLI_ASSIGN_OR_RETURN(storage::TicketFilter tf, StoreFilter(deps, filter));
  tf.limit = per_page;
  std::optional<storage::TicketCursor> after;
  if (!filter.after.empty()) {
    after = storage::TicketCursor::Decode(OrderOf(filter), filter.after);
    if (!after) return Bad("after");
  }
  return storage::TicketStore::Page(db, tf, OrderOf(filter), after);
}

StatusOr<int64_t> CountFiltered(storage::Database& db, const domain::Deps& deps,
                                const ConsoleFilter& filter, int64_t cap) {
  LINLI_ASSIGN_OR_RETURN(storage::TicketFilter tf, StoreFilter(deps, filter));
  return storage::TicketStore::CountUpTo(db, tf, cap);
}

StatusOr<std::vector<Ticket>> FilteredTickets(storage::Database& db, const domain::Deps& deps,
                                              const ConsoleFilter& filter) {
  constexpr int kBatch = 1000;
  ConsoleFilter from_start = filter;
  from_start.after.clear();
  std::vector<Ticket> out;
  for (;;) {
    LINLI_ASSIGN_OR_RETURN(storage::TicketPage page, FilteredPage(db, deps, from_start, kBatch));
    for (auto& t : page.tickets) out.push_back(std::move(t));
    if (!page.next) break;
    from_start.after = page.next->Encode(OrderOf(filter));
  }
  return out;
}

}  // namespace linli::web
