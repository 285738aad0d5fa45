// Internal helpers shared by the storage implementations. Not a seam: include it from
// storage/*.cc only.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

#include "bot/message.h"
#include "storage/database.h"

namespace linli::storage::internal {

// The "storage" logger (created from the default logger on first use).
std::shared_ptr<spdlog::logger> Logger();

// A statement for an error message: its first 120 bytes on one line, "..." when cut. Both
// backends append it to their errors ("... [INSERT INTO tickets ...]").
std::string AbbrevSql(std::string_view sql);

// Makes one store call atomic: a transaction (Begin) when none is open, otherwise a savepoint
// inside the caller's transaction (e.g. a write-queue unit), so the call composes with the
// caller's other writes. Rolls back on destruction unless Commit() succeeded.
class TxScope {
 public:
  TxScope(Database& db, std::string_view savepoint_name);
  ~TxScope();
  TxScope(const TxScope&) = delete;
  TxScope& operator=(const TxScope&) = delete;

  // Outcome of opening the transaction/savepoint; check before using the scope.
  const Status& status() const { return status_; }
  // Commits the transaction or releases the savepoint.
  Status Commit();

 private:
  void Abort();

  Database& db_;
  std::string name_;
  bool nested_ = false;
  bool open_ = false;
  Status status_;
};

// The person of (channel, user_id); when the identity is unknown, a resident person and an
// identity that has not been seen yet (last_seen_at 0, so pushes prefer the identities the
// person really uses) are created and *created is set. For the config syncs (roles, volunteers).
StatusOr<int64_t> PersonForIdentity(Database& db, const std::string& channel,
                                    const std::string& user_id, int64_t now_ms, bool* created);

const char* ChatTypeName(ChatType type);
ChatType ParseChatType(std::string_view name);

}  // namespace linli::storage::internal
