#include "web/board_tickets.h"

#include <algorithm>
#include <optional>

#include "bot/number.h"
#include "domain/tickets/public_ticket.h"
#include "web/page_locale.h"

namespace linli::web {

namespace {

using domain::PublicTicket;

std::string StatusLabel(const BoardView& view, storage::TicketStatus s) {
  return view.T("ticket.status." + storage::NameOf(s));
}

std::string Notes(const BoardView& view, const PublicTicket& t, bool whole) {
  if (t.public_notes.empty()) return "";
  size_t first = 0;
  if (!whole && t.public_notes.size() > static_cast<size_t>(kCardNotes)) {
    first = t.public_notes.size() - kCardNotes;
  }
  std::string out;
  if (whole) out += "<h2>" + view.H("web.board.history") + "</h2>";
  out += "<ul class=\"notes\">";
  if (first > 0) {
    out += "<li class=\"meta\"><a href=\"" +
           view.Href("/board/tickets/" + std::to_string(t.number)) + "\">" +
           view.H("web.board.more_notes", {{"n", std::to_string(first)}}) + "</a></li>";
  }
  for (size_t i = first; i < t.public_notes.size(); ++i) {
    const auto& n = t.public_notes[i];
    out += "<li><span class=\"meta\">" + Escape(view.Date(n.at_ms)) + "</span> ";
    if (!n.status.empty()) {
      out += "<span class=\"tag\">" + Escape(view.T("ticket.status." + n.status)) + "</span> ";
    }
    out += Escape(whole ? n.note : Clip(n.note, kCardTextBytes)) + "</li>";
  }
  return out + "</ul>";
}

std::string Select(const BoardView& view, const std::string& name, const std::string& label_key,
                   const std::vector<std::pair<std::string, std::string>>& options,
                   const std::string& chosen) {
  std::string out = "<label>" + view.H(label_key) + " <select name=\"" + name + "\">";
  out += "<option value=\"\">" + view.H("web.board.filter.any") + "</option>";
  for (const auto& [value, label] : options) {
    out += "<option value=\"" + Escape(value) + "\"";
    if (value == chosen) out += " selected";
    out += ">" + Escape(label) + "</option>";
  }
  return out + "</select></label> ";
}

// The board's query for `filter` and `page` (lang kept when the request chose it).
std::string ListHref(const BoardView& view, const domain::PublicTicketFilter& f, int page) {
  std::string q;
  auto add = [&q](const std::string& k, const std::string& v) {
    if (v.empty()) return;
    q += (q.empty() ? "?" : "&") + k + "=" + PercentEncode(v);
  };
  add("status", f.status ? storage::NameOf(*f.status) : "");
  add("category", f.category);
  add("building", f.building);
  if (page > 1) add("page", std::to_string(page));
  return view.Href("/board" + q);
}

}  // namespace

std::string RenderTicketCard(const BoardView& view, const PublicTicket& t, bool whole) {
  const std::string number = "#" + std::to_string(t.number);
  std::string out = "<article class=\"card\"><h2>";
  if (whole) {
    out += Escape(number);
  } else {
    out += "<a href=\"" + view.Href("/board/tickets/" + std::to_string(t.number)) + "\">" +
           Escape(number) + "</a>";
  }
  out += " " + Escape(domain::CategoryLabel(view.deps, view.locale, t.category)) + " · " +
         view.H("web.board.building", {{"building", t.building}}) + "</h2><p>";
  out += "<span class=\"tag\">" + Escape(StatusLabel(view, t.status)) + "</span> ";
  out += "<span class=\"tag\">" + view.H("push.tier." + storage::NameOf(t.tier)) + "</span></p>";
  out += "<p class=\"meta\">" + view.H("web.board.created", {{"date", view.Date(t.created_at_ms)}});
  if (t.updated_at_ms > t.created_at_ms) {
    out += " · " + view.H("web.board.updated", {{"date", view.Date(t.updated_at_ms)}});
  }
  if (t.resolved_at_ms > 0) {
    out += " · " + view.H("web.board.resolved", {{"date", view.Date(t.resolved_at_ms)}});
  }
  out += "</p>";
  if (!t.public_summary.empty()) {
    out += "<p>" + Escape(whole ? t.public_summary : Clip(t.public_summary, kCardSummaryBytes)) + "</p>";
  }
  if (t.deferral) {
    out += "<div class=\"deferral\">";
    if (!t.deferral->reason.empty()) {
      out += "<p>" + view.H("web.board.deferred_reason",
                            {{"reason", whole ? t.deferral->reason
                                              : Clip(t.deferral->reason, kCardTextBytes)}}) +
             "</p>";
    }
    if (!t.deferral->plan.empty()) {
      out += "<p>" + view.H("web.board.deferred_plan",
                            {{"plan", whole ? t.deferral->plan
                                            : Clip(t.deferral->plan, kCardTextBytes)}}) +
             "</p>";
    }
    if (!t.deferral->until.empty()) {
      out += "<p>" + view.H("web.board.deferred_until", {{"date", t.deferral->until}}) + "</p>";
    }
    out += "</div>";
  }
  if (!t.rating.empty()) {
    out += "<p>" + view.H("web.board.rating", {{"rating", view.T("rating." + t.rating)},
                                               {"date", view.Date(t.rated_at_ms)}}) +
           "</p>";
  }
  if (t.merged_into > 0) {
    out += "<p class=\"meta\"><a href=\"" +
           view.Href("/board/tickets/" + std::to_string(t.merged_into)) + "\">" +
           view.H("web.board.merged", {{"number", std::to_string(t.merged_into)}}) + "</a></p>";
  }
  out += Notes(view, t, whole);
  return out + "</article>";
}

std::string RenderTicketList(const BoardView& view, const domain::PublicTicketPage& tickets,
                             const domain::PublicTicketFilter& filter, int page, int per_page) {
  const config::Config& c = view.deps.config;
  std::vector<std::pair<std::string, std::string>> statuses, categories, buildings;
  for (auto s : storage::kAllTicketStatuses) statuses.emplace_back(storage::NameOf(s), StatusLabel(view, s));
  for (const auto& id : c.categories) {
    categories.emplace_back(id, domain::CategoryLabel(view.deps, view.locale, id));
  }
  for (const auto& b : c.compound.buildings) {
    buildings.emplace_back(b.id, view.T("web.board.building", {{"building", b.id}}));
  }
  std::string out = "<form method=\"get\" action=\"/board\" class=\"filters\">";
  out += Select(view, "status", "web.board.filter.status", statuses,
                filter.status ? storage::NameOf(*filter.status) : "");
  out += Select(view, "category", "web.board.filter.category", categories, filter.category);
  out += Select(view, "building", "web.board.filter.building", buildings, filter.building);
  if (!view.http.Query("lang").empty()) {
    out += "<input type=\"hidden\" name=\"lang\" value=\"" + Escape(view.locale) + "\">";
  }
  out += "<button type=\"submit\">" + view.H("web.board.filter.apply") + "</button></form>";
  out += "<p class=\"meta\">" + view.H("web.board.count", {{"total", std::to_string(tickets.total)}}) + "</p>";
  if (tickets.tickets.empty()) out += "<p>" + view.H("web.board.none") + "</p>";
  for (const auto& t : tickets.tickets) out += RenderTicketCard(view, t, false);
  const int64_t pages = std::max<int64_t>(1, (tickets.total + per_page - 1) / per_page);
  if (pages > 1 || page > 1) {
    out += "<nav class=\"paging\" aria-label=\"pages\">";
    if (page > 1) {
      out += "<a rel=\"prev\" href=\"" + ListHref(view, filter, page - 1) + "\">" +
             view.H("web.board.prev") + "</a> ";
    }
    out += "<span>" + view.H("web.board.page", {{"page", std::to_string(page)},
                                                {"pages", std::to_string(pages)}}) + "</span>";
    if (page < pages) {
      out += " <a rel=\"next\" href=\"" + ListHref(view, filter, page + 1) + "\">" +
             view.H("web.board.next") + "</a>";
    }
    out += "</nav>";
  }
  return out;
}

StatusOr<HttpResponse> BoardHome(storage::Database&, const domain::Deps&,
                                 const WebRequest& request) {
  return Redirect(WithLang("/board", request.http));
}

StatusOr<HttpResponse> BoardTickets(storage::Database& db, const domain::Deps& deps,
                                    const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  auto filter = domain::ParsePublicTicketFilter(deps.config, request.http.Query("status"),
                                                request.http.Query("category"),
                                                request.http.Query("building"));
  if (!filter.ok()) return BoardBadParameter(view, filter.status().message());
  int page = 1;
  if (const std::string& p = request.http.Query("page"); !p.empty()) {
    auto n = ParsePositive(p, 6);
    if (!n) return BoardBadParameter(view, "page");
    page = static_cast<int>(*n);
  }
  LINLI_ASSIGN_OR_RETURN(auto tickets, domain::ListPublicTickets(db, deps, *filter, page,
                                                                 kBoardTicketsPerPage));
  return BoardResponse(view, 200, BoardSection::kTickets, view.T("web.board.title"),
                       RenderTicketList(view, tickets, *filter, page, kBoardTicketsPerPage));
}

StatusOr<HttpResponse> BoardTicket(storage::Database& db, const domain::Deps& deps,
                                   const WebRequest& request) {
  const BoardView view = MakeBoardView(deps, request.http);
  auto it = request.params.find("n");
  auto n = it == request.params.end() ? std::nullopt : ParsePositive(it->second, 15);
  if (!n) return BoardNotFound(view);
  LINLI_ASSIGN_OR_RETURN(auto ticket, domain::LoadPublicTicket(db, deps, *n));
  if (!ticket) return BoardNotFound(view);
  std::string body = RenderTicketCard(view, *ticket, true);
  body += "<p><a href=\"" + view.Href("/board") + "\">" + view.H("web.board.back") + "</a></p>";
  return BoardResponse(view, 200, BoardSection::kTickets,
                       view.T("web.board.ticket_title", {{"number", std::to_string(*n)}}),
                       std::move(body));
}

}  // namespace linli::web
