// The media part of the retention job (bot/server/jobs.cc "retention", hourly): deletes the
// files and rows of photos older than media.retention_days, and those of erased residents
// (storage/personal_data.cc marks them erased).
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "storage/database.h"

namespace linli::domain::media {

// Deletes every media row created before now - retention_days (and every erased one), with
// its file, in the caller's transaction. Rows being fetched are left for the next run. A
// file that cannot be removed keeps its row (the next run retries; the caller logs
// first_error). Errors: database errors.
struct PurgeResult {
  int64_t deleted = 0;      // rows (and their files) deleted
  int64_t kept = 0;         // rows kept because their file could not be removed
  std::string first_error;  // the first such error
};
StatusOr<PurgeResult> PurgeExpiredMedia(storage::Database& db, const config::MediaConfig& config,
                                    int64_t now_ms);

}  // namespace linli::domain::media
