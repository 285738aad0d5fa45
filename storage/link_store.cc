#include "storage/link_store.h"

namespace linli::storage {

Status LinkStore::CreateCode(Database& db, const std::string& code, int64_t person_id,
                             int64_t now_ms, int64_t expires_at_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM link_codes WHERE person_id = ? OR expires_at < ?",
                                {person_id, now_ms}));
  return db.Exec("INSERT INTO link_codes (code, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                 {code, person_id, now_ms, expires_at_ms});
}

StatusOr<std::optional<int64_t>> LinkStore::ConsumeCode(Database& db, const std::string& code,
                                                        int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT person_id, expires_at FROM link_codes WHERE code = ?", {code}));
  if (rows.empty()) return std::optional<int64_t>();
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM link_codes WHERE code = ?", {code}));
  if (rows[0].Int(1) < now_ms) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

StatusOr<int> LinkStore::Failures(Database& db, const std::string& channel,
                                  const std::string& user_id, int64_t now_ms, int64_t window_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT window_start, failures FROM link_failures "
                          "WHERE channel = ? AND user_id = ?",
                          {channel, user_id}));
  if (rows.empty() || rows[0].Int(0) + window_ms <= now_ms) return 0;
  return static_cast<int>(rows[0].Int(1));
}

Status LinkStore::RecordFailure(Database& db, const std::string& channel,
                                const std::string& user_id, int64_t now_ms, int64_t window_ms) {
  // A window that has run out starts again at this failure.
  return db.Exec(
      "INSERT INTO link_failures (channel, user_id, window_start, failures) VALUES (?, ?, ?, 1) "
      "ON CONFLICT (channel, user_id) DO UPDATE SET "
      "failures = CASE WHEN link_failures.window_start + ? <= ? THEN 1 "
      "ELSE link_failures.failures + 1 END, "
      "window_start = CASE WHEN link_failures.window_start + ? <= ? THEN ? "
      "ELSE link_failures.window_start END",
      {channel, user_id, now_ms, window_ms, now_ms, window_ms, now_ms, now_ms});
}

}  // namespace linli::storage
