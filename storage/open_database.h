// The one door to the database: OpenDatabase is the only code that knows the backends. The
// server (App) and every CLI command open their database here, so a backend added later
// is one branch in open_database.cc plus its options below, and no caller changes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bot/status.h"
#include "storage/database.h"
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

// The backends OpenDatabase can open in this build, in the order they are listed in errors.
std::vector<std::string> KnownBackends();

}  // namespace linli::storage
