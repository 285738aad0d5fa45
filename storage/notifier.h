// Wake-ups between the processes that share one database (issue 14 point 3: several
// `linli serve` on one PostgreSQL). A writer calls Signal(db, topic) in the transaction that
// made work for others; when it commits, every Notifier listening on that topic - in any
// process, connected to the same database and schema - returns true from Wait. A wake-up
// only, never the work itself: a signal sent while a listener was reconnecting is lost, so a
// listener still polls (and looks once more after each reconnect).
//
// PostgreSQL: LISTEN/NOTIFY on channel "linli_<topic>" with the schema as the payload
// (instances of other schemas in the same database wake each other only spuriously - their
// payload does not match, and Wait ignores it). SQLite has none: one process serves a file
// and its in-process wake-ups suffice, so OpenNotifier (storage/open_database.h) gives nullptr
// and Signal does nothing.
#pragma once

#include <chrono>
#include <string_view>

#include "bot/status.h"
#include "storage/database.h"

namespace linli::storage {

class Notifier {
 public:
  virtual ~Notifier() = default;
  Notifier() = default;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Connects and listens, unless it does already (again after a lost connection). Every
  // signal committed after an OK return is seen by a later Wait. Errors: kUnavailable when
  // the server cannot be reached (the message names the database, never the password). Call
  // it from the thread that waits.
  virtual Status Listen() = 0;
  // Blocks until a signal of the topic arrives (true; signals that arrived meanwhile count as
  // one), `timeout` passes or Interrupt() is called (false). Listens first when not
  // listening. Errors: kUnavailable when the connection is lost or cannot be made; the next
  // call connects again, so a caller falls back to polling and calls again later. One
  // thread waits at a time.
  virtual StatusOr<bool> Wait(std::chrono::milliseconds timeout) = 0;
  // Makes the Wait in progress, or else the next one, return false at once. Thread-safe (for
  // a Stop() on another thread).
  virtual void Interrupt() = 0;
};

// Whether `topic` may name a topic: [a-z_][a-z0-9_]*, at most 40 characters.
bool IsNotifierTopic(std::string_view topic);

// Signals `topic` to the database's Notifiers: delivered when the current transaction
// commits (at once outside one), dropped when it - or the savepoint it ran in - rolls back;
// the signals of one transaction reach a listener as one. Nothing on backends without
// Notifiers (SQLite). Errors: kInvalidArgument for a bad topic; otherwise as Database::Exec.
Status Signal(Database& db, std::string_view topic);

}  // namespace linli::storage
