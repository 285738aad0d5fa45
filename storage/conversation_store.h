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
  static StatusOr<std::optional<DialogState>> Load(Database& db, const std::string& key);
  static Status Save(Database& db, const std::string& key, const DialogState& state);
  static Status Clear(Database& db, const std::string& key);
  // Drops dialog states last written before `before_ms` (abandoned flows). Returns how many.
  static StatusOr<int64_t> PruneIdle(Database& db, int64_t before_ms);
};

}  // namespace linli::storage
