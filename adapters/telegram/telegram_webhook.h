// Registering a bot's webhook and checking it, pure (STYLE.md 4): the setWebhook, getMe and
// getWebhookInfo calls and their answers, and what they say about a channel's config
// (`linli telegram set-webhook|webhook-info`, `linli check --online`). The I/O is
// TelegramAdapter's. Reference: ../shared/protocols/telegram.md §1-2; the WebhookInfo and
// User fields as the Bot API reference lists them (core.telegram.org/bots/api#webhookinfo,
// #getme; also python-telegram-bot's WebhookInfo): url (empty when no webhook is set),
// has_custom_certificate, pending_update_count, ip_address?, last_error_date?,
// last_error_message?, last_synchronization_error_date?, max_connections?, allowed_updates?.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/telegram/telegram_codec.h"
#include "bot/adapter.h"
#include "bot/http.h"
#include "bot/status.h"

namespace linli::adapters::telegram {

// The update kinds DecodeUpdate turns into turns (telegram_codec.h); setWebhook asks for these
// only (allowed_updates), as every other kind would be acknowledged and dropped.
inline constexpr std::array<std::string_view, 2> kHandledUpdates = {"message", "callback_query"};

// The ports setWebhook accepts (telegram.md §2).
inline constexpr std::array<int, 4> kWebhookPorts = {443, 80, 88, 8443};

// "<public_url>/webhook/<channel>", where the webhook server takes the channel's deliveries.
// kInvalidArgument naming the problem: public_url not https:// with a host, a port other than
// 443, 80, 88 or 8443, a query, fragment or space in it. Trailing '/' are dropped.
StatusOr<std::string> WebhookUrl(std::string_view public_url, std::string_view channel);

// setWebhook {url, secret_token, allowed_updates: kHandledUpdates, drop_pending_updates}
// (drop_pending_updates only when true).
ApiCall EncodeSetWebhook(std::string_view url, std::string_view secret_token,
                         bool drop_pending_updates);
ApiCall EncodeGetMe();           // getMe {}
ApiCall EncodeGetWebhookInfo();  // getWebhookInfo {}

// A Bot API call that did not succeed: Telegram's error_code (its HTTP status: 401 a wrong
// token, 404 a malformed one, 400 bad parameters, 429, 5xx) and description; error_code 0
// when no Bot API answer came (network, timeout, a body that is not one) - description then
// says what happened. Never the token or URL.
struct ApiFailure {
  int error_code = 0;
  std::string description;
};

template <typename T>
struct ApiAnswer {
  std::optional<T> value;  // set on ok:true
  ApiFailure failure;      // when value is not set
  bool ok() const { return value.has_value(); }
};

struct BotUser {
  int64_t id = 0;
  std::string username;  // without '@'; "" when the bot has none (it always has one)
  std::string first_name;
};

struct WebhookInfo {
  std::string url;  // "" = no webhook set
  bool has_custom_certificate = false;
  int64_t pending_update_count = 0;
  std::string ip_address;
  int64_t last_error_date = 0;  // Unix seconds, 0 = none
  std::string last_error_message;
  int64_t max_connections = 0;  // 0 = not said
  std::optional<std::vector<std::string>> allowed_updates;  // absent = not said (all)
};

// Each decodes one call's outcome (transport result + HTTP response) without throwing.
ApiAnswer<BotUser> DecodeGetMe(const StatusOr<HttpResponse>& response);
ApiAnswer<WebhookInfo> DecodeWebhookInfo(const StatusOr<HttpResponse>& response);
ApiAnswer<bool> DecodeSetWebhook(const StatusOr<HttpResponse>& response);  // result true

// A failed call as a probe finding: 401 or 404 -> wrong_token, no answer -> unreachable
// {error}, anything else -> platform_error {error}; code = the error_code ("" when none).
ProbeFinding FailureFinding(const ApiFailure& failure);

// What getMe and getWebhookInfo say about a channel (Adapter::Probe, hints in bot/adapter.h):
//  getMe failed: 401 or 404 -> wrong_token; no answer -> unreachable; else platform_error
//    (info is then not asked: pass nullptr).
//  no webhook url -> webhook_not_set; `expected_url` non-empty and another url ->
//    webhook_url_mismatch {url, expected}; allowed_updates lacking a kHandledUpdates kind ->
//    webhook_updates_missing {missing}; updates pending after a delivery error ->
//    webhook_secret_rejected {error} when Telegram was answered 401 or 403 (what the webhook
//    server answers a wrong secret: the secret given to setWebhook is not the channel's), else
//    webhook_failing {error, pending}; a delivery error with nothing pending is a note
//    (last_error). The secret itself is never returned by Telegram: a note says so.
//  Notes: bot {username}, webhook {url, pending}, secret_unreadable, last_error {error}.
ProbeResult JudgeBot(const ApiAnswer<BotUser>& me, const ApiAnswer<WebhookInfo>* info,
                     std::string_view expected_url);

}  // namespace linli::adapters::telegram
