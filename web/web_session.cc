#include "web/web_session.h"

#include "domain/common/web_token.h"

namespace linli::web {

namespace {

std::string_view TrimCookieSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string CookieAttributes(const config::WebConfig& web) {
  std::string a = "; Path=/; HttpOnly; SameSite=Strict";
  if (web.secure_cookies) a += "; Secure";
  return a;
}

}  // namespace

std::string_view CookieName(SessionKind kind) {
  return kind == SessionKind::kStaff ? "linli_staff" : "linli_me";
}

std::string_view StoredKind(SessionKind kind) {
  return kind == SessionKind::kStaff ? storage::kStaffSession : storage::kResidentSession;
}

std::map<std::string, std::string> ParseCookies(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = TrimCookieSpace(pair.substr(0, eq));
    std::string_view value = TrimCookieSpace(pair.substr(eq + 1));
    if (name.empty()) continue;
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace(std::string(name), std::string(value));  // first wins
  }
  return out;
}

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    const std::string name = PercentDecode(part.substr(0, eq), /*plus_as_space=*/true);
    if (name.empty()) continue;
    out[name] = eq == std::string_view::npos
                    ? std::string()
                    : PercentDecode(part.substr(eq + 1), /*plus_as_space=*/true);
  }
  return out;
}

StatusOr<std::optional<storage::WebSession>> CurrentSession(storage::Database& db,
                                                            const domain::Deps& deps,
                                                            const HttpRequest& request,
                                                            SessionKind kind) {
  const auto cookies = ParseCookies(request.Header("Cookie"));
  const auto it = cookies.find(std::string(CookieName(kind)));
  if (it == cookies.end() || it->second.empty()) return std::optional<storage::WebSession>();
  const int64_t now = deps.clock.NowMillis();
  const int64_t idle_ms = int64_t{deps.config.web.session_idle_minutes} * 60 * 1000;
  LINLI_ASSIGN_OR_RETURN(
      std::optional<storage::WebSession> s,
      storage::WebSessionStore::FindValid(db, domain::TokenHash(it->second), now, idle_ms));
  if (!s.has_value() || s->kind != StoredKind(kind)) return std::optional<storage::WebSession>();
  LINLI_RETURN_IF_ERROR(storage::WebSessionStore::Touch(db, s->id, now));
  if (s->last_seen_at_ms < now) s->last_seen_at_ms = now;
  return s;
}

StatusOr<StartedSession> StartSession(storage::Database& db, const domain::Deps& deps,
                                      SessionKind kind, int64_t person_id) {
  if (person_id <= 0) return Status::InvalidArgument("web session: no person");
  LINLI_ASSIGN_OR_RETURN(std::string token, domain::NewToken());
  LINLI_ASSIGN_OR_RETURN(std::string csrf, domain::NewToken());
  const config::WebConfig& web = deps.config.web;
  const int64_t now = deps.clock.NowMillis();
  const int64_t max_ms = int64_t{web.session_max_hours} * 3600 * 1000;
  storage::WebSession s;
  s.token_hash = domain::TokenHash(token);
  s.kind = std::string(StoredKind(kind));
  s.person_id = person_id;
  s.csrf_token = std::move(csrf);
  s.created_at_ms = now;
  s.last_seen_at_ms = now;
  s.expires_at_ms = now + max_ms;
  StartedSession out;
  LINLI_ASSIGN_OR_RETURN(out.session, storage::WebSessionStore::Create(db, s));
  out.set_cookie = std::string(CookieName(kind)) + "=" + token +
                   "; Max-Age=" + std::to_string(max_ms / 1000) + CookieAttributes(web);
  return out;
}

std::string LogoutCookie(const config::WebConfig& web, SessionKind kind) {
  return std::string(CookieName(kind)) + "=; Max-Age=0" + CookieAttributes(web);
}

bool CsrfOk(const storage::WebSession& session, std::string_view form_field) {
  if (form_field.empty() || session.csrf_token.empty()) return false;
  return domain::SameSecret(session.csrf_token, form_field);
}

}  // namespace linli::web
