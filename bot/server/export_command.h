// linli export tickets --config FILE [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--events]
// [--out FILE]: the console's CSV export offline (web/console_export.h: UTF-8 with BOM, RFC
// 4180, formulas defused, no reporter name or phone) - the tickets created from..to, or with
// --events their events at from..to - on stdout or into FILE. Offline: no channel secret is
// needed (bot/server/startup.h); nothing is written to the database.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace linli {

// `args` are the words after "export". Returns the exit code: 0 done; 2 a usage error or a
// malformed date; 1 a config, database or file error (the message on `err`).
int RunExportCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err);

}  // namespace linli
