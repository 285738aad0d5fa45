#include "storage/conversation_store.h"

#include <string>

namespace linli::storage {

StatusOr<std::optional<DialogState>> ConversationStore::Load(Database& db,
                                                             const std::string& key) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT flow, step, slots_json, locale, updated_at FROM conversations "
                          "WHERE key = ?",
                          {key}));
  if (rows.empty()) return std::optional<DialogState>();
  DialogState s;
  s.flow = rows[0].Text(0);
  s.step = rows[0].Text(1);
  s.slots_json = rows[0].Text(2);
  s.locale = rows[0].Text(3);
  s.updated_at_ms = rows[0].Int(4);
  if (s.slots_json.empty()) s.slots_json = "{}";
  return std::optional<DialogState>(std::move(s));
}

Status ConversationStore::Lock(Database& db, const std::string& key) {
  return db.LockKey("conversation " + key);
}

Status ConversationStore::Save(Database& db, const std::string& key, const DialogState& state) {
  if (key.empty()) return Status::InvalidArgument("conversation: empty key");
  return db.Exec(
      "INSERT INTO conversations (key, flow, step, slots_json, locale, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (key) DO UPDATE SET flow = excluded.flow, step = excluded.step, "
      "slots_json = excluded.slots_json, locale = excluded.locale, "
      "updated_at = excluded.updated_at",
      {key, state.flow, state.step, state.slots_json.empty() ? std::string("{}") : state.slots_json,
       state.locale, state.updated_at_ms});
}

Status ConversationStore::Clear(Database& db, const std::string& key) {
  return db.Exec("DELETE FROM conversations WHERE key = ?", {key});
}

StatusOr<int64_t> ConversationStore::PruneIdle(Database& db, int64_t before_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM conversations WHERE updated_at < ?", {before_ms}));
  return db.changes();
}

}  // namespace linli::storage
