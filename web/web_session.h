// Web sign-in on the server side (issue 12): which session a request belongs to (its cookie),
// starting one after a login (the Set-Cookie header), ending one (logout), and the CSRF check
// every POST form of a signed-in page passes. Shared by the staff console (kind kStaff, cookie
// "linli_staff") and the resident's page (kind kResident, cookie "linli_me").
//
// The cookie carries a fresh token (domain/common/web_token.h NewToken); the database keeps only
// its hash (storage/web_session_store.h), so a copy of the database signs nobody in. Cookies
// are HttpOnly, SameSite=Strict, Path=/, and Secure when config web.secure_cookies.
// A session is valid while not revoked, within web.session_max_hours of its start and within
// web.session_idle_minutes of its last use (each CurrentSession that finds it moves the last use).
//
// Functions taking a Database run in the caller's open transaction (the web route's unit on
// the write queue); database errors are returned as is. The pure parsers are thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bot/http.h"
#include "bot/status.h"
#include "config/config.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/web_session_store.h"

namespace linli::web {

enum class SessionKind { kStaff, kResident };

// "linli_staff" / "linli_me".
std::string_view CookieName(SessionKind kind);
// The kind as stored: storage::kStaffSession / storage::kResidentSession.
std::string_view StoredKind(SessionKind kind);

// The cookies of a Cookie header ("a=1; b=2"): names and values with surrounding spaces and a
// value's surrounding double quotes removed; pairs without '=' or with an empty name are
// skipped; for a name given twice the first wins (RFC 6265 5.4: the more specific path first).
// Values are not percent-decoded (our tokens never need it).
std::map<std::string, std::string> ParseCookies(std::string_view header);

// The fields of an application/x-www-form-urlencoded body ("a=1&b=x+y"): names and values
// percent-decoded with '+' as a space; a field without '=' has the empty value; for a name
// given twice the last wins.
std::map<std::string, std::string> ParseForm(std::string_view body);

// The valid session of `kind` whose token is in the request's cookie (see the file comment),
// with its last use moved to now; nullopt when there is no such cookie or the session is
// unknown, of the other kind, revoked, idle too long or past its absolute expiry.
StatusOr<std::optional<storage::WebSession>> CurrentSession(storage::Database& db,
                                                            const domain::Deps& deps,
                                                            const HttpRequest& request,
                                                            SessionKind kind);

struct StartedSession {
  storage::WebSession session;  // as stored (token_hash, csrf_token, expiry)
  std::string set_cookie;       // the Set-Cookie header's value carrying the token
};

// A new session of `kind` for `person_id` from now (absolute expiry now + session_max_hours),
// with its own CSRF token. kInvalidArgument for person_id <= 0; kInternal if the random source
// fails.
StatusOr<StartedSession> StartSession(storage::Database& db, const domain::Deps& deps,
                                      SessionKind kind, int64_t person_id);

// The Set-Cookie value that removes the cookie of `kind` (empty value, Max-Age=0, same
// attributes). Revoking the session itself is storage::WebSessionStore::Revoke.
std::string LogoutCookie(const config::WebConfig& web, SessionKind kind);

// True when `form_field` (the form's hidden "csrf" field) equals the session's CSRF token,
// compared in constant time; false for an empty field.
bool CsrfOk(const storage::WebSession& session, std::string_view form_field);

// The name of the hidden field every POST form carries.
inline constexpr char kCsrfField[] = "csrf";

}  // namespace linli::web
