// linli restore --config FILE --from FILE: puts a backup in place of the configured database
// of a stopped instance (storage/open_database.h RestoreDatabase). Refused, with nothing
// changed, while any process has the database open (`linli serve`, `linli chat`: each holds
// the database's shared use lock, storage/sqlite_lock.h), and when FILE is missing, not an
// SQLite database, fails PRAGMA integrity_check, is not a Linli database or has a schema newer
// than this binary's (an older one is fine: migrations run forward at the next start). The
// database replaced is kept as "<db>.before-restore-YYYYMMDD-HHMMSS" (local time), never
// deleted. Offline: no channel secret is needed. Messages in the config's locale.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "config/config_loader.h"

namespace linli {

// `args` are the words after "restore". Returns the exit code: 0 restored; 2 a usage error;
// 1 a config error, a refusal or an I/O error (the message on `err`). `clock` names the kept
// file (tests pass a fake one).
int RunRestoreCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                      const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace linli
