// The one door to the database: OpenDatabase is the only code that knows the backends. The
// server (App) and every CLI command open their database here, so a backend added later
// is one branch in open_database.cc plus its options below, and no caller changes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "storage/backup.h"
#include "storage/database.h"
#include "storage/notifier.h"
#include "storage/postgres_database.h"
#include "storage/sqlite_database.h"

namespace linli::storage {

// What to open, in storage's own terms (the wiring builds it from config::StorageConfig).
struct DatabaseOptions {
  std::string backend = "sqlite";  // one of KnownBackends() ("postgres" = "postgresql")
  SqliteOptions sqlite;            // backend "sqlite"
  PostgresOptions postgresql;      // backend "postgresql"
};

// What `options` opens, for messages and logs: the SQLite path, or
// "postgresql://user@host:port/dbname" as its DSN names it, plus " (schema S)" when one is
// set - never a password.
std::string DescribeDatabase(const DatabaseOptions& options);

// An open connection whose schema is at LatestSchemaVersion().
struct OpenedDatabase {
  std::unique_ptr<Database> db;
  int schema_version = 0;
};

// Opens the configured backend and applies every pending migration (storage/migrations.h;
// on PostgreSQL under an advisory lock, so instances starting together migrate once).
// Errors:
//   kInvalidArgument     unknown backend: "storage.backend: unknown backend \"x\" (known:
//                        sqlite, postgresql)", or a bad backend option (as OpenSqlite /
//                        OpenPostgres)
//   kFailedPrecondition  a PostgreSQL schema that does not exist
//   kUnavailable         the database cannot be opened (the message names the path, or the
//                        PostgreSQL database, host, port and user - never the password)
//   other codes          a failed migration: "migration failed: ...", among them
//                        kFailedPrecondition "... database schema version N is newer than
//                        this binary's M ..." (an older binary on a newer database)
// The returned Database is not thread-safe (database.h); the caller owns it.
StatusOr<OpenedDatabase> OpenDatabase(const DatabaseOptions& options);

// A second connection for reads beside the one the write queue owns (GET /metrics reads its
// gauges here, off the writer thread): the configured backend without migrations, refusing
// every write (SQLite: PRAGMA query_only; PostgreSQL: default_transaction_read_only). Reads
// see the last committed state (SQLite: WAL; PostgreSQL: READ COMMITTED). Errors
// as OpenDatabase's first three, and kFailedPrecondition for SQLite ":memory:" (a second
// connection would be another, empty database). Not thread-safe; the caller owns it.
StatusOr<std::unique_ptr<Database>> OpenReader(const DatabaseOptions& options);

// A Notifier for `topic` (storage/notifier.h): wake-ups from the other processes on the
// configured database. nullptr (OK) on SQLite, whose in-process wake-ups suffice; on
// PostgreSQL a listener on a connection of its own, not connected until its Listen() or
// first Wait(). Errors: as OpenReader's for bad options (nothing is connected here), and
// kInvalidArgument for a bad topic. The caller owns it.
StatusOr<std::unique_ptr<Notifier>> OpenNotifier(const DatabaseOptions& options,
                                                 std::string_view topic);

// Backups (issue 15 point 4; types in storage/backup.h). Each picks the backend's own way;
// SQLite's is storage/sqlite_backup.h.
//
// BackupDatabase: a consistent copy of the configured database into the file `to` while the
// service reads and writes it (the writer is not blocked), written beside `to` first, synced,
// checked (integrity) and renamed into place. Errors:
//   kAlreadyExists       `to` exists and options.overwrite is false (nothing written)
//   kNotFound            the folder of `to` does not exist
//   kInvalidArgument     `to` is the database itself or one of its files
//   kFailedPrecondition  a backend or path that cannot be copied (":memory:", postgresql)
//   kUnavailable         the database cannot be opened or is being restored, or the copy was
//                        cancelled (options.cancel)
//   kInternal            the copy failed (I/O, disk full) or failed its integrity check (the
//                        message says which; the database itself may then be damaged)
// On any error `to` is as it was and no temporary file is left.
StatusOr<BackupResult> BackupDatabase(const DatabaseOptions& options, const std::string& to,
                                      const BackupOptions& backup = {});

// RestoreDatabase: replaces the configured database by the file `from`, after checking it,
// only while no connection has the database open (a stopped service). The database replaced
// is kept beside it, named with `stamp` (e.g. "20260315-093000": digits and '-' only). A
// refusal (RestoreOutcome::refusal) changes nothing. Errors: kInvalidArgument for a bad
// stamp, kFailedPrecondition as BackupDatabase's, kInternal for I/O (the message says whether
// the database was left in place).
StatusOr<RestoreOutcome> RestoreDatabase(const DatabaseOptions& options, const std::string& from,
                                         const std::string& stamp);

// The configured database's size on disk. kNotFound when it does not exist (yet);
// kFailedPrecondition for a backend without files here (":memory:", postgresql).
StatusOr<DatabaseFileSize> DatabaseSize(const DatabaseOptions& options);

// The backends OpenDatabase can open in this build, in the order they are listed in errors.
std::vector<std::string> KnownBackends();

}  // namespace linli::storage
