// What the pages of the resident's own page (/me, issue 12 point 3) share: their language and
// texts ("web.me.*" in the locale files), the message pages that refuse or explain, and the
// short-lived sign-in state cookie that binds a sign-in's return to the browser that started
// it (WeChat's `state`, the Telegram launch page's hidden field) so nobody can sign a resident
// in to someone else's page. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/http.h"
#include "config/texts.h"
#include "domain/deps.h"

namespace linli::web {

inline constexpr char kMeStateCookie[] = "linli_me_state";
inline constexpr int kMeStateMaxAgeS = 600;  // a sign-in must come back within 10 minutes

// The locale the request's page is shown in (web/page_locale.h).
std::string MeLocale(const domain::Deps& deps, const HttpRequest& request);
// Text "web.me.<key>" in `locale`.
std::string MeText(const domain::Deps& deps, const std::string& locale, std::string_view key,
                   const config::TextArgs& args = {});

// A page with one paragraph, text "web.me.<key>" (or `text` when given, already plain text),
// and a link back to /me, answered with `status` (4xx for refusals).
HttpResponse MeMessagePage(const domain::Deps& deps, const HttpRequest& request, int status,
                           std::string_view key, const std::string& text = "");

// The Set-Cookie value that stores `state` for kMeStateMaxAgeS seconds on paths under /me
// (HttpOnly; SameSite=Lax, because WeChat's return is a cross-site top-level GET; Secure when
// config web.secure_cookies), and the one that clears it.
std::string MeStateCookie(const domain::Deps& deps, const std::string& state);
std::string MeStateCookieCleared(const domain::Deps& deps);
// Whether `presented` (from the URL or a form) is the state stored in the request's cookie:
// both non-empty and equal (constant time).
bool MeStateMatches(const HttpRequest& request, std::string_view presented);

}  // namespace linli::web
