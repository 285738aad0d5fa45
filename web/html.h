// The HTML every web page shares (issue 12): escaping, the page shell and the response with
// its security headers. Pages are server-rendered strings that work without JavaScript, with
// no external fonts, scripts or stylesheets (the shell inlines one small mobile-first style
// sheet), so a phone on a community's network shows them whole.
//
// Escaping is the page author's one duty: every value that did not come from a locale file
// or a literal goes through Escape (text and attribute values alike). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot/http.h"

namespace linli::web {

// `in` with & < > " ' replaced by their character references (safe in text and in quoted
// attribute values). Invalid UTF-8 is passed through byte for byte (browsers show U+FFFD).
std::string Escape(std::string_view in);

// A link in the page's top navigation.
struct NavLink {
  std::string href;   // a path on this server, e.g. "/board"
  std::string label;  // already localized text (escaped by RenderPage)
  bool current = false;
};

struct Page {
  std::string lang = "zh-CN";  // the html lang attribute (the locale shown)
  std::string title;           // plain text (escaped by RenderPage)
  std::vector<NavLink> nav;    // may be empty
  std::string body_html;       // the page's content, already HTML (escaped by its author)
};

// The whole document: doctype, <meta viewport> for phones, the inline style sheet, the
// navigation, `page.body_html` inside <main>.
std::string RenderPage(const Page& page);

// A text/html response with the headers every page carries: a Content-Security-Policy that
// allows nothing from elsewhere (no scripts at all, inline styles, images from this server and
// data: URIs, forms posting only here, no framing), X-Content-Type-Options: nosniff,
// Referrer-Policy: no-referrer (so one-time links never leak in a Referer), and
// Cache-Control: no-store.
HttpResponse HtmlResponse(int status, std::string html);

// A 303 See Other to `location` (a path on this server), with the same security headers.
HttpResponse Redirect(std::string location);

}  // namespace linli::web
