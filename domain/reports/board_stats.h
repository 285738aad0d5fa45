// The figures of the web board's statistics page (/board/stats, issue 12 point 6): per
// calendar month (config.timezone) of the last few months, and over the whole window:
//   tickets by status    tickets created in the month (duplicates merged into another left
//                        out, as in the red/black list), by their current status;
//   satisfaction         ratings given in the month: (满意 + 基本满意) / all - GoodRating of
//                        domain/reports/red_black.h, the red/black list's satisfaction rate;
//   median hours         creation to first resolution (FirstResolutions, HoursBetween and
//                        Median of red_black.h, the list's "median hours") of the window's
//                        solved tickets, by their current tier and by category;
//   wishes fulfilled     wishes done or confirmed (domain/wishes/public_wish.h
//                        WishFulfilled), by the month they were done;
//   volunteer hours      hours of service in the points ledger ("wish" and "hours" entries and
//                        their reversals, hours_centi - what the volunteers' service record
//                        counts), by the month of the entry.
// Nothing in them names a person: counts, rates and hours only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_state.h"

namespace linli::domain::reports {

// A calendar month as [from_ms, to_ms) with its label "YYYY-MM".
struct MonthSpan {
  std::string label;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};

struct StatsTicketFact {
  int64_t created_at_ms = 0;
  storage::TicketStatus status = storage::TicketStatus::kNew;
  storage::Tier tier = storage::Tier::kCompound;
  std::string category;
  int64_t first_resolved_at_ms = 0;  // 0 = never resolved
};

struct StatsRatingFact {
  int64_t at_ms = 0;
  std::string rating;  // satisfied | basic | unsatisfied
};

struct StatsHoursFact {
  int64_t at_ms = 0;
  int64_t hours_centi = 0;  // signed (a reversal is negative)
};

struct BoardStatsFacts {
  std::vector<StatsTicketFact> tickets;  // merged duplicates already left out
  std::vector<StatsRatingFact> ratings;
  std::vector<int64_t> wishes_fulfilled_at_ms;
  std::vector<StatsHoursFact> hours;
};

struct MonthFigures {
  std::string month;  // "YYYY-MM"
  // Tickets created in the month by current status, indexed as storage::kAllTicketStatuses.
  std::array<int, storage::kAllTicketStatuses.size()> by_status{};
  int tickets = 0;
  int ratings = 0;
  int good_ratings = 0;
  std::optional<double> satisfaction_rate;  // good_ratings / ratings; none without ratings
  int wishes_fulfilled = 0;
  int64_t hours_centi = 0;
};

struct SolveFigures {
  std::string key;  // a tier's or category's stored name
  int solved = 0;
  std::optional<double> median_hours;
};

struct BoardStats {
  std::vector<MonthFigures> months;       // oldest first
  std::vector<SolveFigures> by_tier;      // every tier, in escalation order
  std::vector<SolveFigures> by_category;  // categories with a ticket in the window, by name
};

// The `count` calendar months ending with the one containing `now_ms`, oldest first, in
// `timezone`. kInvalidArgument for an unknown zone or count < 1.
StatusOr<std::vector<MonthSpan>> LastMonths(const std::string& timezone, int64_t now_ms,
                                            int count);

// Pure: the figures of `facts` over `months` (facts outside every month are ignored; the
// median hours count the tickets created within the months).
BoardStats ComputeBoardStats(const std::vector<MonthSpan>& months, const BoardStatsFacts& facts);

// The facts of `months` from the stores (tickets created in them and their events up to
// now_ms, wishes done in them, the ledger's hours in them). Database errors.
StatusOr<BoardStatsFacts> GatherBoardStats(storage::Database& db,
                                           const std::vector<MonthSpan>& months, int64_t now_ms);

}  // namespace linli::domain::reports
