#include "storage/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/sqlite_lock.h"
#include "storage/store_util.h"

namespace linli::storage {
namespace {

// Bound on cached prepared statements; store SQL is a fixed set, so this only guards against a
// caller that builds SQL dynamically.
constexpr size_t kMaxCachedStatements = 512;

// A savepoint's statement journal (the pages as they were before it, for ROLLBACK TO) stays in
// memory up to 128 KiB. SQLite's default is 64 KiB, then a temporary file; a write-queue unit
// (each runs in its own savepoint) passes that mark on most turns, and the journal's 4 KiB
// writes to /var/tmp outnumbered the WAL's 5 to 1 (bench/README, "Where the time goes"); at
// 128 KiB a turn's journal mostly stays in memory (pwrites per turn 13.7 -> 4.8). Why not more:
// - always in memory (-1) holds every page a large statement touches: a prune of 400,000
//   inbox rows peaked at 149 MB of SQLite memory (2 MB with a spill);
// - with SQLite 3.40.1 (Debian 12) a threshold of 160 KiB or more makes the spill itself fail
//   with SQLITE_FULL ("database or disk is full"), seen at 160, 192, 224, 256 KiB, 1 and
//   2 MiB; 128 KiB spills correctly (tests/storage/sqlite_database_test.cc checks both sides).
// sqlite3_config must run before SQLite initialises itself, i.e. before the first connection
// opens: hence at static initialisation, when this program has not called SQLite yet. Its
// result is logged by the first OpenSqlite.
constexpr int kStatementJournalInMemoryBytes = 128 << 10;
const int kStatementJournalConfig =
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalInMemoryBytes);

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return alpha(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

bool IsBlank(const char* p) {
  // What may follow the one statement: whitespace and SQL comments.
  while (*p != '\0') {
    if (std::isspace(static_cast<unsigned char>(*p)) || *p == ';') {
      ++p;
    } else if (p[0] == '-' && p[1] == '-') {
      while (*p != '\0' && *p != '\n') ++p;
    } else if (p[0] == '/' && p[1] == '*') {
      p += 2;
      while (*p != '\0' && !(p[0] == '*' && p[1] == '/')) ++p;
      if (*p != '\0') p += 2;
    } else {
      return false;
    }
  }
  return true;
}

// WAL checkpoints on a connection of their own, on a thread of their own, so that copying the
// WAL into the database (and its two fsyncs) never runs inside the writer's COMMIT. The
// writer's WAL hook wakes it when the WAL holds kCheckpointFrames or more. PASSIVE: it never
// waits for or blocks the writer; a checkpoint that could not finish is simply retried at the
// next wake-up.
class Checkpointer {
 public:
  static constexpr int kCheckpointFrames = 1000;  // SQLite's own autocheckpoint default

  // Opens the second connection. nullptr (logged) when it cannot: the writer then keeps
  // SQLite's autocheckpoint.
  static std::unique_ptr<Checkpointer> Start(const std::string& path, int busy_timeout_ms) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
      internal::Logger()->warn("sqlite: no background checkpoints for {}: {}", path,
                               raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
      sqlite3_close_v2(raw);
      return nullptr;
    }
    sqlite3_busy_timeout(raw, busy_timeout_ms);
    // The checkpoint syncs the WAL before copying and the database after (NORMAL or above).
    sqlite3_exec(raw, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    return std::unique_ptr<Checkpointer>(new Checkpointer(raw, path));
  }

  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
    sqlite3_close_v2(db_);
  }

  // From the writer's WAL hook: cheap, never blocks on a checkpoint.
  void Wake() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      due_ = true;
    }
    cv_.notify_one();
  }

 private:
  Checkpointer(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {
    thread_ = std::thread([this] { Loop(); });
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || due_; });
      if (stop_) return;
      due_ = false;
      lock.unlock();
      int log_frames = 0;
      int copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                               &log_frames, &copied);
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
        internal::Logger()->error("sqlite: checkpoint of {} failed: {}", path_,
                                  sqlite3_errmsg(db_));
      }
      lock.lock();
    }
  }

  sqlite3* const db_;
  const std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool due_ = false;
  std::thread thread_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::unique_ptr<SqliteUseLock> use_lock)
      : db_(db), use_lock_(std::move(use_lock)) {
    std::fill(std::begin(wal_fds_), std::end(wal_fds_), -1);  // every lane, whatever their number
  }
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
    if (checkpointer_) sqlite3_wal_hook(db_, nullptr, nullptr);
    checkpointer_.reset();  // before the writer closes: its last checkpoint may still run
    sqlite3_close_v2(db_);  // rolls back an open transaction
    CloseWalFds();
  }

  // Switches this connection to deferred syncs (SqliteOptions::sync_on_request): the caller
  // has set synchronous=NORMAL; checkpoints move to a background connection.
  void DeferSyncs(const std::string& path, int busy_timeout_ms) {
    defer_syncs_ = true;
    wal_path_ = path + "-wal";
    checkpointer_ = Checkpointer::Start(path, busy_timeout_ms);
    if (checkpointer_) {
      // Replaces SQLite's autocheckpoint (which is itself a WAL hook).
      sqlite3_wal_hook(
          db_,
          [](void* arg, sqlite3*, const char*, int frames) {
            if (frames >= Checkpointer::kCheckpointFrames) static_cast<Checkpointer*>(arg)->Wake();
            return SQLITE_OK;
          },
          checkpointer_.get());
    }
  }

  bool commit_needs_sync() const override { return defer_syncs_; }

  Status Sync(int lane) override {
    if (!defer_syncs_) return Status::Ok();
    if (lane < 0 || lane >= kSyncLanes) return Status::InvalidArgument("sqlite: no such sync lane");
    int fd;
    {
      std::lock_guard<std::mutex> lock(sync_mu_);
      if (wal_fds_[0] < 0) {
        // Opened once, every lane's at the same moment: the WAL file stays (the same inode)
        // while this connection is open, fdatasync through any descriptor flushes what every
        // descriptor wrote, and each descriptor is told of every write-back error after this.
        for (int& wal_fd : wal_fds_) {
          wal_fd = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
          if (wal_fd >= 0) continue;
          const int err = errno;
          CloseWalFds();
          if (err == ENOENT) return Status::Ok();  // nothing committed through a WAL yet
          return Status::Internal("sqlite: cannot open " + wal_path_ + " to flush it: " +
                                  std::strerror(err));
        }
      }
      fd = wal_fds_[lane];
    }
    // Outside the lock: the other lane may be flushing too.
    if (::fdatasync(fd) != 0) {
      return Status::Internal("sqlite: cannot flush " + wal_path_ + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  Status Exec(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* stmt = nullptr;
    LINLI_RETURN_IF_ERROR(PrepareAndBind(sql, params, &stmt));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status st = rc == SQLITE_DONE ? Status::Ok() : Error(rc, sql);
    Finish(stmt);
    return st;
  }

  StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* stmt = nullptr;
    LINLI_RETURN_IF_ERROR(PrepareAndBind(sql, params, &stmt));
    Rows rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const int n = sqlite3_column_count(stmt);
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) values.push_back(Column(stmt, i));
      rows.emplace_back(std::move(values));
    }
    if (rc != SQLITE_DONE) {
      Status st = Error(rc, sql);
      Finish(stmt);
      return st;
    }
    Finish(stmt);
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    std::string script(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return MapCode(rc, "sqlite: " + msg);
  }

  int64_t changes() const override { return sqlite3_changes64(db_); }

  Status Begin() override {
    // IMMEDIATE takes the write lock now, so a busy database fails here (retryable) rather
    // than at the first write or at COMMIT.
    Status st = Exec("BEGIN IMMEDIATE", {});
    if (st.ok()) {
      full_in_transaction_ = false;
      changes_at_begin_ = sqlite3_total_changes64(db_);
    }
    return st;
  }
  Status Commit() override {
    const bool wrote = sqlite3_total_changes64(db_) > changes_at_begin_;
    Status st = Exec("COMMIT", {});
    // Rows written and committed without SQLITE_FULL on the way: there is space again.
    if (st.ok() && wrote && !full_in_transaction_) full_ = false;
    return st;
  }
  Status Rollback() override {
    // SQLite may already have rolled back by itself (after SQLITE_FULL, IOERR, ...).
    if (!in_transaction()) return Status::Ok();
    return Exec("ROLLBACK", {});
  }
  Status Savepoint(std::string_view name) override {
    if (!IsIdentifier(name)) return Status::InvalidArgument("bad savepoint name");
    return Exec("SAVEPOINT " + std::string(name), {});
  }
  Status ReleaseSavepoint(std::string_view name) override {
    if (!IsIdentifier(name)) return Status::InvalidArgument("bad savepoint name");
    return Exec("RELEASE SAVEPOINT " + std::string(name), {});
  }
  Status RollbackToSavepoint(std::string_view name) override {
    if (!IsIdentifier(name)) return Status::InvalidArgument("bad savepoint name");
    return Exec("ROLLBACK TO SAVEPOINT " + std::string(name), {});
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  std::string write_fault() const override { return full_ ? "disk full" : ""; }

  std::string dialect() const override { return "sqlite"; }

 private:
  Status MapCode(int rc, std::string message) const {
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Status::Unavailable(std::move(message));
      case SQLITE_FULL:
        // The disk (or max_page_count) is full: SQLite undid the statement (or the whole
        // transaction); retryable once space returns.
        full_ = true;
        full_in_transaction_ = true;
        return Status::Unavailable(std::move(message));
      case SQLITE_CONSTRAINT:
        return Status::AlreadyExists(std::move(message));
      default:
        return Status::Internal(std::move(message));
    }
  }

  Status Error(int rc, std::string_view sql) const {
    return MapCode(rc, std::string("sqlite: ") + sqlite3_errmsg(db_) + " [" +
                           internal::AbbrevSql(sql) + "]");
  }

  Status PrepareAndBind(std::string_view sql, const std::vector<Value>& params,
                        sqlite3_stmt** out) {
    std::string key(sql);
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      const char* tail = nullptr;
      const int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size() + 1),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Error(rc, sql);
      }
      if (stmt == nullptr) return Status::InvalidArgument("sqlite: empty statement");
      if (tail != nullptr && !IsBlank(tail)) {
        sqlite3_finalize(stmt);
        return Status::InvalidArgument("sqlite: more than one statement (use ExecScript) [" +
                                       internal::AbbrevSql(sql) + "]");
      }
      if (cache_.size() >= kMaxCachedStatements) {
        for (auto& [s, cached] : cache_) sqlite3_finalize(cached);
        cache_.clear();
      }
      cache_.emplace(std::move(key), stmt);
    }

    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return Status::InvalidArgument("sqlite: statement takes " + std::to_string(expected) +
                                     " parameters, got " + std::to_string(params.size()) + " [" +
                                     internal::AbbrevSql(sql) + "]");
    }
    for (int i = 0; i < expected; ++i) {
      const Value& v = params[static_cast<size_t>(i)];
      int rc = SQLITE_OK;
      if (auto p = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i + 1, *p);
      } else if (auto p = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, i + 1, *p);
      } else if (auto p = std::get_if<std::string>(&v)) {
        // STATIC: `params` outlives the statement's execution (bindings are cleared in Finish).
        rc = sqlite3_bind_text64(stmt, i + 1, p->data(), p->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, i + 1);
      }
      if (rc != SQLITE_OK) {
        Status st = Error(rc, sql);
        Finish(stmt);
        return st;
      }
    }
    *out = stmt;
    return Status::Ok();
  }

  static void Finish(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }

  static Value Column(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, i);
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        const int n = sqlite3_column_bytes(stmt, i);
        return std::string(p != nullptr ? p : "", static_cast<size_t>(n));
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        const int n = sqlite3_column_bytes(stmt, i);
        return p != nullptr ? std::string(p, static_cast<size_t>(n)) : std::string();
      }
      default:
        return nullptr;
    }
  }

  sqlite3* db_;
  std::unique_ptr<SqliteUseLock> use_lock_;  // released after the connection has closed
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  bool defer_syncs_ = false;
  std::string wal_path_;
  void CloseWalFds() {
    for (int& wal_fd : wal_fds_) {
      if (wal_fd >= 0) ::close(wal_fd);
      wal_fd = -1;
    }
  }
  std::mutex sync_mu_;  // guards opening wal_fds_ (Sync runs on other threads)
  int wal_fds_[kSyncLanes];  // -1 until the first Sync() opens them (constructor)
  std::unique_ptr<Checkpointer> checkpointer_;
  // write_fault(): set by an SQLITE_FULL (in MapCode, also from const paths), cleared by
  // Commit(); the connection is used by one thread at a time (database.h).
  mutable bool full_ = false;
  mutable bool full_in_transaction_ = false;
  int64_t changes_at_begin_ = 0;
};

// The database holds residents' names and phones: a new file is created 0600 before SQLite
// opens it. SQLite gives the -wal and -shm files the mode of the database file, so the three
// are private. An existing file keeps its mode (an operator may have chosen it) but a mode
// that lets group or others read it is logged. Paths SQLite does not treat as plain files
// (":memory:", "file:" URIs) are left to it; so is a path that cannot be created here (the
// open below then reports it).
void CreatePrivateIfMissing(const std::string& path) {
  if (path == ":memory:" || path.rfind("file:", 0) == 0) return;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    internal::Logger()->warn(
        "sqlite: {} is accessible by group or others (mode {:o}); it holds personal data: "
        "chmod 600 it (its -wal and -shm files follow the database's mode)",
        path, st.st_mode & 0777);
  }
  ::close(fd);
}

}  // namespace

StatusOr<std::unique_ptr<Database>> OpenSqlite(const SqliteOptions& options) {
  static std::once_flag reported;
  std::call_once(reported, [] {
    if (kStatementJournalConfig != SQLITE_OK) {
      internal::Logger()->warn("sqlite: statement journals may spill to temporary files ({})",
                               sqlite3_errstr(kStatementJournalConfig));
    }
  });
  if (options.path.empty()) return Status::InvalidArgument("sqlite: empty database path");
  const std::string sync = Upper(options.synchronous);
  if (sync != "FULL" && sync != "NORMAL" && sync != "OFF") {
    return Status::InvalidArgument("sqlite: synchronous must be FULL, NORMAL or OFF, got '" +
                                   options.synchronous + "'");
  }
  if (options.busy_timeout_ms < 0) {
    return Status::InvalidArgument("sqlite: busy_timeout_ms must be >= 0");
  }

  // Held for the connection's life: `linli restore` refuses while anyone holds it.
  LINLI_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteUseLock> use_lock,
      SqliteUseLock::Acquire(options.path, SqliteUseLock::Mode::kShared,
                             /*create=*/!options.read_only));
  if (!options.read_only) CreatePrivateIfMissing(options.path);
  sqlite3* raw = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (database.h), so SQLite's own
  // per-connection mutex is pure overhead.
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return Status::Unavailable("sqlite: cannot open '" + options.path + "': " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  auto db = std::make_unique<SqliteDatabase>(raw, std::move(use_lock));

  // The file is only really opened by the first statement; a failure here is still "cannot
  // open" for the caller. A read-only connection reads the mode the file has.
  auto mode = db->Query(options.read_only ? "PRAGMA journal_mode" : "PRAGMA journal_mode=WAL", {});
  if (!mode.ok()) {
    return Status::Unavailable("sqlite: cannot open '" + options.path +
                               "': " + mode.status().message());
  }
  if (options.path != ":memory:" && !options.read_only &&
      (mode->empty() || Upper((*mode)[0].Text(0)) != "WAL")) {
    internal::Logger()->warn("sqlite: WAL mode unavailable, journal_mode={}",
                             mode->empty() ? std::string("?") : (*mode)[0].Text(0));
  }
  // FULL with sync_on_request: NORMAL for the connection, the WAL flushed by Sync().
  const bool defer = options.sync_on_request && !options.read_only && sync == "FULL" &&
                     options.path != ":memory:" &&
                     options.path.rfind("file:", 0) != 0 && !mode->empty() &&
                     Upper((*mode)[0].Text(0)) == "WAL";
  for (const std::string& pragma : {"PRAGMA synchronous=" + (defer ? std::string("NORMAL") : sync),
                                    std::string("PRAGMA foreign_keys=ON")}) {
    Status st = db->Exec(pragma, {});
    if (!st.ok()) {
      return Status::Unavailable("sqlite: cannot open '" + options.path + "': " + st.message());
    }
  }
  if (defer) db->DeferSyncs(options.path, options.busy_timeout_ms);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace linli::storage
