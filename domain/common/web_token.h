// Secrets of web sign-in (issue 12; here so the chat (登录) and the web share them): unguessable tokens for login links, session cookies and
// CSRF fields, and the hash under which a token is stored (storage/web_session_store.h).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/status.h"

namespace linli::domain {

// 32 random bytes from the OS's CSPRNG as 43 URL-safe base64 characters (no padding): safe in
// a path, a query and a cookie. kInternal if the random source fails.
StatusOr<std::string> NewToken();

// Lowercase hex SHA-256 of `token`: what the database keeps instead of the token.
std::string TokenHash(std::string_view token);

// Constant-time equality (for CSRF fields against the session's token).
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace linli::domain
