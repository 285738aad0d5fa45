// What every page of the staff console shares (issue 12 point 2): the session guard, the CSRF
// check of every POST, the page frame (navigation, logout) and small HTML helpers.
//
// Guard. StaffPage / StaffPost wrap a handler: without a valid staff session (web_session.h
// CurrentSession, kind kStaff) the answer is a 303 to kSigninPath ("send 登录 to the bot");
// a session whose person is no longer staff (domain/tickets/authority.h StandingOf) is revoked
// and answered the same. StaffPost also parses the form body (web_session.h ParseForm) and
// answers 403 with a page when its "csrf" field is missing or not the session's token - the
// handler does not run, so nothing changes.
//
// Pages are in the request's language (page_locale.h). Handlers run in the web route's unit
// on the write queue (web_request.h). Thread-compatible.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "bot/http.h"
#include "bot/status.h"
#include "domain/deps.h"
#include "domain/tickets/authority.h"
#include "storage/database.h"
#include "storage/web_session_store.h"
#include "web/web_request.h"

namespace linli::web {

inline constexpr char kConsolePath[] = "/console";
inline constexpr char kSigninPath[] = "/console/signin";

// A request of a signed-in staff member.
struct StaffRequest {
  const WebRequest& web;
  const storage::WebSession& session;
  const domain::StaffStanding& standing;  // tier and the name events record
  std::string locale;                     // the page's language
  std::map<std::string, std::string> form;  // StaffPost: the form fields (csrf included)

  std::string T(const domain::Deps& deps, std::string_view key,
                const std::map<std::string, std::string>& args = {}) const;
};

using StaffHandler = std::function<StatusOr<HttpResponse>(
    storage::Database& db, const domain::Deps& deps, const StaffRequest& request)>;

// The guards described above.
WebHandler StaffPage(StaffHandler handler);
WebHandler StaffPost(StaffHandler handler);

// A console page: title, navigation (tickets, wishes, decisions, reports, outbox), the logout
// button (a POST form with the CSRF field) and `body_html` (already escaped by its author).
HttpResponse ConsolePage(const domain::Deps& deps, const StaffRequest& request, int status,
                         const std::string& title, std::string body_html,
                         std::string_view current_nav = "");

// The hidden CSRF field every POST form of the console carries.
std::string CsrfInput(const storage::WebSession& session);

// A form posting to `action` (a path, escaped here) with the CSRF field, `fields_html` and a
// submit button labelled `label`.
std::string PostForm(const storage::WebSession& session, const std::string& action,
                     const std::string& fields_html, const std::string& label);

// "2026-12-01 09:30" in config.timezone; "" for 0.
std::string LocalTime(const domain::Deps& deps, int64_t ms);

// A plain page outside a session (sign-in, login link answers) in `locale`.
HttpResponse PlainConsolePage(const domain::Deps& deps, const std::string& locale, int status,
                              const std::string& title, std::string body_html);

}  // namespace linli::web
