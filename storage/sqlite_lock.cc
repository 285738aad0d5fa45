#include "storage/sqlite_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace linli::storage {

std::string SqliteUseLock::LockPathFor(const std::string& db_path) { return db_path + ".lock"; }

StatusOr<std::unique_ptr<SqliteUseLock>> SqliteUseLock::Acquire(const std::string& db_path,
                                                                Mode mode, bool create) {
  if (db_path.empty() || db_path == ":memory:" || db_path.rfind("file:", 0) == 0) {
    return std::unique_ptr<SqliteUseLock>();
  }
  const std::string lock_path = LockPathFor(db_path);
  // Read-only and readable by all (it holds nothing; the database's folder guards it): flock
  // needs no write access, so `sudo linli backup` creating it leaves it usable by the
  // service's own user.
  const int flags = O_RDONLY | O_CLOEXEC | (create || mode == Mode::kExclusive ? O_CREAT : 0);
  int fd = ::open(lock_path.c_str(), flags, 0644);
  if (fd < 0) {
    if (mode == Mode::kShared) return std::unique_ptr<SqliteUseLock>();
    return Status::Internal("sqlite: cannot open the lock file " + lock_path + ": " +
                            std::strerror(errno));
  }
  const int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  int rc;
  do {
    rc = ::flock(fd, op);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Unavailable(
          mode == Mode::kShared
              ? "sqlite: " + db_path + " is being restored (" + lock_path + " is held)"
              : "sqlite: " + db_path + " is in use by another connection or process (" +
                    lock_path + " is held)");
    }
    if (mode == Mode::kShared) return std::unique_ptr<SqliteUseLock>();
    return Status::Internal("sqlite: cannot lock " + lock_path + ": " + std::strerror(err));
  }
  return std::unique_ptr<SqliteUseLock>(new SqliteUseLock(fd));
}

SqliteUseLock::~SqliteUseLock() { ::close(fd_); }

}  // namespace linli::storage
