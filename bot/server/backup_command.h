// linli backup --config FILE --to FILE [--force]: a consistent copy of the configured
// database into FILE, also while `linli serve` runs on it (storage/open_database.h
// BackupDatabase: one read snapshot copied in steps, checked with PRAGMA integrity_check,
// written beside FILE, synced and renamed into place). An existing FILE is refused unless
// --force. Offline: no channel secret is needed. Messages in the config's locale ("cli"
// texts).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace linli {

// `args` are the words after "backup". Returns the exit code: 0 written; 2 a usage error;
// 1 a config error, FILE exists without --force, or the copy failed (the message on `err`;
// nothing is left at FILE then).
int RunBackupCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err);

// "12.3 MiB", "512 B": sizes for the operator (backup, status). Pure.
std::string FormatBytes(int64_t bytes);

}  // namespace linli
