#include "storage/card_store.h"

namespace linli::storage {

Status CardStore::Record(Database& db, const CardRef& card) {
  if (card.channel.empty() || card.platform_message_id.empty() || card.kind.empty()) {
    return Status::InvalidArgument("card: channel, platform message id and kind are required");
  }
  return db.Exec(
      "INSERT INTO card_refs (channel, chat_id, platform_message_id, kind, ref, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (channel, chat_id, platform_message_id) DO UPDATE SET kind = excluded.kind, "
      "ref = excluded.ref, created_at = excluded.created_at",
      {card.channel, card.chat_id, card.platform_message_id, card.kind, card.ref,
       card.created_at_ms});
}

StatusOr<std::optional<CardRef>> CardStore::Find(Database& db, const std::string& channel,
                                                 const std::string& chat_id,
                                                 const std::string& platform_message_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT kind, ref, created_at FROM card_refs WHERE channel = ? AND "
                          "chat_id = ? AND platform_message_id = ?",
                          {channel, chat_id, platform_message_id}));
  if (rows.empty()) return std::optional<CardRef>();
  CardRef card;
  card.channel = channel;
  card.chat_id = chat_id;
  card.platform_message_id = platform_message_id;
  card.kind = rows[0].Text(0);
  card.ref = rows[0].Text(1);
  card.created_at_ms = rows[0].Int(2);
  return std::optional<CardRef>(std::move(card));
}

StatusOr<std::vector<CardRef>> CardStore::ForRef(Database& db, const std::string& kind,
                                                 const std::string& ref) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT channel, chat_id, platform_message_id, created_at FROM card_refs "
                          "WHERE kind = ? AND ref = ? ORDER BY created_at",
                          {kind, ref}));
  std::vector<CardRef> out;
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), kind, ref, r.Int(3)});
  return out;
}

StatusOr<int64_t> CardStore::PruneBefore(Database& db, int64_t cutoff_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM card_refs WHERE created_at < ?", {cutoff_ms}));
  return db.changes();
}

}  // namespace linli::storage
