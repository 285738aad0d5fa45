// Backups of the SQLite backend (issue 15 point 4), behind the seam functions of
// storage/open_database.h (BackupDatabase, RestoreDatabase, DatabaseSize), which are what
// the commands and the backup job call. Only this file and sqlite_database.cc know SQLite.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "bot/status.h"
#include "storage/backup.h"
#include "storage/sqlite_database.h"

namespace linli::storage {

// A consistent copy of the database at `source.path` into the file `to`, while other
// connections and processes read and write it (as BackupDatabase in open_database.h).
//
// How: a connection of its own opens one read transaction (in WAL mode - the service's - a
// snapshot that never blocks the writer), and the online backup API copies the pages of that
// snapshot in steps of kBackupPagesPerStep into "<to>.tmp-<pid>" (created 0600: it holds
// personal data), checking `cancel` between steps. The copy is switched to a single file
// (journal_mode DELETE), must pass PRAGMA integrity_check, is fsynced, renamed to `to`, and
// the folder is fsynced. Any failure removes the temporary file and leaves `to` as it was.
StatusOr<BackupResult> BackupSqlite(const SqliteOptions& source, const std::string& to,
                                    const BackupOptions& options);

// Restores the file `from` into the database at `target.path` (as RestoreDatabase).
//
// How: the exclusive use lock (storage/sqlite_lock.h) first - refused (kInUse) while any
// connection holds the shared one, and held to the end so nothing opens the database
// meanwhile; then `from` is copied by the backup API into "<path>.restore-<pid>.tmp" beside
// the database, checked there (SQLite header, integrity_check, schema_migrations, version not
// newer than this build's), fsynced; the current database becomes
// "<path>.before-restore-<stamp>" (its -wal moves along as "...-wal", so commits not yet
// checkpointed are kept with it; the -shm is removed), the copy is renamed into place and the
// folder fsynced.
StatusOr<RestoreOutcome> RestoreSqlite(const SqliteOptions& target, const std::string& from,
                                       const std::string& stamp);

// The database file's size and its -wal's (0 when there is none). kNotFound when the
// database file does not exist.
StatusOr<DatabaseFileSize> SqliteFileSize(const SqliteOptions& options);

inline constexpr int kBackupPagesPerStep = 1024;

}  // namespace linli::storage
