// linli telegram set-webhook|webhook-info (issue 15 point 3): registering a Telegram channel's
// webhook with Telegram, and reading back what Telegram holds.
//
//   linli telegram set-webhook --config FILE [--channel NAME] [--public-url URL]
//                              [--drop-pending-updates]
//     setWebhook with url = <public URL>/webhook/<channel> (the public URL is --public-url or
//     web.public_url; https, port 443, 80, 88 or 8443), the channel's secret_token (Telegram
//     sends it back on every delivery; the adapter refuses deliveries without it) and
//     allowed_updates = the update kinds Linli handles (message, callback_query);
//     --drop-pending-updates discards what Telegram still holds. Then the check line of
//     `linli check --online` for the channel.
//   linli telegram webhook-info --config FILE [--channel NAME] [--public-url URL]
//     getWebhookInfo: url, pending updates, the last delivery error, max connections, update
//     kinds, IP; then the check line (the url compared with the public URL's when there is
//     one; Telegram never shows the secret_token - a wrong one shows as 401 delivery errors).
// Without --channel the only telegram channel is used. Every call goes to the channel's
// api_base (adapters/telegram/telegram_webhook.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace linli {

// `args` are the words after "telegram". Exit code: 0 done and the check line ok; 1 a config
// error, Telegram refused, or the check found a problem; 2 a usage error (also a public URL
// Telegram would refuse).
int RunTelegramCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                       std::ostream& out, std::ostream& err);

}  // namespace linli
