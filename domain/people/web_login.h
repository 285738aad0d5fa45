// Login links of the staff console (issue 12): a staff member sends 登录 to the bot in a
// private chat and gets a one-time link <web.public_url>/console/login/<token>, valid
// web.login_link_minutes; opening it (and confirming) starts a console session. The token is
// random (domain/common/web_token.h) and only its hash is stored (storage/web_session_store.h
// login_links), so the link in the chat is the only copy.
//
// Staff here means what the ticket authority table means (domain/tickets/authority.h
// StandingOf: persons.role staff/admin or a config.staff identity). Every call runs in the
// caller's open transaction; database errors as is. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain {

// The path of a login link without the base URL and token: "/console/login/".
inline constexpr char kLoginLinkPath[] = "/console/login/";

struct LoginLink {
  std::string url;            // <public_url>/console/login/<token>
  int64_t expires_at_ms = 0;  // now + web.login_link_minutes
};

// A new login link for `person_id`. kFailedPrecondition when web.public_url is not set (the
// console is not set up); kPermissionDenied when the person is not staff; kInternal if the
// random source fails.
StatusOr<LoginLink> IssueLoginLink(storage::Database& db, const Deps& deps, int64_t person_id);

// Uses the link whose token is `token` (the last path segment) once: the person it was made
// for when it is unused, not expired, and the person is still staff; nullopt otherwise
// (unknown, used, expired, or no longer staff - the link is then used up all the same). Two
// concurrent redemptions of one link: the store's conditional UPDATE gives it to one.
StatusOr<std::optional<int64_t>> RedeemLoginLink(storage::Database& db, const Deps& deps,
                                                 std::string_view token);

// Whether `token` has the shape of a link token (43 URL-safe base64 characters), so a page can
// refuse garbage without a database read.
bool LooksLikeLoginToken(std::string_view token);

}  // namespace linli::domain
