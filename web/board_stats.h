// The public board's statistics (issue 12 point 6): GET /board/stats - the figures of
// domain/reports/board_stats.h over the last kStatsMonths calendar months: tickets per month
// by status, satisfaction per month, median hours to solve by tier and by category, wishes
// fulfilled and volunteer hours per month. Each as an inline SVG chart (web/svg_chart.h) with
// a table of the same numbers beside it (the same text in both). Counts and rates only.
#pragma once

#include <string>

#include "bot/status.h"
#include "domain/reports/board_stats.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

inline constexpr int kStatsMonths = 6;

// Pure: how each figure is written, in the charts and the tables alike.
std::string RateText(const std::optional<double>& rate);    // "75%", "-" for none
std::string HoursText(const std::optional<double>& hours);  // "12.5", "-" for none
std::string CentiHoursText(int64_t hours_centi);            // 150 -> "1.5"

// Pure: the page's body.
std::string RenderStats(const BoardView& view, const domain::reports::BoardStats& stats);

StatusOr<HttpResponse> BoardStats(storage::Database& db, const domain::Deps& deps,
                                  const WebRequest& request);

}  // namespace linli::web
