#include "storage/web_session_store.h"

namespace linli::storage {

namespace {

constexpr const char* kWebSessionColumns =
    "id, token_hash, kind, person_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at";

WebSession WebSessionFromRow(const Row& r) {
  WebSession s;
  s.id = r.Int(0);
  s.token_hash = r.Text(1);
  s.kind = r.Text(2);
  s.person_id = r.Int(3);
  s.csrf_token = r.Text(4);
  s.created_at_ms = r.Int(5);
  s.last_seen_at_ms = r.Int(6);
  s.expires_at_ms = r.Int(7);
  s.revoked_at_ms = r.Int(8);
  return s;
}

}  // namespace

StatusOr<WebSession> WebSessionStore::Create(Database& db, const WebSession& s) {
  if (s.token_hash.empty() || s.csrf_token.empty() || s.kind.empty() || s.person_id <= 0) {
    return Status::InvalidArgument("web session: token hash, csrf token, kind and person are required");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO web_sessions (token_hash, kind, person_id, csrf_token, created_at, "
               "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (token_hash) DO NOTHING RETURNING id",
               {s.token_hash, s.kind, s.person_id, s.csrf_token, s.created_at_ms,
                s.last_seen_at_ms, s.expires_at_ms}));
  if (rows.empty()) return Status::AlreadyExists("web session: token hash taken");
  WebSession out = s;
  out.id = rows[0].Int(0);
  out.revoked_at_ms = 0;
  return out;
}

StatusOr<std::optional<WebSession>> WebSessionStore::FindValid(Database& db,
                                                               const std::string& token_hash,
                                                               int64_t now_ms, int64_t idle_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kWebSessionColumns +
                   " FROM web_sessions WHERE token_hash = ? AND revoked_at = 0 AND "
                   "expires_at > ? AND last_seen_at + ? > ?",
               {token_hash, now_ms, idle_ms, now_ms}));
  if (rows.empty()) return std::optional<WebSession>();
  return std::optional<WebSession>(WebSessionFromRow(rows[0]));
}

Status WebSessionStore::Touch(Database& db, int64_t id, int64_t now_ms) {
  return db.Exec("UPDATE web_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                 {now_ms, id, now_ms});
}

StatusOr<bool> WebSessionStore::Revoke(Database& db, int64_t id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND revoked_at = 0", {now_ms, id}));
  return db.changes() == 1;
}

StatusOr<int64_t> WebSessionStore::DeleteEnded(Database& db, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "DELETE FROM web_sessions WHERE expires_at <= ? OR (revoked_at > 0 AND revoked_at < ?)",
      {now_ms, now_ms}));
  int64_t n = db.changes();
  LINLI_RETURN_IF_ERROR(db.Exec(
      "DELETE FROM login_links WHERE expires_at <= ? OR (used_at > 0 AND used_at < ?)",
      {now_ms, now_ms}));
  return n;
}

Status WebSessionStore::CreateLink(Database& db, const std::string& token_hash, int64_t person_id,
                                   int64_t now_ms, int64_t expires_at_ms) {
  if (token_hash.empty() || person_id <= 0) {
    return Status::InvalidArgument("login link: token hash and person are required");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO login_links (token_hash, person_id, created_at, expires_at) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING RETURNING id",
               {token_hash, person_id, now_ms, expires_at_ms}));
  if (rows.empty()) return Status::AlreadyExists("login link: token hash taken");
  return Status::Ok();
}

StatusOr<std::optional<int64_t>> WebSessionStore::ConsumeLink(Database& db,
                                                              const std::string& token_hash,
                                                              int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("UPDATE login_links SET used_at = ? WHERE token_hash = ? AND used_at = 0 AND "
               "expires_at > ? RETURNING person_id",
               {now_ms, token_hash, now_ms}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

}  // namespace linli::storage
