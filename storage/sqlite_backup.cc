#include "storage/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "storage/sqlite_lock.h"
#include "storage/store_util.h"

namespace linli::storage {
namespace {

namespace fs = std::filesystem;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

std::string Errno(int err) { return std::strerror(err); }

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

int64_t SizeOf(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

std::string FolderOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// fsync of a file or a folder (a rename is durable once its folder is synced).
Status SyncPath(const std::string& path, bool folder) {
  const int fd = ::open(path.c_str(), (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Status::Internal("cannot open " + path + " to sync it: " + Errno(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::Internal("cannot sync " + path + ": " + Errno(err));
  return Status::Ok();
}

// A new, empty file only we may read: copies of the database hold personal data.
Status CreatePrivate(const std::string& path) {
  ::unlink(path.c_str());  // a temporary file left by a crashed run of this process id
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal("cannot create " + path + ": " + Errno(errno));
  ::close(fd);
  return Status::Ok();
}

// Removes a temporary copy and what SQLite may have made beside it.
void RemoveTemporary(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}

StatusOr<DbHandle> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) {
    return Status::Unavailable("sqlite: cannot open '" + path +
                               "': " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// One statement's first column of every row, or the SQLite result code and message.
struct Answer {
  int rc = SQLITE_OK;
  std::string message;
  std::vector<std::string> rows;
};

Answer Ask(sqlite3* db, const char* sql) {
  Answer a;
  sqlite3_stmt* stmt = nullptr;
  a.rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (a.rc == SQLITE_OK) {
    while ((a.rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      a.rows.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    if (a.rc == SQLITE_DONE) a.rc = SQLITE_OK;
  }
  if (a.rc != SQLITE_OK) a.message = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  return a;
}

bool IsCorruption(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// Copies every page of `src`'s main database into `dst` with the online backup API, in steps
// of kBackupPagesPerStep. The caller holds a read transaction on `src` (one snapshot, so
// another connection's commits neither restart nor block the copy). Returns SQLITE_DONE or
// the failing result code; `*message` says what failed.
int CopyPages(sqlite3* src, sqlite3* dst, const std::atomic<bool>* cancel, int64_t* pages,
              std::string* message) {
  sqlite3_backup* backup = sqlite3_backup_init(dst, "main", src, "main");
  if (backup == nullptr) {
    *message = sqlite3_errmsg(dst);
    return sqlite3_extended_errcode(dst);
  }
  int rc = SQLITE_OK;
  int busy_retries = 0;
  for (;;) {
    if (cancel != nullptr && cancel->load()) {
      rc = SQLITE_INTERRUPT;
      *message = "interrupted (the service is stopping)";
      break;
    }
    rc = sqlite3_backup_step(backup, kBackupPagesPerStep);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) continue;
    const int primary = rc & 0xff;
    if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && ++busy_retries < 500) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    break;
  }
  *pages = sqlite3_backup_pagecount(backup);
  const int finish = sqlite3_backup_finish(backup);
  if (rc == SQLITE_DONE && finish != SQLITE_OK) rc = finish;
  if (rc != SQLITE_DONE && message->empty()) {
    // The failing side's message: the source's for corruption, else the destination's.
    const char* dst_message = sqlite3_errmsg(dst);
    const char* src_message = sqlite3_errmsg(src);
    *message = IsCorruption(rc) ? src_message : (sqlite3_errcode(dst) != SQLITE_OK ? dst_message
                                                                                   : src_message);
    if (message->empty() || *message == "not an error") *message = sqlite3_errstr(rc);
  }
  return rc;
}

// What a copy holds: the integrity check's first problem ("" when ok), whether it has Linli's
// schema_migrations, its version.
struct CopyFacts {
  std::string integrity_problem;
  bool corrupt_unreadable = false;  // the check itself could not read the file
  bool linli = false;
  int schema_version = 0;
};

StatusOr<CopyFacts> Inspect(sqlite3* db) {
  CopyFacts facts;
  Answer check = Ask(db, "PRAGMA integrity_check");
  if (check.rc != SQLITE_OK) {
    if (!IsCorruption(check.rc)) {
      return Status::Internal("sqlite: integrity_check could not run: " + check.message);
    }
    facts.corrupt_unreadable = true;
    facts.integrity_problem = check.message;
    return facts;
  }
  if (check.rows.size() != 1 || check.rows[0] != "ok") {
    facts.integrity_problem = check.rows.empty() ? "no answer" : check.rows[0];
    return facts;
  }
  Answer table = Ask(db,
                     "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                     "name = 'schema_migrations'");
  if (table.rc != SQLITE_OK) return Status::Internal("sqlite: " + table.message);
  facts.linli = !table.rows.empty() && table.rows[0] != "0";
  if (facts.linli) {
    Answer version = Ask(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (version.rc != SQLITE_OK) return Status::Internal("sqlite: " + version.message);
    // A number as SQLite prints it; anything else (a crafted file) reads as 0.
    facts.schema_version =
        version.rows.empty() ? 0 : static_cast<int>(std::strtol(version.rows[0].c_str(), nullptr, 10));
  }
  return facts;
}

// Whether `a` and `b` name the same existing file.
bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return Exists(a) && Exists(b) && fs::equivalent(a, b, ec);
}

bool HasSqliteHeader(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char header[16] = {};
  const ssize_t n = ::read(fd, header, sizeof header);
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof header) &&
         std::memcmp(header, "SQLite format 3\0", sizeof header) == 0;
}

// Makes `path` a self-contained file: the pages copied from a WAL database say "WAL" in
// their header, and a backup file should be one file.
Status SingleFile(sqlite3* db, const std::string& path) {
  Answer mode = Ask(db, "PRAGMA journal_mode=DELETE");
  if (mode.rc != SQLITE_OK) {
    return Status::Internal("sqlite: cannot finish the copy " + path + ": " + mode.message);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<BackupResult> BackupSqlite(const SqliteOptions& source, const std::string& to,
                                    const BackupOptions& options) {
  if (to.empty()) return Status::InvalidArgument("backup: no target file");
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    if (SameFile(to, source.path + suffix)) {
      return Status::InvalidArgument("backup: " + to + " is the database's own file");
    }
  }
  if (Exists(to) && !options.overwrite) {
    return Status::AlreadyExists("backup: " + to + " exists already");
  }
  const std::string folder = FolderOf(to);
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::NotFound("backup: no folder " + folder);
  }
  if (!Exists(source.path)) return Status::Unavailable("backup: no database at " + source.path);

  // The source: a connection of ours, under the shared use lock like every connection.
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<SqliteUseLock> use_lock,
                         SqliteUseLock::Acquire(source.path, SqliteUseLock::Mode::kShared));
  LINLI_ASSIGN_OR_RETURN(DbHandle src, Open(source.path, SQLITE_OPEN_READWRITE));
  if (Answer a = Ask(src.get(), "PRAGMA query_only = ON"); a.rc != SQLITE_OK) {
    return Status::Unavailable("sqlite: cannot open '" + source.path + "': " + a.message);
  }

  const std::string tmp = to + ".tmp-" + std::to_string(::getpid());
  LINLI_RETURN_IF_ERROR(CreatePrivate(tmp));
  auto fail = [&tmp](Status st) {
    RemoveTemporary(tmp);
    return st;
  };
  auto dst = Open(tmp, SQLITE_OPEN_READWRITE);
  if (!dst.ok()) return fail(Status::Internal(dst.status().message()));

  // One read transaction for the whole copy: one snapshot (WAL), never blocking the writer.
  if (Answer a = Ask(src.get(), "BEGIN"); a.rc != SQLITE_OK) {
    return fail(Status::Unavailable("sqlite: backup cannot read " + source.path + ": " + a.message));
  }
  if (Answer a = Ask(src.get(), "SELECT COUNT(*) FROM sqlite_master"); a.rc != SQLITE_OK) {
    return fail(Status::Unavailable("sqlite: backup cannot read " + source.path + ": " + a.message));
  }
  BackupResult result;
  std::string message;
  const int rc = CopyPages(src.get(), dst->get(), options.cancel, &result.pages, &message);
  (void)Ask(src.get(), "COMMIT");  // ends the read transaction
  src.reset();
  use_lock.reset();
  if (rc != SQLITE_DONE) {
    if (rc == SQLITE_INTERRUPT) return fail(Status::Unavailable("backup: " + message));
    return fail(Status::Internal("backup: copying " + source.path + " failed: " + message));
  }
  Status single = SingleFile(dst->get(), tmp);
  if (!single.ok()) return fail(single);
  auto facts = Inspect(dst->get());
  if (!facts.ok()) return fail(facts.status());
  if (!facts->integrity_problem.empty()) {
    return fail(Status::Internal("backup: the copy failed PRAGMA integrity_check (" +
                                 facts->integrity_problem +
                                 "); the database itself may be damaged"));
  }
  result.schema_version = facts->schema_version;
  dst->reset();
  if (Status s = SyncPath(tmp, false); !s.ok()) return fail(s);
  if (::rename(tmp.c_str(), to.c_str()) != 0) {
    return fail(Status::Internal("backup: cannot rename " + tmp + " to " + to + ": " + Errno(errno)));
  }
  RemoveTemporary(tmp);  // the -journal SQLite may have left (the file itself is renamed)
  LINLI_RETURN_IF_ERROR(SyncPath(folder, true));
  result.path = to;
  result.bytes = SizeOf(to);
  return result;
}

StatusOr<RestoreOutcome> RestoreSqlite(const SqliteOptions& target, const std::string& from,
                                       const std::string& stamp) {
  RestoreOutcome out;
  auto refuse = [&out](RestoreRefusal why, std::string detail = "") {
    out.refusal = why;
    out.detail = std::move(detail);
    return out;
  };
  if (!Exists(from)) return refuse(RestoreRefusal::kMissing);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (SameFile(from, target.path + suffix)) return refuse(RestoreRefusal::kSameFile);
  }
  // Held to the end: no connection may open the database while its files are swapped.
  auto use_lock = SqliteUseLock::Acquire(target.path, SqliteUseLock::Mode::kExclusive);
  if (!use_lock.ok()) {
    if (use_lock.status().code() == StatusCode::kUnavailable) return refuse(RestoreRefusal::kInUse);
    return use_lock.status();
  }
  if (!HasSqliteHeader(from)) return refuse(RestoreRefusal::kNotDatabase);

  const std::string tmp = target.path + ".restore-" + std::to_string(::getpid()) + ".tmp";
  LINLI_RETURN_IF_ERROR(CreatePrivate(tmp));
  auto fail = [&tmp](Status st) {
    RemoveTemporary(tmp);
    return st;
  };
  auto unused = [&tmp, &out](RestoreRefusal why, std::string detail = "") {
    RemoveTemporary(tmp);
    out.refusal = why;
    out.detail = std::move(detail);
    return out;
  };
  {
    auto src = Open(from, SQLITE_OPEN_READONLY);
    if (!src.ok()) return unused(RestoreRefusal::kNotDatabase);
    auto dst = Open(tmp, SQLITE_OPEN_READWRITE);
    if (!dst.ok()) return fail(Status::Internal(dst.status().message()));
    if (Answer a = Ask(src->get(), "BEGIN"); a.rc != SQLITE_OK) {
      return fail(Status::Internal("restore: cannot read " + from + ": " + a.message));
    }
    Answer first = Ask(src->get(), "SELECT COUNT(*) FROM sqlite_master");
    if (first.rc != SQLITE_OK) {
      if ((first.rc & 0xff) == SQLITE_NOTADB) return unused(RestoreRefusal::kNotDatabase);
      if (IsCorruption(first.rc)) return unused(RestoreRefusal::kCorrupt, first.message);
      return fail(Status::Internal("restore: cannot read " + from + ": " + first.message));
    }
    int64_t pages = 0;
    std::string message;
    const int rc = CopyPages(src->get(), dst->get(), nullptr, &pages, &message);
    (void)Ask(src->get(), "COMMIT");
    if (rc != SQLITE_DONE) {
      if (IsCorruption(rc)) return unused(RestoreRefusal::kCorrupt, message);
      return fail(Status::Internal("restore: copying " + from + " failed: " + message));
    }
    if (Status s = SingleFile(dst->get(), tmp); !s.ok()) return fail(s);
    auto facts = Inspect(dst->get());
    if (!facts.ok()) return fail(facts.status());
    if (!facts->integrity_problem.empty()) {
      return unused(RestoreRefusal::kCorrupt, facts->integrity_problem);
    }
    if (!facts->linli) return unused(RestoreRefusal::kNotLinli);
    if (facts->schema_version > LatestSchemaVersion()) {
      out.schema_version = facts->schema_version;
      return unused(RestoreRefusal::kNewerSchema, std::to_string(facts->schema_version) + " > " +
                                                      std::to_string(LatestSchemaVersion()));
    }
    out.schema_version = facts->schema_version;
  }
  // The restored file gets the owner and mode of the one it replaces (a restore run with sudo
  // must not leave the service's user a database it cannot open); chown needs root, so a
  // refusal of it is only logged.
  if (struct stat old {}; ::stat(target.path.c_str(), &old) == 0) {
    if (::chown(tmp.c_str(), old.st_uid, old.st_gid) != 0 && errno != EPERM) {
      internal::Logger()->warn("restore: cannot give {} the owner of {}: {}", tmp, target.path,
                               Errno(errno));
    }
    ::chmod(tmp.c_str(), old.st_mode & 0777);
  }
  if (Status s = SyncPath(tmp, false); !s.ok()) return fail(s);

  // The database being replaced is kept, with its write-ahead log (commits a crash left
  // there are part of it); its -shm is only an index and is rebuilt from the log.
  const std::string& db = target.path;
  if (Exists(db)) {
    std::string kept = db + ".before-restore-" + stamp;
    for (int n = 2; Exists(kept) || Exists(kept + "-wal"); ++n) {
      kept = db + ".before-restore-" + stamp + "-" + std::to_string(n);
    }
    if (::rename(db.c_str(), kept.c_str()) != 0) {
      return fail(Status::Internal("restore: cannot rename " + db + " to " + kept + ": " +
                                   Errno(errno) + "; the database was left in place"));
    }
    if (Exists(db + "-wal") && ::rename((db + "-wal").c_str(), (kept + "-wal").c_str()) != 0) {
      const int err = errno;
      (void)::rename(kept.c_str(), db.c_str());
      return fail(Status::Internal("restore: cannot move " + db + "-wal: " + Errno(err) +
                                   "; the database was left in place"));
    }
    out.kept_as = kept;
  }
  ::unlink((db + "-wal").c_str());
  ::unlink((db + "-shm").c_str());
  ::unlink((db + "-journal").c_str());
  if (::rename(tmp.c_str(), db.c_str()) != 0) {
    return fail(Status::Internal("restore: cannot rename " + tmp + " to " + db + ": " +
                                 Errno(errno) + (out.kept_as.empty()
                                                     ? std::string()
                                                     : "; the previous database is " + out.kept_as)));
  }
  RemoveTemporary(tmp);
  LINLI_RETURN_IF_ERROR(SyncPath(FolderOf(db), true));
  return out;
}

StatusOr<DatabaseFileSize> SqliteFileSize(const SqliteOptions& options) {
  struct stat st {};
  if (::stat(options.path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound("no database at " + options.path);
    return Status::Internal("cannot read " + options.path + ": " + Errno(errno));
  }
  DatabaseFileSize size;
  size.database_bytes = static_cast<int64_t>(st.st_size);
  size.wal_bytes = SizeOf(options.path + "-wal");
  return size;
}

}  // namespace linli::storage
