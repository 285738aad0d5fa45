#include "web/me_common.h"

#include "domain/common/web_token.h"
#include "web/html.h"
#include "web/page_locale.h"
#include "web/web_session.h"

namespace linli::web {

std::string MeLocale(const domain::Deps& deps, const HttpRequest& request) {
  return PageLocale(deps.texts, deps.config.locale, request);
}

std::string MeText(const domain::Deps& deps, const std::string& locale, std::string_view key,
                   const config::TextArgs& args) {
  return deps.texts.Get(locale, "web.me." + std::string(key), args);
}

HttpResponse MeMessagePage(const domain::Deps& deps, const HttpRequest& request, int status,
                           std::string_view key, const std::string& text) {
  const std::string locale = MeLocale(deps, request);
  Page page;
  page.lang = locale;
  page.title = MeText(deps, locale, "title");
  page.body_html = "<p class=\"error\">" +
                   Escape(text.empty() ? MeText(deps, locale, key) : text) + "</p><p><a href=\"" +
                   Escape(WithLang("/me", request)) + "\">" +
                   Escape(MeText(deps, locale, "back")) + "</a></p>";
  return HtmlResponse(status, RenderPage(page));
}

namespace {

std::string StateCookie(const domain::Deps& deps, const std::string& value, int max_age) {
  std::string c = std::string(kMeStateCookie) + "=" + value + "; Path=/me; Max-Age=" +
                  std::to_string(max_age) + "; HttpOnly; SameSite=Lax";
  if (deps.config.web.secure_cookies) c += "; Secure";
  return c;
}

}  // namespace

std::string MeStateCookie(const domain::Deps& deps, const std::string& state) {
  return StateCookie(deps, state, kMeStateMaxAgeS);
}

std::string MeStateCookieCleared(const domain::Deps& deps) { return StateCookie(deps, "", 0); }

bool MeStateMatches(const HttpRequest& request, std::string_view presented) {
  const auto cookies = ParseCookies(request.Header("Cookie"));
  auto it = cookies.find(kMeStateCookie);
  const std::string stored = it == cookies.end() ? std::string() : it->second;
  return !stored.empty() && !presented.empty() && domain::SameSecret(stored, presented);
}

}  // namespace linli::web
