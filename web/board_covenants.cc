#include "web/board_covenants.h"

namespace linli::web {

namespace {

// Line breaks of a stored text as <br>, everything escaped.
std::string Lines(std::string_view text) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t nl = text.find('\n', start);
    out += Escape(text.substr(start, nl == std::string_view::npos ? text.npos : nl - start));
    if (nl == std::string_view::npos) break;
    out += "<br>";
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::string RenderCovenants(const BoardView& view,
                            const std::vector<domain::decisions::PublicDecision>& covenants) {
  std::string out;
  if (covenants.empty()) return "<p>" + view.H("web.board.covenants.none") + "</p>";
  for (const auto& d : covenants) {
    out += "<article class=\"card\"><h2>#" + std::to_string(d.id) + " " + Escape(d.title) +
           "</h2><p>";
    const char* state = d.status == "open"  ? "web.board.covenants.open"
                        : !d.has_result     ? "web.board.covenants.closed"
                        : d.adopted         ? "web.board.covenants.adopted"
                                            : "web.board.covenants.rejected";
    out += "<span class=\"tag\">" + view.H(state) + "</span> ";
    out += "<span class=\"tag\">" + view.H("decision.matter." + d.matter) + "</span></p>";
    out += "<p class=\"meta\">";
    if (d.status == "open" && d.closes_at_ms > 0) {
      out += view.H("web.board.covenants.closes", {{"date", view.Date(d.closes_at_ms)}});
    } else if (d.closed_at_ms > 0) {
      out += view.H("web.board.covenants.closed_at", {{"date", view.Date(d.closed_at_ms)}});
    }
    out += "</p>";
    if (!d.body.empty()) out += "<p>" + Lines(Clip(d.body, kCovenantBodyBytes)) + "</p>";
    if (!d.result_text.empty()) out += "<p class=\"result\">" + Lines(d.result_text) + "</p>";
    out += "</article>";
  }
  return out;
}

StatusOr<HttpResponse> BoardCovenants(storage::Database& db, const domain::Deps& deps,
                                      const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  LINLI_ASSIGN_OR_RETURN(auto covenants, domain::decisions::ListPublicDecisions(
                                             db, deps, "covenant", view.locale, kBoardCovenants));
  return BoardResponse(view, 200, BoardSection::kCovenants, view.T("web.board.covenants.title"),
                       RenderCovenants(view, covenants));
}

}  // namespace linli::web
