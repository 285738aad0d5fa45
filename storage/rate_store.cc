#include "storage/rate_store.h"

namespace linli::storage {

StatusOr<int64_t> RateStore::Hit(Database& db, const std::string& key, int64_t now_ms,
                                 int64_t window_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO rate_counters (key, window_start, window_end, hits) "
               "VALUES (?, ?, ?, 1) "
               "ON CONFLICT (key) DO UPDATE SET "
               "hits = CASE WHEN rate_counters.window_end <= ? THEN 1 "
               "ELSE rate_counters.hits + 1 END, "
               "window_start = CASE WHEN rate_counters.window_end <= ? THEN ? "
               "ELSE rate_counters.window_start END, "
               "window_end = CASE WHEN rate_counters.window_end <= ? THEN ? "
               "ELSE rate_counters.window_end END "
               "RETURNING hits",
               {key, now_ms, now_ms + window_ms, now_ms, now_ms, now_ms, now_ms,
                now_ms + window_ms}));
  if (rows.empty()) return Status::Internal("rate_counters: upsert returned no row");
  return rows[0].Int(0);
}

StatusOr<int64_t> RateStore::Prune(Database& db, int64_t before_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM rate_counters WHERE window_end < ?", {before_ms}));
  return db.changes();
}

}  // namespace linli::storage
