// The daily backup job (issue 15 point 4, config `backup`): each day at backup.at local time a
// consistent copy of the database (storage/open_database.h BackupDatabase, taken while the
// service writes) goes into backup.dir as linli-YYYYMMDD-HHMM.db - the local minute it was
// taken - and the newest backup.keep such files are kept. It is a `blocking` job (jobs.h):
// the copy runs on the scheduler's BlockingPool, never on the event loop nor the write-queue
// thread, and the period is recorded only after the copy succeeded, so its runs and failures
// are in job_runs and the /metrics job counters like every job's. A failed copy deletes
// nothing and is tried again after kBackupRetryDelay; a copy interrupted by a shutdown is
// taken at the next start.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/server/jobs.h"
#include "bot/status.h"
#include "config/config.h"
#include "domain/common/time_zone.h"
#include "storage/open_database.h"

namespace linli {

inline constexpr std::chrono::minutes kBackupRetryDelay{15};

// "linli-YYYYMMDD-HHMM.db" of a local time. Pure.
std::string BackupFileName(const domain::CivilTime& local);
// Whether `name` (a file name, no folder) has exactly that shape. Pure.
bool IsBackupFileName(std::string_view name);
// Of `names` (file names; others than backups are ignored), the backups to delete so that
// the newest `keep` remain: the oldest first. The names sort by time. Pure.
std::vector<std::string> BackupsBeyondKeep(std::vector<std::string> names, int keep);

struct DailyBackup {
  storage::BackupResult backup;  // the file written
  std::vector<std::string> deleted;  // old backups removed (paths)
};

// One run: creates backup.dir (0700) if missing, writes the backup named after `now_ms` in
// `zone` (replacing a file of the same minute: a repeated run), then deletes the backups
// beyond backup.keep. Errors: BackupDatabase's, kInternal when the folder cannot be created
// or listed, or an old backup cannot be deleted (the new one is written by then). Blocking
// I/O: for a pool thread.
StatusOr<DailyBackup> RunDailyBackup(const config::BackupConfig& config,
                                     const storage::DatabaseOptions& database,
                                     const domain::TimeZone& zone, int64_t now_ms,
                                     const std::atomic<bool>* cancel);

// The job kBackupJobName, daily at config.at.
Job BackupJob(const config::BackupConfig& config, storage::DatabaseOptions database,
              std::shared_ptr<const domain::TimeZone> zone);

}  // namespace linli
