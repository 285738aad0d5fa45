#include "domain/reports/board_stats.h"

#include <algorithm>
#include <map>

#include "domain/common/time_zone.h"
#include "domain/reports/red_black.h"
#include "domain/wishes/public_wish.h"
#include "storage/points_store.h"
#include "storage/ticket_store.h"
#include "storage/wish_store.h"

namespace linli::domain::reports {

namespace {

// The month of `months` containing `at_ms`, or -1.
int MonthIndex(const std::vector<MonthSpan>& months, int64_t at_ms) {
  for (size_t i = 0; i < months.size(); ++i) {
    if (at_ms >= months[i].from_ms && at_ms < months[i].to_ms) return static_cast<int>(i);
  }
  return -1;
}

size_t StatusIndex(storage::TicketStatus s) {
  for (size_t i = 0; i < storage::kAllTicketStatuses.size(); ++i) {
    if (storage::kAllTicketStatuses[i] == s) return i;
  }
  return 0;
}

std::string TwoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

StatusOr<std::vector<MonthSpan>> LastMonths(const std::string& timezone, int64_t now_ms,
                                            int count) {
  if (count < 1) return Status::InvalidArgument("count must be positive");
  LINLI_ASSIGN_OR_RETURN(auto zone, LoadTimeZone(timezone));
  const CivilTime now = zone->ToLocal(now_ms / 1000);
  int year = now.year;
  int month = now.month;
  // Back to the first month of the window.
  for (int i = 1; i < count; ++i) {
    if (--month == 0) {
      month = 12;
      --year;
    }
  }
  std::vector<MonthSpan> out;
  for (int i = 0; i < count; ++i) {
    CivilTime start{};
    start.year = year;
    start.month = month;
    start.day = 1;
    int ny = year, nm = month + 1;
    if (nm == 13) {
      nm = 1;
      ++ny;
    }
    CivilTime end{};
    end.year = ny;
    end.month = nm;
    end.day = 1;
    out.push_back({std::to_string(year) + "-" + TwoDigits(month), zone->FromLocal(start) * 1000,
                   zone->FromLocal(end) * 1000});
    year = ny;
    month = nm;
  }
  return out;
}

BoardStats ComputeBoardStats(const std::vector<MonthSpan>& months, const BoardStatsFacts& facts) {
  BoardStats out;
  for (const auto& m : months) out.months.push_back(MonthFigures{m.label});
  std::map<std::string, std::vector<double>> tier_hours, category_hours;
  std::map<std::string, int> category_seen;
  for (const auto& t : facts.tickets) {
    const int i = MonthIndex(months, t.created_at_ms);
    if (i < 0) continue;
    MonthFigures& m = out.months[static_cast<size_t>(i)];
    ++m.by_status[StatusIndex(t.status)];
    ++m.tickets;
    category_seen[t.category];
    if (t.first_resolved_at_ms > 0) {
      const double h = HoursBetween(t.created_at_ms, t.first_resolved_at_ms);
      tier_hours[storage::NameOf(t.tier)].push_back(h);
      category_hours[t.category].push_back(h);
    }
  }
  for (const auto& r : facts.ratings) {
    const int i = MonthIndex(months, r.at_ms);
    if (i < 0) continue;
    MonthFigures& m = out.months[static_cast<size_t>(i)];
    ++m.ratings;
    if (GoodRating(r.rating)) ++m.good_ratings;
  }
  for (const int64_t at : facts.wishes_fulfilled_at_ms) {
    const int i = MonthIndex(months, at);
    if (i >= 0) ++out.months[static_cast<size_t>(i)].wishes_fulfilled;
  }
  for (const auto& h : facts.hours) {
    const int i = MonthIndex(months, h.at_ms);
    if (i >= 0) out.months[static_cast<size_t>(i)].hours_centi += h.hours_centi;
  }
  for (auto& m : out.months) {
    if (m.ratings > 0) m.satisfaction_rate = static_cast<double>(m.good_ratings) / m.ratings;
  }
  for (storage::Tier tier : storage::kAllTiers) {
    const auto& hours = tier_hours[storage::NameOf(tier)];
    out.by_tier.push_back({storage::NameOf(tier), static_cast<int>(hours.size()), Median(hours)});
  }
  for (const auto& [category, unused] : category_seen) {
    const auto& hours = category_hours[category];
    out.by_category.push_back({category, static_cast<int>(hours.size()), Median(hours)});
  }
  return out;
}

StatusOr<BoardStatsFacts> GatherBoardStats(storage::Database& db,
                                           const std::vector<MonthSpan>& months, int64_t now_ms) {
  BoardStatsFacts facts;
  if (months.empty()) return facts;
  const int64_t from = months.front().from_ms;
  const int64_t to = months.back().to_ms;
  LINLI_ASSIGN_OR_RETURN(auto created, storage::TicketStore::ListCreatedBetween(db, from, to));
  LINLI_ASSIGN_OR_RETURN(auto events,
                         storage::TicketStore::EventsBetween(db, from, std::max(to, now_ms + 1)));
  const std::map<int64_t, int64_t> first = FirstResolutions(events);
  for (const auto& t : created) {
    if (t.merged_into != 0) continue;
    StatsTicketFact f;
    f.created_at_ms = t.created_at_ms;
    f.status = t.status;
    f.tier = t.tier;
    f.category = t.category;
    if (auto it = first.find(t.id); it != first.end()) f.first_resolved_at_ms = it->second;
    facts.tickets.push_back(std::move(f));
  }
  for (const auto& e : events) {
    if (!e.rating.empty() && e.at_ms < to) facts.ratings.push_back({e.at_ms, e.rating});
  }
  storage::WishFilter wf;
  for (storage::WishStatus s : storage::kAllWishStatuses) {
    if (WishFulfilled(s)) wf.statuses.push_back(s);
  }
  wf.limit = 100000;
  LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(db, wf));
  for (const auto& w : wishes) {
    if (w.done_at_ms >= from && w.done_at_ms < to) facts.wishes_fulfilled_at_ms.push_back(w.done_at_ms);
  }
  LINLI_ASSIGN_OR_RETURN(auto entries, storage::PointsStore::Between(db, from, to));
  for (const auto& e : entries) {
    if (e.hours_centi != 0 && (e.reason == "wish" || e.reason == "hours" || e.reason == "reversal")) {
      facts.hours.push_back({e.created_at_ms, e.hours_centi});
    }
  }
  return facts;
}

}  // namespace linli::domain::reports
