#include "storage/media_store.h"

namespace linli::storage {

namespace {

constexpr const char* kMediaColumns =
    "id, ticket_id, channel, platform_ref, message_id, state, local_path, bytes, sha256, "
    "content_type, attempts, next_attempt_at, last_error, created_at, fetched_at";

MediaState StateFrom(const std::string& s) {
  for (MediaState st : {MediaState::kPending, MediaState::kFetching, MediaState::kFetched,
                        MediaState::kFailed, MediaState::kRefused, MediaState::kErased}) {
    if (s == NameOf(st)) return st;
  }
  return MediaState::kFailed;
}

MediaItem MediaFromRow(const Row& r) {
  MediaItem m;
  m.id = r.Int(0);
  m.ticket_id = r.Int(1);
  m.channel = r.Text(2);
  m.platform_ref = r.Text(3);
  m.message_id = r.Text(4);
  m.state = StateFrom(r.Text(5));
  m.local_path = r.Text(6);
  m.bytes = r.Int(7);
  m.sha256 = r.Text(8);
  m.content_type = r.Text(9);
  m.attempts = static_cast<int>(r.Int(10));
  m.next_attempt_at_ms = r.Int(11);
  m.last_error = r.Text(12);
  m.created_at_ms = r.Int(13);
  m.fetched_at_ms = r.Int(14);
  return m;
}

StatusOr<std::vector<MediaItem>> Select(Database& db, const std::string& where,
                                        const std::vector<Value>& params) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query(std::string("SELECT ") + kMediaColumns + " FROM media " + where, params));
  std::vector<MediaItem> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(MediaFromRow(r));
  return out;
}

Status ExpectChanged(Database& db, int64_t id) {
  if (db.changes() == 0) {
    return Status::NotFound("media " + std::to_string(id) + ": not being fetched");
  }
  return Status::Ok();
}

}  // namespace

const char* NameOf(MediaState state) {
  switch (state) {
    case MediaState::kPending: return "pending";
    case MediaState::kFetching: return "fetching";
    case MediaState::kFetched: return "fetched";
    case MediaState::kFailed: return "failed";
    case MediaState::kRefused: return "refused";
    case MediaState::kErased: return "erased";
  }
  return "failed";
}

StatusOr<int64_t> MediaStore::Enqueue(Database& db, int64_t ticket_id, const std::string& channel,
                                      const std::string& platform_ref,
                                      const std::string& message_id, int64_t now_ms) {
  if (ticket_id <= 0 || channel.empty() || platform_ref.empty()) {
    return Status::InvalidArgument("media: ticket id, channel and ref are required");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO media (ticket_id, channel, platform_ref, message_id, state, "
               "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
               {ticket_id, channel, platform_ref, message_id, now_ms, now_ms}));
  if (rows.empty()) return Status::Internal("media: insert returned no id");
  return rows[0].Int(0);
}

StatusOr<std::vector<MediaItem>> MediaStore::ClaimDue(Database& db, int64_t now_ms, int limit,
                                                      int64_t lease_ms) {
  LINLI_ASSIGN_OR_RETURN(
      auto due, Select(db, "WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY "
                           "next_attempt_at, id LIMIT ?",
                       {now_ms, int64_t{limit}}));
  std::vector<MediaItem> claimed;
  for (MediaItem& m : due) {
    LINLI_RETURN_IF_ERROR(db.Exec("UPDATE media SET state = 'fetching', attempts = attempts + 1, "
                                  "next_attempt_at = ? WHERE id = ? AND state = 'pending'",
                                  {now_ms + lease_ms, m.id}));
    if (db.changes() == 0) continue;  // another worker's claim came first
    m.state = MediaState::kFetching;
    m.next_attempt_at_ms = now_ms + lease_ms;
    ++m.attempts;
    claimed.push_back(std::move(m));
  }
  return claimed;
}

StatusOr<int64_t> MediaStore::RecoverInFlight(Database& db, int64_t now_ms) {
  if (db.dialect() != "sqlite") return RecoverExpired(db, now_ms);
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE media SET state = 'pending', next_attempt_at = ? WHERE state = 'fetching'", {now_ms}));
  return db.changes();
}

StatusOr<int64_t> MediaStore::RecoverExpired(Database& db, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("UPDATE media SET state = 'pending', next_attempt_at = ? "
                                "WHERE state = 'fetching' AND next_attempt_at <= ?",
                                {now_ms, now_ms}));
  return db.changes();
}

Status MediaStore::MarkFetched(Database& db, int64_t id, const std::string& local_path,
                               int64_t bytes, const std::string& sha256,
                               const std::string& content_type, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE media SET state = 'fetched', local_path = ?, bytes = ?, sha256 = ?, "
      "content_type = ?, fetched_at = ?, last_error = '' WHERE id = ? AND state = 'fetching'",
      {local_path, bytes, sha256, content_type, now_ms, id}));
  return ExpectChanged(db, id);
}

Status MediaStore::MarkRetry(Database& db, int64_t id, int64_t due_ms, const std::string& error) {
  LINLI_RETURN_IF_ERROR(db.Exec("UPDATE media SET state = 'pending', next_attempt_at = ?, "
                                "last_error = ? WHERE id = ? AND state = 'fetching'",
                                {due_ms, error, id}));
  return ExpectChanged(db, id);
}

Status MediaStore::MarkFailed(Database& db, int64_t id, const std::string& error) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE media SET state = 'failed', last_error = ? WHERE id = ? AND state = 'fetching'",
      {error, id}));
  return ExpectChanged(db, id);
}

Status MediaStore::MarkRefused(Database& db, int64_t id, const std::string& error) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE media SET state = 'refused', last_error = ? WHERE id = ? AND state = 'fetching'",
      {error, id}));
  return ExpectChanged(db, id);
}

StatusOr<std::optional<MediaItem>> MediaStore::FetchedForTicket(Database& db, int64_t ticket_id) {
  LINLI_ASSIGN_OR_RETURN(
      auto rows, Select(db, "WHERE ticket_id = ? AND state = 'fetched' ORDER BY id DESC LIMIT 1",
                        {ticket_id}));
  if (rows.empty()) return std::optional<MediaItem>();
  return std::optional<MediaItem>(std::move(rows[0]));
}

StatusOr<std::vector<MediaItem>> MediaStore::ForTicket(Database& db, int64_t ticket_id) {
  return Select(db, "WHERE ticket_id = ? ORDER BY id", {ticket_id});
}

StatusOr<std::optional<MediaItem>> MediaStore::Find(Database& db, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(auto rows, Select(db, "WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<MediaItem>();
  return std::optional<MediaItem>(std::move(rows[0]));
}

StatusOr<std::vector<MediaItem>> MediaStore::Expired(Database& db, int64_t cutoff_ms, int limit) {
  // Two index searches (created_at, state) rather than an OR the planner answers with a scan
  // of every photo row.
  return Select(db, "WHERE id IN (SELECT id FROM media WHERE created_at < ? UNION "
                    "SELECT id FROM media WHERE state = 'erased') AND state <> 'fetching' "
                    "ORDER BY id LIMIT ?",
                {cutoff_ms, int64_t{limit}});
}

Status MediaStore::Delete(Database& db, int64_t id) {
  return db.Exec("DELETE FROM media WHERE id = ?", {id});
}

}  // namespace linli::storage
