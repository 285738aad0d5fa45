#include "web/board_volunteers.h"

#include "domain/common/known_names.h"
#include "domain/common/masking.h"
#include "domain/common/time_format.h"

namespace linli::web {

std::string RenderVolunteers(const BoardView& view, const std::string& month,
                             const std::vector<domain::LeaderboardRow>& rows) {
  std::string out = "<h2>" + Escape(month) + "</h2>";
  if (rows.empty()) return out + "<p>" + view.H("web.board.volunteers.none") + "</p>";
  out += "<table><thead><tr><th scope=\"col\">" + view.H("web.board.volunteers.rank") +
         "</th><th scope=\"col\">" + view.H("web.board.volunteers.name") +
         "</th><th scope=\"col\">" + view.H("web.board.volunteers.points") + "</th></tr></thead><tbody>";
  for (const auto& r : rows) {
    out += "<tr><td>" + std::to_string(r.rank) + "</td><td>" + Escape(r.display_name) +
           "</td><td>" + std::to_string(r.points) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

StatusOr<HttpResponse> BoardVolunteers(storage::Database& db, const domain::Deps& deps,
                                       const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  const int64_t now = deps.clock.NowMillis();
  LINLI_ASSIGN_OR_RETURN(auto rows, domain::MonthlyLeaderboard(db, deps, now));
  LINLI_ASSIGN_OR_RETURN(const auto names_list, domain::KnownNames(db, deps.config));
  const domain::MaskNames& names = *names_list;
  for (auto& r : rows) r.display_name = domain::MaskFreeText(r.display_name, names).text;
  const std::string month = domain::FormatLocalTime(now, deps.config.timezone).substr(0, 7);
  return BoardResponse(view, 200, BoardSection::kVolunteers, view.T("web.board.volunteers.title"),
                       RenderVolunteers(view, month, rows));
}

}  // namespace linli::web
