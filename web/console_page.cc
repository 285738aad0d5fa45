#include "web/console_page.h"

#include <optional>
#include <utility>

#include "domain/actor.h"
#include "domain/common/time_format.h"
#include "web/html.h"
#include "web/page_locale.h"
#include "web/web_session.h"

namespace linli::web {

namespace {

StatusOr<HttpResponse> Guard(storage::Database& db, const domain::Deps& deps,
                             const WebRequest& request, bool post, const StaffHandler& handler) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::WebSession> session,
                         CurrentSession(db, deps, request.http, SessionKind::kStaff));
  if (!session.has_value()) return Redirect(kSigninPath);
  LINLI_ASSIGN_OR_RETURN(std::optional<domain::StaffStanding> standing,
                         domain::StandingOf(db, deps.config, domain::Actor::Person(session->person_id)));
  if (!standing.has_value()) {  // no longer staff: the session ends here
    LINLI_RETURN_IF_ERROR(
        storage::WebSessionStore::Revoke(db, session->id, deps.clock.NowMillis()).status());
    return Redirect(kSigninPath);
  }
  StaffRequest r{request, *session, *standing,
                 PageLocale(deps.texts, deps.config.locale, request.http), {}};
  if (post) {
    r.form = ParseForm(request.http.body);
    const auto it = r.form.find(kCsrfField);
    if (it == r.form.end() || !CsrfOk(*session, it->second)) {
      return ConsolePage(deps, r, 403, r.T(deps, "console.csrf_title"),
                         "<p class=\"error\">" + Escape(r.T(deps, "console.csrf_refused")) +
                             "</p>");
    }
  }
  return handler(db, deps, r);
}

}  // namespace

std::string StaffRequest::T(const domain::Deps& deps, std::string_view key,
                            const std::map<std::string, std::string>& args) const {
  return deps.texts.Get(locale, key, args);
}

WebHandler StaffPage(StaffHandler handler) {
  return [handler = std::move(handler)](storage::Database& db, const domain::Deps& deps,
                                        const WebRequest& request) {
    return Guard(db, deps, request, /*post=*/false, handler);
  };
}

WebHandler StaffPost(StaffHandler handler) {
  return [handler = std::move(handler)](storage::Database& db, const domain::Deps& deps,
                                        const WebRequest& request) {
    return Guard(db, deps, request, /*post=*/true, handler);
  };
}

std::string CsrfInput(const storage::WebSession& session) {
  return std::string("<input type=\"hidden\" name=\"") + kCsrfField + "\" value=\"" +
         Escape(session.csrf_token) + "\">";
}

std::string PostForm(const storage::WebSession& session, const std::string& action,
                     const std::string& fields_html, const std::string& label) {
  return "<form method=\"post\" action=\"" + Escape(action) + "\">" + CsrfInput(session) +
         fields_html + "<button type=\"submit\">" + Escape(label) + "</button></form>";
}

HttpResponse ConsolePage(const domain::Deps& deps, const StaffRequest& request, int status,
                         const std::string& title, std::string body_html,
                         std::string_view current_nav) {
  Page page;
  page.lang = request.locale;
  page.title = title;
  const auto link = [&](const char* href, const char* key, const char* id) {
    page.nav.push_back({WithLang(href, request.web.http), request.T(deps, key), current_nav == id});
  };
  link("/console", "console.nav.tickets", "tickets");
  link("/console/wishes", "console.nav.wishes", "wishes");
  link("/console/decisions", "console.nav.decisions", "decisions");
  link("/console/reports", "console.nav.reports", "reports");
  link("/console/outbox", "console.nav.outbox", "outbox");
  std::string who = "<p class=\"meta\">" +
                    Escape(request.T(deps, "console.signed_in",
                                     {{"name", request.standing.name},
                                      {"tier", request.T(deps, std::string("console.tier.") +
                                                                   std::string(domain::Name(
                                                                       request.standing.tier)))}})) +
                    "</p>" +
                    PostForm(request.session, "/console/logout", "",
                             request.T(deps, "console.logout"));
  page.body_html = std::move(who) + std::move(body_html);
  return HtmlResponse(status, RenderPage(page));
}

std::string LocalTime(const domain::Deps& deps, int64_t ms) {
  if (ms <= 0) return "";
  return domain::FormatLocalTime(ms, deps.config.timezone);
}

HttpResponse PlainConsolePage(const domain::Deps& deps, const std::string& locale, int status,
                              const std::string& title, std::string body_html) {
  (void)deps;
  Page page;
  page.lang = locale;
  page.title = title;
  page.body_html = std::move(body_html);
  return HtmlResponse(status, RenderPage(page));
}

}  // namespace linli::web
