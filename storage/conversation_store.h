// Dialog state per conversation (ConversationRef::Key()). Written through on every turn in
// the same transaction as the turn's domain writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace linli::storage {

struct DialogState {
  std::string flow;        // "" = idle
  std::string step;
  std::string slots_json;  // JSON object of collected slots, "{}" when empty
  std::string locale;      // language of this conversation, may be ""
  int64_t updated_at_ms = 0;
};

class ConversationStore {
 public:
  // Takes the lock of conversation `key` (Database::LockKey) until the transaction ends, so
  // that units of one conversation on several instances run one after the other: a unit that
  // reads and then writes the conversation's state - the router's turn (dialog state, card
  // replies, pushed questions, dedupe) - takes it before its first read. Nothing on SQLite.
  // Pushes need not take it: QuestionStore::Ask is one upsert and a turn drops only the
  // question it saw (QuestionStore::Drop's asked_before), so a push on another instance is
  // either seen by the turn or survives it - and a notice to a whole electorate would
  // otherwise hold a lock per voter.
  static Status Lock(Database& db, const std::string& key);
  static StatusOr<std::optional<DialogState>> Load(Database& db, const std::string& key);
  static Status Save(Database& db, const std::string& key, const DialogState& state);
  static Status Clear(Database& db, const std::string& key);
  // Drops dialog states last written before `before_ms` (abandoned flows). Returns how many.
  static StatusOr<int64_t> PruneIdle(Database& db, int64_t before_ms);
};

}  // namespace linli::storage
