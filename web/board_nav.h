// What every public board page shares (issue 12): the board's navigation (tickets,
// covenants, wishes, volunteers, red/black list, statistics), the page's language and texts,
// dates in the service's zone, the page frame with a language switch and the error pages.
// Pages of the board are rendered by pure functions of a BoardView; their handlers only load
// the public projections and call them. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/http.h"
#include "config/texts.h"
#include "domain/deps.h"
#include "web/html.h"

namespace linli::web {

enum class BoardSection { kTickets, kCovenants, kWishes, kVolunteers, kRedBlack, kStats, kNone };

// The path of a section ("/board", "/board/covenants", ...); "/board" for kNone.
std::string_view BoardPath(BoardSection section);

// What a board renderer needs: the texts and config, the locale the page is shown in and
// the request (for links that keep an explicit ?lang).
struct BoardView {
  const domain::Deps& deps;
  std::string locale;
  const HttpRequest& http;

  // The text of `key` in the page's locale.
  std::string T(std::string_view key, const config::TextArgs& args = {}) const;
  // T(key, args) escaped for HTML.
  std::string H(std::string_view key, const config::TextArgs& args = {}) const;
  // A link target on this server keeping an explicit ?lang (WithLang), escaped.
  std::string Href(std::string_view path) const;
  // "YYYY-MM-DD" of `ms` in config.timezone; "" for 0.
  std::string Date(int64_t ms) const;
};

// The view of `request`: its locale by PageLocale (?lang, Accept-Language, config.locale).
BoardView MakeBoardView(const domain::Deps& deps, const HttpRequest& request);

// The board's navigation links, `current` marked.
std::vector<NavLink> BoardNav(const BoardView& view, BoardSection current);

// The whole page: title, the navigation, `body_html` and a footer with the compound's name
// and a link to the same page in the other shipped language.
std::string RenderBoardPage(const BoardView& view, BoardSection current, std::string_view title,
                            std::string body_html);
// HtmlResponse(status, RenderBoardPage(...)).
HttpResponse BoardResponse(const BoardView& view, int status, BoardSection current,
                           std::string_view title, std::string body_html);

// A 400 page naming the parameter `name` whose value is not valid.
HttpResponse BoardBadParameter(const BoardView& view, std::string_view name);
// A 404 page (no such page or number).
HttpResponse BoardNotFound(const BoardView& view);

// Pure: `text` cut to at most `max_bytes` bytes at a UTF-8 character boundary, with "…"
// appended when it was cut.
std::string Clip(std::string_view text, size_t max_bytes);

}  // namespace linli::web
