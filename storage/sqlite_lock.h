// Who is using an SQLite database file (issue 15 point 4: a restore must not replace the
// database under a running `linli serve`). SQLite's own locks say nothing about an idle
// connection, so every connection OpenSqlite makes also holds a shared flock(2) on a lock file
// beside the database, "<path>.lock", for as long as it is open; `linli restore` takes the
// same lock exclusively, without waiting, and holds it while it swaps the files.
//
// Why flock on a file of its own: the kernel drops the lock when the process ends in any way
// (kill -9 included), so a lock is never stale; it never meets SQLite's fcntl byte-range locks
// on the database file (flock and fcntl locks are independent on Linux, and on NFS - where
// Linux emulates flock with fcntl locks - a separate file still keeps them apart); and it is
// per open file description, so two connections of one process conflict like two processes
// (the in-process tests see what the binary sees).
#pragma once

#include <memory>
#include <string>

#include "bot/status.h"

namespace linli::storage {

class SqliteUseLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Takes the lock on "<db_path>.lock" (created 0644 when missing, unless `create` is false:
  // read-only connections leave no file behind) without waiting. Returns:
  //   a held lock;
  //   nullptr (OK) for a path that is not a plain file (":memory:", "file:" URIs), and for a
  //     shared lock whose file is missing (create false) or can be neither created nor opened
  //     (a read-only folder: such a reader could not write anyway);
  //   kUnavailable when the lock is held in a conflicting mode - shared: "being restored"
  //     (an exclusive holder), exclusive: "in use" (any shared holder); the message names the
  //     database;
  //   kInternal for an exclusive lock whose file cannot be created or locked (names the file
  //     and the system's error).
  static StatusOr<std::unique_ptr<SqliteUseLock>> Acquire(const std::string& db_path, Mode mode,
                                                          bool create = true);

  ~SqliteUseLock();  // releases it (closes the descriptor)
  SqliteUseLock(const SqliteUseLock&) = delete;
  SqliteUseLock& operator=(const SqliteUseLock&) = delete;

  // "<db_path>.lock".
  static std::string LockPathFor(const std::string& db_path);

 private:
  explicit SqliteUseLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace linli::storage
