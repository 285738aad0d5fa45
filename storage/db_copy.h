// Copying a community's whole database to another one (issue 14 point 4, `linli db copy`):
// SQLite to PostgreSQL and back, SQLite to SQLite, PostgreSQL to PostgreSQL.
//
// What is copied: every table of the source's catalogue (sqlite_master; PostgreSQL: the base
// tables of the connection's current schema) except schema_migrations, which the target's own
// migrations wrote - never a hand-kept list. The source and the target must have the same
// tables with the same columns (both at this build's schema version). Tables go parents first
// (by their foreign keys), each read in primary-key order (tables without one: in the order of
// all their columns) in pages by a keyset cursor, and written in multi-row INSERTs with every
// value bound as a parameter, of the type it was read as (integer, double, text, NULL). BLOB /
// bytea columns are refused (the Database seam has no byte-string value; the schema has none).
//
// Consistency: the source is read in ONE read-only transaction (SQLite: a deferred BEGIN, one
// WAL snapshot; PostgreSQL: REPEATABLE READ READ ONLY), so the copy and its checksums are of
// one state even while something writes the source - but what is written after that snapshot
// is not copied: stop the service first. CopyDatabase refuses an SQLite source or target that
// another connection has open (its use lock, storage/sqlite_lock.h: `linli serve`, `linli
// chat`); a PostgreSQL service cannot be seen from here.
//
// All or nothing: the target is written in ONE transaction, verified inside it, and committed
// only when every table matches; on any error or mismatch it is rolled back, and the target is
// as it was (on PostgreSQL the identity sequences too: they are moved with ALTER SEQUENCE,
// which is transactional, never setval).
//
// Verification, per table: the row count and a SHA-256 over the rows in key order, computed the
// same way on both sides from the values as read (the source's while copying, the target's read
// back inside the target's transaction). Each value is hashed as canonical text - its type and
// its value: an integer in decimal, a double in its shortest round-trip form (1.5 is "1.5" on
// SQLite and PostgreSQL alike), text with its byte length, NULL - so a value that changed type
// or content, a lost or added row, or a different order shows as a mismatch. Text keys are
// ordered by bytes on both sides (PostgreSQL: COLLATE "C", as SQLite's BINARY).
//
// After the copy, on a PostgreSQL target, every sequence owned by a column (the identity
// columns of the {ID} primary keys, serial columns) restarts past the largest copied value, so
// the next ticket, person or outbox row gets a fresh id; ticket numbers follow MAX(number).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "storage/database.h"
#include "storage/open_database.h"

namespace linli::storage {

// Where a copy is, for a progress display. Reported on the calling thread after each page (and
// once with table_done at the end of each table) of each phase.
struct CopyProgress {
  enum class Phase { kCopy, kVerify };
  Phase phase = Phase::kCopy;
  std::string table;       // the table being copied or verified
  size_t table_index = 0;  // 0-based, in copy order
  size_t tables = 0;       // how many tables are copied
  int64_t table_rows_done = 0;
  int64_t table_rows = 0;  // the table's rows in the source
  int64_t rows_done = 0;   // this phase, all tables so far
  int64_t rows = 0;        // all rows of the source
  bool table_done = false;
};

struct CopyOptions {
  int page_rows = 500;  // rows read per page (>= 1)
  std::function<void(const CopyProgress&)> progress;  // optional
};

// One table's verification.
struct TableCheck {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;
  std::string source_checksum;  // lowercase hex SHA-256 over the canonical rows in key order
  std::string target_checksum;
  bool ok() const { return source_rows == target_rows && source_checksum == target_checksum; }
};

// Why a copy did not happen. Every refusal leaves the target as it was (before the copy's
// transaction: CopyDatabase may have migrated an empty target first - see there).
enum class CopyRefusal {
  kNone,               // copied and verified; the target's transaction is committed
  kSourceMissing,      // SQLite: no file at the source path
  kSameDatabase,       // source and target are one database (file, or PostgreSQL schema)
  kSourceInUse,        // SQLite: another connection has the source open (a running service)
  kTargetInUse,        // SQLite: another connection has the target open
  kSourceOlderSchema,  // schema_version below this build's (0: not a Linli database)
  kSourceNewerSchema,  // schema_version above this build's
  kTargetNotEmpty,     // `table` has `rows` rows besides those the migrations insert
  kSchemaDiffers,      // the two catalogues differ (`detail` says how)
  kMismatch,           // verification failed (see `tables`); the target was rolled back
};

struct CopyOutcome {
  CopyRefusal refusal = CopyRefusal::kNone;
  std::string detail;      // kSchemaDiffers: what differs ("table x: only in the source")
  std::string table;       // kTargetNotEmpty: the first table with rows
  int64_t rows = 0;        // kTargetNotEmpty: how many
  int schema_version = 0;  // the source's
  std::vector<TableCheck> tables;  // kNone and kMismatch: every table, in copy order
  int64_t rows_copied = 0;         // kNone: rows written to the target

  bool copied() const { return refusal == CopyRefusal::kNone; }
};

// Copies the database `from` opens into the one `to` opens, each as OpenDatabase/OpenReader
// would open it. In order, before anything is written to the target:
//   SQLite source: the file must exist (kSourceMissing) and no other connection may hold it
//     (kSourceInUse); it is opened read-only (OpenReader, nothing created or migrated);
//   the source's schema version must be this build's (kSourceOlderSchema: run `linli migrate`
//     on it first; kSourceNewerSchema);
//   the target must not be the source (kSameDatabase: the same file by device and inode, or
//     the same PostgreSQL server, database and schema);
//   SQLite target: no other connection may hold it (kTargetInUse); a use lock that cannot be
//     tried at all (no lock file can be made in a read-only folder) counts as free;
// then the target is opened with OpenDatabase (created if missing and migrated: a fresh
// target becomes an empty database of this build's schema, which stays when the copy is then
// refused or fails) and CopyContents runs.
// Errors (Status): what OpenReader / OpenDatabase return for a database that cannot be opened
// (":memory:" as source or target is kFailedPrecondition), and CopyContents' errors.
StatusOr<CopyOutcome> CopyDatabase(const DatabaseOptions& from, const DatabaseOptions& to,
                                   const CopyOptions& options = {});

// The copy itself on open connections. `source` is read in one read-only transaction of its
// own (it must not be in a transaction); `target` must be migrated to this build's schema and
// not in a transaction. Refusals: kSourceOlderSchema / kSourceNewerSchema, kSchemaDiffers,
// kTargetNotEmpty (checked inside the target's transaction: any row in any copied table
// other than those a fresh migration inserts, e.g. migration 27's roster_names_token row,
// which is replaced by the source's), kMismatch. Errors: kFailedPrecondition for a connection
// in a transaction or a BLOB column (named), kInvalidArgument for page_rows < 1, and any read
// or write error, its message prefixed with the table ("copying table tickets: ...").
// Refusals and errors roll the target back.
StatusOr<CopyOutcome> CopyContents(Database& source, Database& target,
                                   const CopyOptions& options = {});

// One table's row count and checksum as the verification computes them.
struct TableSum {
  std::string table;
  int64_t rows = 0;
  std::string checksum;
};

// Every table CopyContents would copy (catalogue order: parents first, then by name), with its
// rows and checksum, read in one read-only transaction of `db` (not in a transaction). For
// comparing two databases after a copy, and for tests.
StatusOr<std::vector<TableSum>> SumTables(Database& db);

}  // namespace linli::storage
