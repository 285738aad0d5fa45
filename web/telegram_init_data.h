// A Telegram Mini App's signed launch data (initData, issue 12 point 3): the resident's page
// (/me) signs a Telegram user in by the query string the Telegram client hands the Mini App,
// which Telegram signed with the bot's token (core.telegram.org/bots/webapps, "Validating data
// received via the Mini App"; ../shared/protocols/telegram.md):
//
//   secret_key        = HMAC_SHA256(key = "WebAppData", message = bot_token)
//   data_check_string = every received field except `hash`, as "key=value" (the value
//                       percent-decoded), sorted by key, joined with "\n"
//   valid             iff hex(HMAC_SHA256(key = secret_key, message = data_check_string)) == hash
//
// The `signature` field (an Ed25519 signature for third parties, Bot API 8.0) is one of the
// fields covered by `hash` and stays in the data-check-string, as the official validators do
// (aiogram's check_webapp_signature: only `hash` is removed); ../shared/protocols/telegram.md
// says "except hash (and signature)". A hash over the fields without `signature` is accepted
// as well: either is an HMAC under the bot's secret, so no reading admits a forgery.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/status.h"

namespace linli::web {

// The signed-in Telegram user of a verified initData.
struct TelegramWebAppUser {
  std::string user_id;        // user.id as decimal text: the identity's user_id on the channel
  std::string language_code;  // user.language_code, "" when absent
  int64_t auth_date_s = 0;    // when Telegram signed it (Unix seconds)
};

// How much later than auth_date an initData is still accepted by default (one hour), and how
// far in the future (clock skew) it may lie.
inline constexpr int64_t kDefaultInitDataMaxAgeS = 3600;
inline constexpr int64_t kInitDataFutureSkewS = 60;

// Verifies `init_data` (the raw query string, as Telegram.WebApp.initData or the URL fragment's
// tgWebAppData) against `bot_token` at `now_ms`:
//   kInvalidArgument    not a well-formed query string (an empty or repeated key), no `hash`
//                       or one that is not 64 hex digits, no numeric `auth_date`, no `user`
//                       JSON object with an integer `id`
//   kUnauthenticated    the hash does not match (tampered, or signed with another bot's token;
//                       compared in constant time) - also for an empty `bot_token`
//   kFailedPrecondition auth_date is more than `max_age_s` seconds old, or more than
//                       kInitDataFutureSkewS seconds in the future (stale or replayed)
// The signature is checked before anything of the payload is trusted.
StatusOr<TelegramWebAppUser> VerifyInitData(std::string_view init_data, std::string_view bot_token,
                                            int64_t now_ms, int64_t max_age_s);

// The data-check-string of `fields` (decoded key/value pairs, `hash` left out by the caller):
// sorted by key, "key=value" joined with "\n".
std::string InitDataCheckString(std::vector<std::pair<std::string, std::string>> fields);

// Lowercase hex of HMAC_SHA256(HMAC_SHA256("WebAppData", bot_token), data_check_string): what
// Telegram puts in `hash`. (Tests and tools sign with it; the server only verifies.)
std::string InitDataHash(std::string_view data_check_string, std::string_view bot_token);

}  // namespace linli::web
