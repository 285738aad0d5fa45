// The database seam (STYLE.md: storage). Stores talk SQL through this interface only, with
// bound parameters, so a PostgreSQL backend can sit beside SQLite without touching them.
// SQL written against it uses '?' placeholders and the common subset of SQLite and
// PostgreSQL (INSERT ... RETURNING, ON CONFLICT DO NOTHING/UPDATE, BIGINT, TEXT).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bot/status.h"

namespace linli::storage {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  // Conversions are lenient: NULL reads as 0 / "", an integer column read as text is formatted.
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
  const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

// One connection. Not thread-safe: owned and used by one thread at a time (the write queue's
// thread in the server). Errors: kUnavailable for a busy/locked database and for a full disk
// or database (retryable: nothing of the failed statement is written), kAlreadyExists for a
// constraint violation, kInternal otherwise.
class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one statement with bound parameters, discarding result rows.
  virtual Status Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs one statement and returns its rows.
  virtual StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations only).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Rows changed by the last Exec.
  virtual int64_t changes() const = 0;

  // Transactions. Savepoints nest inside a transaction (names are plain identifiers).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  virtual Status Savepoint(std::string_view name) = 0;
  virtual Status ReleaseSavepoint(std::string_view name) = 0;
  virtual Status RollbackToSavepoint(std::string_view name) = 0;
  virtual bool in_transaction() const = 0;

  // Durability split from COMMIT, for a group commit that syncs while the next batch runs:
  // when commit_needs_sync() is true, Commit() returns once the transaction is committed
  // (visible, and surviving a crash of this process) but maybe before it is on stable storage,
  // and Sync(lane) makes every transaction committed so far durable (surviving power loss).
  // Sync() is thread-safe and may run on another thread than the connection's owner, while
  // the owner goes on. Lanes 0 .. kSyncLanes - 1 may flush at the same time (a disk that
  // takes milliseconds per flush often serves two at once as fast as one); each lane flushes
  // through a file descriptor of its own, opened by the first Sync() of any lane, because
  // Linux reports a write-back error once per open file: a lane must not miss an error that
  // another lane's flush was told of. When false (the default), Commit() is durable by itself
  // and Sync() is a no-op. Errors of Sync(): kInternal naming the file (the disk refused the
  // flush: what was committed since the last good Sync() may be lost on power loss).
  static constexpr int kSyncLanes = 4;
  virtual bool commit_needs_sync() const { return false; }
  virtual Status Sync(int /*lane*/) { return Status::Ok(); }
  // Why writes fail now, or "" while they work: "disk full" once the backend reported the
  // disk or the database full; cleared by the next COMMIT of a transaction that wrote rows and
  // met no such error (space has returned). For /healthz (storage/write_queue.h fault()).
  virtual std::string write_fault() const { return ""; }

  // Locks between instances (issue 14: several `linli serve` on one PostgreSQL database, each
  // with its own write queue). Keys are any text; they are per schema (two schemas of one
  // database never share a lock). The defaults do nothing and succeed - right for SQLite,
  // where one writer connection owns the file and every unit already runs alone.
  //
  // LockKey: an exclusive lock on `key` held until the current transaction ends (COMMIT,
  // ROLLBACK, or ROLLBACK TO a savepoint taken before it), waiting while another connection
  // holds it. A unit that reads and then writes state shared by key (a conversation's dialog,
  // a job's period) takes it first, so two instances' units of one key run one after the
  // other, never interleaved. Taking a key this transaction holds already succeeds at once.
  // Call it inside a transaction (outside one it is released when the statement ends).
  // Errors: the database's; a wait that closes a cycle with another connection's locks fails
  // with kUnavailable and counts in conflicts() (the write queue then runs the unit again).
  virtual Status LockKey(std::string_view key) {
    (void)key;
    return Status::Ok();
  }
  // A lock on `key` held by this connection across transactions until UnlockSession, or
  // until the connection ends - so a crashed instance's lock goes with it. Never waits: true
  // when this connection holds it now (again: each hold needs its UnlockSession), false when
  // another connection holds it. For work between two units (a job's blocking part) that
  // another instance must not start meanwhile. Errors: the database's. Lost silently when the
  // connection breaks and is reset (postgres_database.h).
  virtual StatusOr<bool> TryLockSession(std::string_view key) {
    (void)key;
    return true;
  }
  // Releases one hold of TryLockSession; a key not held is no error.
  virtual Status UnlockSession(std::string_view key) {
    (void)key;
    return Status::Ok();
  }
  // How many statements of this connection failed so far because of a concurrent
  // transaction of another connection: a deadlock or a serialization failure (PostgreSQL
  // SQLSTATE 40P01, 40001; SQLite never). Retrying the whole unit of work may succeed where
  // the statement failed; the write queue compares it around each unit.
  virtual uint64_t conflicts() const { return 0; }

  // "sqlite" or "postgres": lets migrations pick dialect-specific DDL where they must.
  virtual std::string dialect() const = 0;
};

}  // namespace linli::storage
