#include "web/console_login.h"

#include <optional>
#include <string>

#include "domain/people/web_login.h"
#include "web/html.h"
#include "web/page_locale.h"
#include "web/web_session.h"

namespace linli::web {

namespace {

std::string Locale(const domain::Deps& deps, const WebRequest& request) {
  return PageLocale(deps.texts, deps.config.locale, request.http);
}

std::string Para(const std::string& text, const char* cls = nullptr) {
  return std::string("<p") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" +
         Escape(text) + "</p>";
}

HttpResponse LinkGone(const domain::Deps& deps, const std::string& locale) {
  return PlainConsolePage(deps, locale, 410, deps.texts.Get(locale, "console.login_title"),
                          Para(deps.texts.Get(locale, "console.link_gone"), "error"));
}

std::string Token(const WebRequest& request) {
  const auto it = request.params.find("token");
  return it == request.params.end() ? std::string() : it->second;
}

}  // namespace

WebHandler ConsoleSigninPage() {
  return [](storage::Database&, const domain::Deps& deps,
            const WebRequest& request) -> StatusOr<HttpResponse> {
    const std::string locale = Locale(deps, request);
    std::string body = Para(deps.texts.Get(locale, "console.signin_text"));
    if (!request.http.Query("out").empty()) {
      body = Para(deps.texts.Get(locale, "console.signed_out")) + body;
    }
    return PlainConsolePage(deps, locale, 200, deps.texts.Get(locale, "console.signin_title"),
                            std::move(body));
  };
}

WebHandler ConsoleLoginConfirmPage() {
  return [](storage::Database&, const domain::Deps& deps,
            const WebRequest& request) -> StatusOr<HttpResponse> {
    const std::string locale = Locale(deps, request);
    const std::string token = Token(request);
    if (!domain::LooksLikeLoginToken(token)) return LinkGone(deps, locale);
    const std::string body =
        Para(deps.texts.Get(locale, "console.login_confirm")) + "<form method=\"post\" action=\"" +
        Escape(WithLang(domain::kLoginLinkPath + token, request.http)) +
        "\"><button type=\"submit\">" + Escape(deps.texts.Get(locale, "console.login_button")) +
        "</button></form>";
    return PlainConsolePage(deps, locale, 200, deps.texts.Get(locale, "console.login_title"),
                            body);
  };
}

WebHandler ConsoleLoginPost() {
  return [](storage::Database& db, const domain::Deps& deps,
            const WebRequest& request) -> StatusOr<HttpResponse> {
    const std::string locale = Locale(deps, request);
    LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> person,
                           domain::RedeemLoginLink(db, deps, Token(request)));
    if (!person.has_value()) return LinkGone(deps, locale);
    LINLI_ASSIGN_OR_RETURN(StartedSession started,
                           StartSession(db, deps, SessionKind::kStaff, *person));
    HttpResponse r = Redirect(WithLang(kConsolePath, request.http));
    r.headers.emplace_back("Set-Cookie", started.set_cookie);
    return r;
  };
}

WebHandler ConsoleLogoutPost() {
  return StaffPost([](storage::Database& db, const domain::Deps& deps,
                      const StaffRequest& request) -> StatusOr<HttpResponse> {
    LINLI_RETURN_IF_ERROR(
        storage::WebSessionStore::Revoke(db, request.session.id, deps.clock.NowMillis()).status());
    HttpResponse r = Redirect(WithLang(std::string(kSigninPath) + "?out=1", request.web.http));
    r.headers.emplace_back("Set-Cookie", LogoutCookie(deps.config.web, SessionKind::kStaff));
    return r;
  });
}

}  // namespace linli::web
