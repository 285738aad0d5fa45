// linli report quarterly --config FILE --quarter YYYY-Qn [--csv FILE]: the quarterly
// red/black list of the property companies (domain/reports/red_black.h) on stdout, and
// optionally as CSV. Offline: no channel secret is needed (bot/server/startup.h). The list
// printed is the stored one when the quarter has a draft or a confirmed list (what staff
// confirm or confirmed), else computed now from the database as a preview.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace linli {

// `args` are the words after "report" ("quarterly", "--config", ...). Returns the exit code:
// 0 done; 2 a usage error or a malformed quarter; 1 a config, database or file error (the
// message on `err`, naming the file).
int RunReportCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err);

}  // namespace linli
