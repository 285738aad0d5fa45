#include "domain/media/media_retention.h"

#include "domain/media/media_intake.h"
#include "storage/media_store.h"

namespace linli::domain::media {

StatusOr<PurgeResult> PurgeExpiredMedia(storage::Database& db, const config::MediaConfig& config,
                                    int64_t now_ms) {
  const int64_t cutoff = now_ms - int64_t{config.retention_days} * 24 * 3600 * 1000;
  PurgeResult result;
  for (;;) {
    LINLI_ASSIGN_OR_RETURN(auto batch, storage::MediaStore::Expired(db, cutoff, 200));
    if (batch.empty()) break;
    int64_t kept = 0;
    for (const auto& item : batch) {
      const Status removed = RemoveMediaFile(config, item.local_path);
      if (!removed.ok()) {
        if (result.first_error.empty()) result.first_error = removed.ToString();
        ++result.kept;
        ++kept;
        continue;
      }
      LINLI_RETURN_IF_ERROR(storage::MediaStore::Delete(db, item.id));
      ++result.deleted;
    }
    if (kept > 0 || batch.size() < 200) break;
  }
  return result;
}

}  // namespace linli::domain::media
