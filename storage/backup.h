// What backups and restores (issue 15 point 4) take and give, in every backend's terms; the
// calls are storage/open_database.h BackupDatabase / RestoreDatabase / DatabaseSize, which
// pick the backend's implementation (SQLite: storage/sqlite_backup.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace linli::storage {

struct BackupOptions {
  // Replace an existing file at the target (`linli backup --force`, the daily job re-running
  // within the same minute). Without it an existing target is kAlreadyExists.
  bool overwrite = false;
  // Optional: checked between copy steps; once true the backup stops (kUnavailable, nothing
  // left behind). The scheduler sets it when the service stops.
  const std::atomic<bool>* cancel = nullptr;
};

struct BackupResult {
  std::string path;        // the file written
  int64_t bytes = 0;       // its size
  int schema_version = 0;  // the copy's schema version
  int64_t pages = 0;       // pages copied
};

// Why a restore did not happen. Each is a refusal with nothing changed; the CLI words each in
// both locales.
enum class RestoreRefusal {
  kNone,         // restored
  kInUse,        // the database is open elsewhere (linli serve, linli chat) or being restored
  kMissing,      // no file to restore from
  kSameFile,     // the file to restore from is the database itself
  kNotDatabase,  // not a database of this backend (SQLite: no "SQLite format 3" header, or
                 // unreadable as one)
  kCorrupt,      // the integrity check found problems (detail: the first one)
  kNotLinli,     // a database without Linli's schema_migrations table
  kNewerSchema,  // its schema version is newer than this build knows (detail: "N > M")
};

struct RestoreOutcome {
  RestoreRefusal refusal = RestoreRefusal::kNone;
  std::string detail;      // for kCorrupt and kNewerSchema; "" otherwise
  int schema_version = 0;  // the restored file's (older than the build is fine: migrations
                           // run forward at the next start)
  std::string kept_as;     // where the database that was replaced went ("" if there was none)
};

struct DatabaseFileSize {
  int64_t database_bytes = 0;
  int64_t wal_bytes = 0;  // SQLite's write-ahead log (0 when absent)
};

}  // namespace linli::storage
