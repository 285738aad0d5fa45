#include "web/board_red_black.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "domain/reports/red_black_service.h"
#include "storage/report_store.h"

namespace linli::web {

namespace {

namespace dr = domain::reports;

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Percent(const std::optional<double>& rate) {
  return rate ? Fixed(*rate * 100, 0) + "%" : "-";
}

std::string Names(const dr::RedBlackList& list, const std::string& which) {
  std::string out;
  for (const auto& c : list.companies) {
    if (c.list != which) continue;
    out += "<li>" + Escape(c.name) + " <span class=\"meta\">" + Fixed(c.score, 1) + "</span></li>";
  }
  return out.empty() ? "<li>-</li>" : out;
}

}  // namespace

std::string RenderRedBlack(const BoardView& view, const dr::RedBlackList* list,
                           int64_t confirmed_at_ms, const std::vector<std::string>& quarters) {
  if (list == nullptr) return "<p>" + view.H("web.board.red_black.none") + "</p>";
  std::string out = "<h2>" + view.H("web.board.red_black.quarter", {{"quarter", list->quarter}}) +
                    "</h2><p class=\"meta\">" +
                    view.H("web.board.red_black.confirmed", {{"date", view.Date(confirmed_at_ms)}}) +
                    "</p>";
  out += "<h3>" + view.H("web.board.red_black.red") + "</h3><ol>" + Names(*list, "red") + "</ol>";
  out += "<h3>" + view.H("web.board.red_black.black") + "</h3><ol>" + Names(*list, "black") + "</ol>";
  out += "<div style=\"overflow-x:auto\"><table><thead><tr>";
  for (const char* k : {"company", "score", "received", "solved", "on_time", "median",
                        "satisfaction", "appraisal"}) {
    out += "<th scope=\"col\">" + view.H(std::string("web.board.red_black.") + k) + "</th>";
  }
  out += "</tr></thead><tbody>";
  for (const auto& c : list->companies) {
    out += "<tr><th scope=\"row\">" + Escape(c.name) + "</th><td>";
    if (c.ranked) {
      out += Fixed(c.score, 1);
    } else {
      out += view.H("web.board.red_black.unranked",
                    {{"reason", view.T("web.board.red_black.reason_" +
                                       (c.unranked_reason.empty() ? std::string("tickets")
                                                                  : c.unranked_reason))}});
    }
    out += "</td><td>" + std::to_string(c.received) + "</td><td>" + std::to_string(c.solved) +
           "</td><td>" + Percent(c.on_time_rate) + "</td><td>" +
           (c.median_hours ? Fixed(*c.median_hours, 1) : "-") + "</td><td>" +
           Percent(c.satisfaction_rate) + "</td><td>" +
           (c.appraisal_mean ? Fixed(*c.appraisal_mean, 2) : "-") + "</td></tr>";
  }
  out += "</tbody></table></div>";
  if (quarters.size() > 1) {
    out += "<p class=\"meta\">";
    for (const auto& q : quarters) {
      out += "<a href=\"" + view.Href("/board/red-black?quarter=" + q) + "\">" + Escape(q) + "</a> ";
    }
    out += "</p>";
  }
  return out;
}

StatusOr<HttpResponse> BoardRedBlack(storage::Database& db, const domain::Deps& deps,
                                     const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  const std::string& quarter = request.http.Query("quarter");
  if (!quarter.empty() && !dr::QuarterRange(quarter, deps.config.timezone).ok()) {
    return BoardBadParameter(view, "quarter");
  }
  LINLI_ASSIGN_OR_RETURN(auto all, storage::ReportStore::ListConfirmed(db, dr::kRedBlackKind, 40));
  std::vector<std::string> quarters;
  for (const auto& r : all) quarters.push_back(r.period);
  const storage::ReportDraft* shown = nullptr;
  for (const auto& r : all) {
    if (quarter.empty() || r.period == quarter) {
      shown = &r;
      break;
    }
  }
  if (!quarter.empty() && shown == nullptr) return BoardNotFound(view);
  std::optional<dr::RedBlackList> list;
  if (shown != nullptr) {
    auto parsed = dr::RedBlackFromJson(nlohmann::json::parse(shown->body, nullptr, false));
    if (parsed.ok()) list = std::move(parsed).value();
  }
  return BoardResponse(view, 200, BoardSection::kRedBlack, view.T("web.board.red_black.title"),
                       RenderRedBlack(view, list ? &*list : nullptr,
                                      shown ? shown->confirmed_at_ms : 0, quarters));
}

}  // namespace linli::web
