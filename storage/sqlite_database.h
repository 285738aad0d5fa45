// SQLite backend of the Database seam. WAL mode, foreign keys on, busy timeout, and the
// configured synchronous level (FULL by default: an acknowledged webhook survives power loss).
// Begin() is BEGIN IMMEDIATE (the write lock is taken at once, so contention shows up as a
// retryable kUnavailable from Begin, not mid-transaction); Rollback() with no open
// transaction is a no-op. Each distinct SQL string is prepared once and cached.
#pragma once

#include <memory>
#include <string>

#include "storage/database.h"

namespace linli::storage {

struct SqliteOptions {
  std::string path;                  // file path, or ":memory:" (tests)
  std::string synchronous = "FULL";  // "FULL" | "NORMAL" | "OFF"
  int busy_timeout_ms = 5000;
  // For the one writing connection of the server (the write queue): with synchronous FULL
  // and a file database, COMMIT does not wait for the disk - the connection runs at NORMAL,
  // commit_needs_sync() is true and Sync() fdatasyncs the WAL, so an acknowledgement that
  // waits for Sync() is as durable as under FULL while the next batch already runs. WAL
  // checkpoints then run on a background connection of their own (started here, stopped
  // with the database) instead of inside a COMMIT. Ignored for other levels and ":memory:".
  bool sync_on_request = false;
  // Opens an existing file read-only (SQLITE_OPEN_READONLY): never creates it, never changes
  // its journal mode; every write fails. For `linli status`, which may run beside the server.
  bool read_only = false;
};

// Opens (creating if missing, unless read_only) the database. The connection holds a shared
// use lock on "<path>.lock" while it is open (storage/sqlite_lock.h; read_only: only when that
// file exists, so a reader leaves no file behind), so `linli restore` can
// tell that the database is in use. Errors: kInvalidArgument for a bad option, kUnavailable if
// the file cannot be opened or is being restored (message names the path).
StatusOr<std::unique_ptr<Database>> OpenSqlite(const SqliteOptions& options);

}  // namespace linli::storage
