// PostgreSQL backend of the Database seam (issue 14), on one libpq connection.
//
// SQL is the seam's: '?' placeholders (rewritten to $1..$n outside quotes, quoted identifiers,
// dollar quotes and comments - so a '?' there stays text, and PostgreSQL's own '?' operators
// cannot be written), sent in text format as a prepared statement: each connection prepares a
// statement text once and then only binds and executes it, in one round trip together with the
// savepoint statements before it (below). Parameters are typed by their
// value: int64 as bigint, double as double precision, a string and NULL as "unknown" (the
// server takes the type its context needs, as SQLite's affinity would). Result columns map by
// type: smallint/integer/bigint/oid to int64, real/double to double, numeric to int64 when it
// is a whole number that fits (SUM of integers) and double otherwise, boolean to 0/1, every
// other type to its text. changes() counts the rows of the last INSERT/UPDATE/DELETE/MERGE.
//
// Transactions: Begin() is BEGIN (READ COMMITTED); a failed statement inside a transaction
// aborts it on PostgreSQL (unlike SQLite), so a caller that wants to go on after an error
// wraps the statement in a savepoint - the stores' TxScope and the write queue's units do.
// Inside an open transaction, Savepoint() and ReleaseSavepoint() are not sent on their own:
// they go with the next statement (libpq's pipeline mode), so a turn's nested savepoints cost
// no round trips of their own; should one fail, the next statement returns its error.
// Rollback() with no open transaction is a no-op. Commit() is durable by itself
// (commit_needs_sync() false; the server's synchronous_commit decides).
//
// Errors by SQLSTATE: class 23 (unique, foreign key, not null, check) kAlreadyExists, as
// SQLite's constraint errors; 40001 40P01 55P03 57014 (statement timeout) 57P0x, class 53
// (disk full: write_fault() "disk full") and class 08 (the connection) kUnavailable; the
// rest kInternal. Messages carry the server's primary message and SQLSTATE, never its
// DETAIL (which quotes the row's values, personal data included). 40001 and 40P01 (a
// serialization failure, a deadlock) also count in conflicts().
//
// Locks (database.h LockKey, TryLockSession, UnlockSession) are advisory locks on
// hashtextextended(current_schema() || ' ' || key): pg_advisory_xact_lock, pg_try_advisory_lock
// and pg_advisory_unlock. A wait for LockKey counts against statement_timeout; a cycle of
// waits is broken by the server after deadlock_timeout (1 s by default) with 40P01.
//
// A connection that broke is reset (and its session settings applied again) by the next
// statement outside a transaction; a transaction open when it broke is lost, and everything
// until the next Rollback()/Begin() fails with kUnavailable.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/database.h"
#include "storage/notifier.h"

namespace linli::storage {

struct PostgresOptions {
  // A libpq connection string: "host=/run/postgresql dbname=linli user=linli" or a
  // postgresql:// URI. connect_timeout defaults to 10 s unless it sets one.
  std::string dsn;
  // The schema tables live in (search_path); "" = the server's default (usually "public").
  // It must exist. A plain identifier: [A-Za-z_][A-Za-z0-9_]*, at most 63 characters.
  std::string schema;
  // statement_timeout of the session, in milliseconds (0 = none): a statement that runs longer
  // is cancelled with kUnavailable.
  int statement_timeout_ms = 30000;
  // Every transaction of the session is read-only (default_transaction_read_only): a write
  // fails with kInternal. For the reader connections (open_database.h OpenReader).
  bool read_only = false;
};

// Connects and applies the session settings. Errors: kInvalidArgument for a DSN libpq cannot
// parse, a bad schema name or a negative timeout, each message starting with its config key
// (storage.postgresql.dsn, ...; the DSN itself is never quoted: it may hold a password);
// kUnavailable when the server cannot be reached or refuses the connection - "postgresql:
// cannot connect to database \"D\" on host H port P as user \"U\": <libpq's reason>", never the
// password; kFailedPrecondition when the schema does not exist (named, with
// storage.postgresql.schema).
StatusOr<std::unique_ptr<Database>> OpenPostgres(const PostgresOptions& options);

// A Notifier (storage/notifier.h) on a connection of its own, LISTENing on "linli_<topic>";
// not connected yet (its Listen() or first Wait() connects, and connects again after a lost
// connection, with the same session settings as OpenPostgres). Errors: those of OpenPostgres
// for bad options, kInvalidArgument for a bad topic (IsNotifierTopic), kInternal when no
// eventfd can be made. Not thread-safe except Interrupt(); the caller owns it.
StatusOr<std::unique_ptr<Notifier>> OpenPostgresNotifier(const PostgresOptions& options,
                                                         std::string_view topic);

// Where `dsn` points, for messages and logs: "postgresql://user@host:port/dbname" with what
// the DSN names (a part it leaves to libpq's defaults is left out; a socket directory is
// percent-encoded); never the password or other options. "" when libpq cannot parse it.
std::string DescribePostgresDsn(const std::string& dsn);

}  // namespace linli::storage
