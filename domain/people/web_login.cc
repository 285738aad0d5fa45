#include "domain/people/web_login.h"

#include "domain/actor.h"
#include "domain/common/web_token.h"
#include "domain/tickets/authority.h"
#include "storage/web_session_store.h"

namespace linli::domain {

namespace {

StatusOr<bool> IsStaffPerson(storage::Database& db, const Deps& deps, int64_t person_id) {
  if (person_id <= 0) return false;
  LINLI_ASSIGN_OR_RETURN(std::optional<StaffStanding> standing,
                         StandingOf(db, deps.config, Actor::Person(person_id)));
  return standing.has_value();
}

}  // namespace

StatusOr<LoginLink> IssueLoginLink(storage::Database& db, const Deps& deps, int64_t person_id) {
  if (deps.config.web.public_url.empty()) {
    return Status::FailedPrecondition("web.public_url is not set: the console is not set up");
  }
  LINLI_ASSIGN_OR_RETURN(bool staff, IsStaffPerson(db, deps, person_id));
  if (!staff) return Status::PermissionDenied("login links are for staff");
  LINLI_ASSIGN_OR_RETURN(std::string token, NewToken());
  const int64_t now = deps.clock.NowMillis();
  LoginLink link;
  link.expires_at_ms = now + int64_t{deps.config.web.login_link_minutes} * 60 * 1000;
  LINLI_RETURN_IF_ERROR(storage::WebSessionStore::CreateLink(db, TokenHash(token), person_id, now,
                                                             link.expires_at_ms));
  link.url = deps.config.web.public_url + kLoginLinkPath + token;
  return link;
}

StatusOr<std::optional<int64_t>> RedeemLoginLink(storage::Database& db, const Deps& deps,
                                                 std::string_view token) {
  if (!LooksLikeLoginToken(token)) return std::optional<int64_t>();
  LINLI_ASSIGN_OR_RETURN(
      std::optional<int64_t> person,
      storage::WebSessionStore::ConsumeLink(db, TokenHash(token), deps.clock.NowMillis()));
  if (!person.has_value()) return person;
  LINLI_ASSIGN_OR_RETURN(bool staff, IsStaffPerson(db, deps, *person));
  if (!staff) return std::optional<int64_t>();
  return person;
}

bool LooksLikeLoginToken(std::string_view token) {
  if (token.size() != 43) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace linli::domain
