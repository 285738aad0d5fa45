#include "web/board_stats.h"

#include <cstdio>

#include "domain/tickets/public_ticket.h"
#include "web/svg_chart.h"

namespace linli::web {

namespace {

namespace dr = domain::reports;

// One colour per ticket status, in storage::kAllTicketStatuses order.
constexpr const char* kStatusColors[] = {"#e53935", "#fb8c00", "#fdd835", "#43a047",
                                         "#1e88e5", "#8e24aa", "#6d4c41", "#00897b"};

std::string Th(const std::string& text) { return "<th scope=\"col\">" + text + "</th>"; }

std::string Table(const std::string& caption, const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<div style=\"overflow-x:auto\"><table><caption>" + caption +
                    "</caption><thead><tr>";
  for (const auto& h : head) out += Th(h);
  out += "</tr></thead><tbody>";
  for (const auto& r : rows) {
    out += "<tr>";
    for (size_t i = 0; i < r.size(); ++i) {
      out += i == 0 ? "<th scope=\"row\">" + r[i] + "</th>" : "<td>" + r[i] + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string SolveSection(const BoardView& view, const std::string& heading,
                         const std::vector<dr::SolveFigures>& rows, bool tiers) {
  std::vector<std::string> labels;
  ChartSeries s{"", "#b71c1c", {}, {}};
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    const std::string label = tiers ? view.T("push.tier." + r.key)
                                    : domain::CategoryLabel(view.deps, view.locale, r.key);
    labels.push_back(label);
    s.values.push_back(r.median_hours ? *r.median_hours : -1);
    s.texts.push_back(HoursText(r.median_hours));
    table.push_back({Escape(label), std::to_string(r.solved), Escape(HoursText(r.median_hours))});
  }
  std::string out = "<h3>" + Escape(heading) + "</h3>";
  out += BarChart(view.T("web.board.stats.solve") + " · " + heading, labels, s);
  out += Table(Escape(heading), {Escape(heading), view.H("web.board.stats.solved"),
                                 view.H("web.board.stats.median")},
               table);
  return out;
}

}  // namespace

std::string RateText(const std::optional<double>& rate) {
  if (!rate) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", *rate * 100);
  return buf;
}

std::string HoursText(const std::optional<double>& hours) {
  if (!hours) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *hours);
  return buf;
}

std::string CentiHoursText(int64_t hours_centi) {
  return HoursText(static_cast<double>(hours_centi) / 100);
}

std::string RenderStats(const BoardView& view, const dr::BoardStats& stats) {
  std::vector<std::string> months;
  for (const auto& m : stats.months) months.push_back(m.month);
  std::string out = "<p class=\"meta\">" +
                    view.H("web.board.stats.months", {{"n", std::to_string(months.size())}}) + "</p>";

  // Tickets per month by status: only the statuses that occur get a series and a column.
  {
    std::vector<ChartSeries> series;
    std::vector<size_t> shown;
    for (size_t k = 0; k < storage::kAllTicketStatuses.size(); ++k) {
      bool any = false;
      for (const auto& m : stats.months) any = any || m.by_status[k] > 0;
      if (!any) continue;
      shown.push_back(k);
      ChartSeries s{view.T("ticket.status." + storage::NameOf(storage::kAllTicketStatuses[k])),
                    kStatusColors[k], {}, {}};
      for (const auto& m : stats.months) {
        s.values.push_back(m.by_status[k]);
        s.texts.push_back(std::to_string(m.by_status[k]));
      }
      series.push_back(std::move(s));
    }
    std::vector<std::string> totals;
    std::vector<std::string> head = {view.H("web.board.stats.month")};
    for (const auto& s : series) head.push_back(Escape(s.name));
    head.push_back(view.H("web.board.stats.total"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : stats.months) {
      totals.push_back(std::to_string(m.tickets));
      std::vector<std::string> r = {Escape(m.month)};
      for (size_t k : shown) r.push_back(std::to_string(m.by_status[k]));
      r.push_back(std::to_string(m.tickets));
      rows.push_back(std::move(r));
    }
    out += "<h2>" + view.H("web.board.stats.tickets") + "</h2>";
    out += ColumnChart(view.T("web.board.stats.tickets"), months, series, totals);
    out += Table(view.H("web.board.stats.tickets"), head, rows);
  }

  // Satisfaction per month (a 0-100% scale).
  {
    ChartSeries s{"", "#43a047", {}, {}};
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : stats.months) {
      s.values.push_back(m.satisfaction_rate ? *m.satisfaction_rate * 100 : -1);
      s.texts.push_back(RateText(m.satisfaction_rate));
      rows.push_back({Escape(m.month), std::to_string(m.ratings), RateText(m.satisfaction_rate)});
    }
    out += "<h2>" + view.H("web.board.stats.satisfaction") + "</h2><p class=\"meta\">" +
           view.H("web.board.stats.satisfaction_note") + "</p>";
    out += ColumnChart(view.T("web.board.stats.satisfaction"), months, {s}, {}, 100);
    out += Table(view.H("web.board.stats.satisfaction"),
                 {view.H("web.board.stats.month"), view.H("web.board.stats.ratings"),
                  view.H("web.board.stats.rate")},
                 rows);
  }

  out += "<h2>" + view.H("web.board.stats.solve") + "</h2>";
  out += SolveSection(view, view.T("web.board.stats.by_tier"), stats.by_tier, true);
  out += SolveSection(view, view.T("web.board.stats.by_category"), stats.by_category, false);

  // Wishes fulfilled and volunteer hours per month.
  {
    ChartSeries wishes{"", "#8e24aa", {}, {}}, hours{"", "#1e88e5", {}, {}};
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : stats.months) {
      wishes.values.push_back(m.wishes_fulfilled);
      wishes.texts.push_back(std::to_string(m.wishes_fulfilled));
      hours.values.push_back(static_cast<double>(m.hours_centi) / 100);
      hours.texts.push_back(CentiHoursText(m.hours_centi));
      rows.push_back({Escape(m.month), std::to_string(m.wishes_fulfilled), CentiHoursText(m.hours_centi)});
    }
    out += "<h2>" + view.H("web.board.stats.wishes") + "</h2>";
    out += ColumnChart(view.T("web.board.stats.wishes"), months, {wishes});
    out += "<h2>" + view.H("web.board.stats.hours") + "</h2>";
    out += ColumnChart(view.T("web.board.stats.hours"), months, {hours});
    out += Table(view.H("web.board.stats.wishes") + " · " + view.H("web.board.stats.hours"),
                 {view.H("web.board.stats.month"), view.H("web.board.stats.count"),
                  view.H("web.board.stats.hours_col")},
                 rows);
  }
  return out;
}

StatusOr<HttpResponse> BoardStats(storage::Database& db, const domain::Deps& deps,
                                  const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  const int64_t now = deps.clock.NowMillis();
  LINLI_ASSIGN_OR_RETURN(auto months, dr::LastMonths(deps.config.timezone, now, kStatsMonths));
  LINLI_ASSIGN_OR_RETURN(auto facts, dr::GatherBoardStats(db, months, now));
  return BoardResponse(view, 200, BoardSection::kStats, view.T("web.board.stats.title"),
                       RenderStats(view, dr::ComputeBoardStats(months, facts)));
}

}  // namespace linli::web
