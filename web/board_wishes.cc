#include "web/board_wishes.h"

namespace linli::web {

namespace {

std::string Card(const BoardView& view, const domain::PublicWish& w) {
  std::string out = "<article class=\"card\"><h2>#" + std::to_string(w.number) + " " +
                    view.H("wish.category." + w.category);
  if (!w.building.empty()) out += " · " + view.H("web.board.building", {{"building", w.building}});
  out += "</h2><p>" + Escape(Clip(w.text, 900)) + "</p><p class=\"meta\">";
  out += view.H("web.board.wishes.posted", {{"date", view.Date(w.created_at_ms)}});
  if (domain::WishFulfilled(w.status)) {
    if (w.done_at_ms > 0) out += " · " + view.H("web.board.wishes.done", {{"date", view.Date(w.done_at_ms)}});
  } else {
    if (!w.deadline.empty()) out += " · " + view.H("web.board.wishes.deadline", {{"date", w.deadline}});
    out += " · " + view.H("web.board.wishes.helpers", {{"n", std::to_string(w.helpers_needed)}});
  }
  return out + "</p></article>";
}

}  // namespace

std::string RenderWishes(const BoardView& view, const std::vector<domain::PublicWish>& wishes) {
  if (wishes.empty()) return "<p>" + view.H("web.board.wishes.none") + "</p>";
  std::string open, done;
  for (const auto& w : wishes) (domain::WishFulfilled(w.status) ? done : open) += Card(view, w);
  std::string out;
  if (!open.empty()) {
    out += "<h2>" + view.H("web.board.wishes.open") + "</h2><p class=\"meta\">" +
           view.H("web.board.wishes.how") + "</p>" + open;
  }
  if (!done.empty()) out += "<h2>" + view.H("web.board.wishes.fulfilled") + "</h2>" + done;
  return out;
}

StatusOr<HttpResponse> BoardWishes(storage::Database& db, const domain::Deps& deps,
                                   const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  LINLI_ASSIGN_OR_RETURN(auto wishes, domain::ListPublicWishes(db, deps, kBoardWishes));
  return BoardResponse(view, 200, BoardSection::kWishes, view.T("web.board.wishes.title"),
                       RenderWishes(view, wishes));
}

}  // namespace linli::web
