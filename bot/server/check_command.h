// linli check --config FILE [--online] [--public-url URL] (issue 15 point 2): is this config
// ready to serve? Offline it validates everything `serve` checks before it starts - the file
// and the whole-config check (bot/server/startup.h), every channel's adapter fields, the
// flows, the metrics' labels, that the database's folder is writable - and prints the start-up
// warnings; it writes nothing (the database is not opened). With --online it then calls each
// channel's cheapest authenticated endpoints (Adapter::Probe: Telegram getMe +
// getWebhookInfo; WeChat and WeCom access tokens; Feishu tenant token; DingTalk app token) and
// prints one line per channel: ok, or the platform's code with a plain-language hint in the
// configured locale (platform_cli.h ProbeLine). The webhook URL compared is <public URL>/
// webhook/<channel>, the public URL being --public-url or web.public_url; without one,
// nothing is compared. Send-only robots are listed as not checked (a test would post into
// their group). Each WeChat token fetch replaces the account's token: a running server gets
// 40001 once within ~5 minutes and fetches its own again.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace linli {

// `args` are the words after "check". Exit code: 0 the config is valid (and, with --online,
// every channel answered ok); 1 the config is invalid or a channel failed; 2 a usage error.
// The report goes to `out`; usage and load errors to `err`.
int RunCheckCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                    std::ostream& out, std::ostream& err);

}  // namespace linli
