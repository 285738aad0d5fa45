#include "web/board_nav.h"

#include <utility>

#include "domain/common/time_format.h"
#include "web/page_locale.h"

namespace linli::web {

namespace {

struct Section {
  BoardSection section;
  std::string_view path;
  std::string_view key;
};

constexpr Section kSections[] = {
    {BoardSection::kTickets, "/board", "web.board.nav.tickets"},
    {BoardSection::kCovenants, "/board/covenants", "web.board.nav.covenants"},
    {BoardSection::kWishes, "/board/wishes", "web.board.nav.wishes"},
    {BoardSection::kVolunteers, "/board/volunteers", "web.board.nav.volunteers"},
    {BoardSection::kRedBlack, "/board/red-black", "web.board.nav.red_black"},
    {BoardSection::kStats, "/board/stats", "web.board.nav.stats"},
};

}  // namespace

std::string_view BoardPath(BoardSection section) {
  for (const Section& s : kSections) {
    if (s.section == section) return s.path;
  }
  return "/board";
}

std::string BoardView::T(std::string_view key, const config::TextArgs& args) const {
  return deps.texts.Get(locale, key, args);
}

std::string BoardView::H(std::string_view key, const config::TextArgs& args) const {
  return Escape(T(key, args));
}

std::string BoardView::Href(std::string_view path) const { return Escape(WithLang(path, http)); }

std::string BoardView::Date(int64_t ms) const {
  if (ms <= 0) return "";
  return domain::FormatLocalTime(ms, deps.config.timezone).substr(0, 10);
}

BoardView MakeBoardView(const domain::Deps& deps, const HttpRequest& request) {
  return BoardView{deps, PageLocale(deps.texts, deps.config.locale, request), request};
}

std::vector<NavLink> BoardNav(const BoardView& view, BoardSection current) {
  std::vector<NavLink> out;
  for (const Section& s : kSections) {
    // RenderPage escapes the href itself.
    out.push_back({WithLang(s.path, view.http), view.T(s.key), s.section == current});
  }
  return out;
}

std::string RenderBoardPage(const BoardView& view, BoardSection current, std::string_view title,
                            std::string body_html) {
  Page page;
  page.lang = view.locale;
  page.title = std::string(title);
  page.nav = BoardNav(view, current);
  page.body_html = std::move(body_html);
  // The other language: the same path and query with ?lang set to it.
  const std::string other = view.locale == "en" ? "zh-CN" : "en";
  std::string target = view.http.path + "?";
  for (const auto& [k, v] : view.http.query) {
    if (k == "lang") continue;
    target += PercentEncode(k) + "=" + PercentEncode(v) + "&";
  }
  target += "lang=" + other;
  page.body_html += "<footer class=\"meta\"><p>" +
                    view.H("web.board.footer", {{"compound", view.deps.config.compound.name}}) +
                    " <a href=\"" + Escape(target) + "\" hreflang=\"" + other + "\">" +
                    view.H("web.board.other_language") +
                    "</a></p></footer>";
  return RenderPage(page);
}

HttpResponse BoardResponse(const BoardView& view, int status, BoardSection current,
                           std::string_view title, std::string body_html) {
  return HtmlResponse(status, RenderBoardPage(view, current, title, std::move(body_html)));
}

HttpResponse BoardBadParameter(const BoardView& view, std::string_view name) {
  return BoardResponse(view, 400, BoardSection::kNone, "400",
                       "<p class=\"error\">" +
                           view.H("web.board.bad_param", {{"name", std::string(name)}}) +
                           "</p><p><a href=\"" + view.Href("/board") + "\">" +
                           view.H("web.board.back") + "</a></p>");
}

HttpResponse BoardNotFound(const BoardView& view) {
  return BoardResponse(view, 404, BoardSection::kNone, "404",
                       "<p class=\"error\">" + view.H("web.board.not_found") +
                           "</p><p><a href=\"" + view.Href("/board") + "\">" +
                           view.H("web.board.back") + "</a></p>");
}

std::string Clip(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Back to the start of a character (continuation bytes are 10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace linli::web
