#include "bot/server/backup_job.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "bot/server/log.h"

namespace linli {

namespace fs = std::filesystem;

std::string BackupFileName(const domain::CivilTime& t) {
  char name[40];
  std::snprintf(name, sizeof name, "linli-%04d%02d%02d-%02d%02d.db", t.year, t.month, t.day,
                t.hour, t.minute);
  return name;
}

bool IsBackupFileName(std::string_view name) {
  constexpr std::string_view kShape = "linli-########-####.db";  // '#': a digit
  if (name.size() != kShape.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(name[i])) != 0;
    if (kShape[i] == '#' ? !digit : name[i] != kShape[i]) return false;
  }
  return true;
}

std::vector<std::string> BackupsBeyondKeep(std::vector<std::string> names, int keep) {
  names.erase(std::remove_if(names.begin(), names.end(),
                             [](const std::string& n) { return !IsBackupFileName(n); }),
              names.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const size_t kept = static_cast<size_t>(std::max(keep, 0));
  if (names.size() <= kept) return {};
  names.resize(names.size() - kept);
  return names;
}

StatusOr<DailyBackup> RunDailyBackup(const config::BackupConfig& config,
                                     const storage::DatabaseOptions& database,
                                     const domain::TimeZone& zone, int64_t now_ms,
                                     const std::atomic<bool>* cancel) {
  std::error_code ec;
  if (!fs::is_directory(config.dir, ec)) {
    fs::create_directories(config.dir, ec);
    if (ec) return Status::Internal("backup: cannot create " + config.dir + ": " + ec.message());
    // The copies hold personal data.
    ::chmod(config.dir.c_str(), 0700);
  }
  const std::string path =
      (fs::path(config.dir) / BackupFileName(zone.ToLocal(now_ms / 1000))).string();
  storage::BackupOptions options;
  options.overwrite = true;  // the same minute again: a repeated run of this period
  options.cancel = cancel;
  DailyBackup out;
  LINLI_ASSIGN_OR_RETURN(out.backup, storage::BackupDatabase(database, path, options));

  std::vector<std::string> names;
  for (fs::directory_iterator it(config.dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) names.push_back(it->path().filename().string());
  }
  if (ec) return Status::Internal("backup: cannot list " + config.dir + ": " + ec.message());
  for (const std::string& name : BackupsBeyondKeep(std::move(names), config.keep)) {
    const fs::path old = fs::path(config.dir) / name;
    if (!fs::remove(old, ec) && ec) {
      return Status::Internal("backup: wrote " + path + " but cannot delete " + old.string() +
                              ": " + ec.message());
    }
    out.deleted.push_back(old.string());
  }
  return out;
}

Job BackupJob(const config::BackupConfig& config, storage::DatabaseOptions database,
              std::shared_ptr<const domain::TimeZone> zone) {
  int hour = 3, minute = 30;
  std::sscanf(config.at.c_str(), "%d:%d", &hour, &minute);
  Job job;
  job.name = kBackupJobName;
  job.schedule = domain::Schedule::Daily(hour, minute);
  job.retry_delay = kBackupRetryDelay;
  job.blocking = [config, database = std::move(database),
                  zone = std::move(zone)](const JobTick& tick) -> Status {
    // A failure is logged once, by the scheduler ("job backup failed: ...").
    LINLI_ASSIGN_OR_RETURN(DailyBackup done,
                           RunDailyBackup(config, database, *zone, tick.now_ms, tick.stopping));
    GetLogger("backup")->info("backup: wrote {} ({} bytes, schema version {}); {} old removed",
                              done.backup.path, done.backup.bytes, done.backup.schema_version,
                              done.deleted.size());
    return Status::Ok();
  };
  return job;
}

}  // namespace linli
