// Backups and restores of the SQLite backend through the seam (storage/open_database.h,
// issue 15 point 4): a copy taken while another connection writes is consistent and checked;
// an existing target needs overwrite; a restore refuses while the database is open anywhere
// and refuses files that are missing, not SQLite, corrupt, not Linli's or of a newer schema -
// changing nothing - and otherwise keeps the replaced database (with its WAL) beside it.
#include "storage/open_database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "storage/migrations.h"
#include "storage/sqlite_lock.h"

namespace linli::storage::backup_test {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/linli_backup_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    options_.sqlite.path = dir_ + "/linli.db";
    options_.sqlite.synchronous = "NORMAL";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A migrated database with `n` rows in a table of its own.
  std::unique_ptr<Database> Seed(int n) {
    auto opened = OpenDatabase(options_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    Database& db = *opened->db;
    EXPECT_TRUE(db.ExecScript("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)").ok());
    EXPECT_TRUE(db.Begin().ok());
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(db.Exec("INSERT INTO notes (body) VALUES (?)", {std::string(200, 'a' + i % 26)}).ok());
    }
    EXPECT_TRUE(db.Commit().ok());
    return std::move(opened->db);
  }

  // Rows of `notes` in the database file at `path`, read by a plain connection.
  static int64_t Notes(const std::string& path) {
    DatabaseOptions o;
    o.sqlite.path = path;
    o.sqlite.read_only = true;
    auto db = OpenReader(o);
    if (!db.ok()) return -1;
    auto rows = (*db)->Query("SELECT COUNT(*) FROM notes");
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  static std::string IntegrityOf(const std::string& path) {
    DatabaseOptions o;
    o.sqlite.path = path;
    o.sqlite.read_only = true;
    auto db = OpenReader(o);
    if (!db.ok()) return db.status().ToString();
    auto rows = (*db)->Query("PRAGMA integrity_check");
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : "?";
  }

  std::string dir_;
  DatabaseOptions options_;
};

TEST_F(BackupTest, CopiesTheDatabaseIntoAPrivateCheckedFile) {
  auto db = Seed(500);
  const std::string to = dir_ + "/copy.db";
  auto done = BackupDatabase(options_, to);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->path, to);
  EXPECT_EQ(done->schema_version, LatestSchemaVersion());
  EXPECT_GT(done->pages, 10);
  EXPECT_EQ(done->bytes, static_cast<int64_t>(fs::file_size(to)));
  struct stat st {};
  ASSERT_EQ(::stat(to.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Notes(to), 500);
  EXPECT_EQ(IntegrityOf(to), "ok");
  // One self-contained file, and nothing temporary left beside it.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name.rfind("linli.db", 0) == 0 || name == "copy.db") << name;
  }
}

TEST_F(BackupTest, AWriterOnAnotherConnectionNeitherBlocksNorBreaksTheCopy) {
  auto db = Seed(2000);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto w = OpenDatabase(options_);
    ASSERT_TRUE(w.ok());
    while (!stop) {
      ASSERT_TRUE(w->db->Begin().ok());
      ASSERT_TRUE(w->db->Exec("INSERT INTO notes (body) VALUES ('w')").ok());
      ASSERT_TRUE(w->db->Commit().ok());
      ++written;
    }
  });
  while (written < 20) std::this_thread::yield();
  const int before = written;
  auto done = BackupDatabase(options_, dir_ + "/copy.db");
  const int after = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(IntegrityOf(dir_ + "/copy.db"), "ok");
  const int64_t copied = Notes(dir_ + "/copy.db") - 2000;
  EXPECT_GE(copied, before);  // every commit before the backup began is in it
  EXPECT_LE(copied, after);
}

TEST_F(BackupTest, AnExistingTargetIsReplacedOnlyWithOverwrite) {
  auto db = Seed(10);
  const std::string to = dir_ + "/copy.db";
  std::ofstream(to) << "keep me";
  auto refused = BackupDatabase(options_, to);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  std::stringstream kept;
  kept << std::ifstream(to).rdbuf();
  EXPECT_EQ(kept.str(), "keep me");
  BackupOptions overwrite;
  overwrite.overwrite = true;
  ASSERT_TRUE(BackupDatabase(options_, to, overwrite).ok());
  EXPECT_EQ(Notes(to), 10);
}

TEST_F(BackupTest, BadTargetsAndSourcesAreNamedErrors) {
  auto db = Seed(1);
  EXPECT_EQ(BackupDatabase(options_, dir_ + "/no/such/folder/copy.db").status().code(),
            StatusCode::kNotFound);
  BackupOptions overwrite;
  overwrite.overwrite = true;
  EXPECT_EQ(BackupDatabase(options_, options_.sqlite.path, overwrite).status().code(),
            StatusCode::kInvalidArgument);
  DatabaseOptions memory;
  memory.sqlite.path = ":memory:";
  EXPECT_EQ(BackupDatabase(memory, dir_ + "/copy.db").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir_ + "/copy.db"));
}

TEST_F(BackupTest, ACancelledCopyLeavesNothing) {
  auto db = Seed(10);
  std::atomic<bool> cancel{true};
  BackupOptions options;
  options.cancel = &cancel;
  auto done = BackupDatabase(options_, dir_ + "/copy.db", options);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), StatusCode::kUnavailable);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().rfind("copy.db", 0), std::string::npos)
        << entry.path();
  }
}

TEST_F(BackupTest, RestoreRefusesWhileTheDatabaseIsOpenAndChangesNothing) {
  auto db = Seed(3);
  ASSERT_TRUE(BackupDatabase(options_, dir_ + "/copy.db").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO notes (body) VALUES ('after')").ok());
  auto refused = RestoreDatabase(options_, dir_ + "/copy.db", "20260315-093000");
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->refusal, RestoreRefusal::kInUse);
  EXPECT_FALSE(fs::exists(options_.sqlite.path + ".before-restore-20260315-093000"));
  auto rows = db->Query("SELECT COUNT(*) FROM notes");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 4);
}

TEST_F(BackupTest, RestorePutsTheBackupInPlaceAndKeepsTheOldDatabaseWithItsLog) {
  {
    auto db = Seed(3);
    ASSERT_TRUE(BackupDatabase(options_, dir_ + "/copy.db").ok());
  }
  // The old database with commits only in its WAL, as a crash leaves it: a connection that
  // never checkpoints, and a copy of the files taken before it closes.
  {
    auto db = Seed(5);  // 8 rows now
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(options_.sqlite.path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA wal_autocheckpoint=0; INSERT INTO notes (body) VALUES ('wal');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    fs::copy_file(options_.sqlite.path, dir_ + "/crashed.db");
    fs::copy_file(options_.sqlite.path + "-wal", dir_ + "/crashed.db-wal");
    sqlite3_close(raw);
  }
  fs::remove(options_.sqlite.path);
  fs::remove(options_.sqlite.path + "-shm");
  fs::rename(dir_ + "/crashed.db", options_.sqlite.path);
  fs::rename(dir_ + "/crashed.db-wal", options_.sqlite.path + "-wal");
  std::ofstream(options_.sqlite.path + "-shm") << "stale";
  ::chmod(options_.sqlite.path.c_str(), 0640);  // an operator's choice, kept by the restore

  auto restored = RestoreDatabase(options_, dir_ + "/copy.db", "20260315-093000");
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->refusal, RestoreRefusal::kNone);
  EXPECT_EQ(restored->schema_version, LatestSchemaVersion());
  const std::string kept = options_.sqlite.path + ".before-restore-20260315-093000";
  EXPECT_EQ(restored->kept_as, kept);
  EXPECT_FALSE(fs::exists(options_.sqlite.path + "-wal"));
  EXPECT_FALSE(fs::exists(options_.sqlite.path + "-shm"));
  EXPECT_EQ(Notes(options_.sqlite.path), 3);
  EXPECT_EQ(IntegrityOf(options_.sqlite.path), "ok");
  struct stat st {};
  ASSERT_EQ(::stat(options_.sqlite.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  // The replaced database, its logged commit included.
  EXPECT_TRUE(fs::exists(kept + "-wal"));
  EXPECT_EQ(Notes(kept), 9);
  // The restored database opens and serves as usual.
  auto again = OpenDatabase(options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->schema_version, LatestSchemaVersion());

  // A second restore with the same stamp does not overwrite the first kept file.
  again->db.reset();
  auto second = RestoreDatabase(options_, dir_ + "/copy.db", "20260315-093000");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->kept_as, kept + "-2");
  EXPECT_EQ(Notes(kept), 9);
}

TEST_F(BackupTest, RestoreRefusesFilesThatAreNotGoodLinliBackups) {
  { auto db = Seed(200); }
  const std::string stamp = "20260315-093000";
  auto refusal = [&](const std::string& from) {
    auto r = RestoreDatabase(options_, from, stamp);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->refusal : RestoreRefusal::kNone;
  };
  EXPECT_EQ(refusal(dir_ + "/none.db"), RestoreRefusal::kMissing);
  EXPECT_EQ(refusal(options_.sqlite.path), RestoreRefusal::kSameFile);
  std::ofstream(dir_ + "/text.db") << "id,name\n1,not a database at all, not even close\n";
  EXPECT_EQ(refusal(dir_ + "/text.db"), RestoreRefusal::kNotDatabase);

  // Corrupt: a good backup with a page in the middle overwritten.
  ASSERT_TRUE(BackupDatabase(options_, dir_ + "/corrupt.db").ok());
  {
    const auto size = fs::file_size(dir_ + "/corrupt.db");
    std::fstream f(dir_ + "/corrupt.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    const std::string garbage(4096, '\xA5');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto corrupt = RestoreDatabase(options_, dir_ + "/corrupt.db", stamp);
  ASSERT_TRUE(corrupt.ok()) << corrupt.status().ToString();
  EXPECT_EQ(corrupt->refusal, RestoreRefusal::kCorrupt);
  EXPECT_FALSE(corrupt->detail.empty());

  // An SQLite database that is not Linli's.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/other.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", nullptr, nullptr,
                           nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  EXPECT_EQ(refusal(dir_ + "/other.db"), RestoreRefusal::kNotLinli);

  // A newer schema than this build's.
  ASSERT_TRUE(BackupDatabase(options_, dir_ + "/newer.db").ok());
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/newer.db").c_str(), &raw), SQLITE_OK);
    const std::string sql = "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                            std::to_string(LatestSchemaVersion() + 1) + ", 0)";
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  auto newer = RestoreDatabase(options_, dir_ + "/newer.db", stamp);
  ASSERT_TRUE(newer.ok());
  EXPECT_EQ(newer->refusal, RestoreRefusal::kNewerSchema);
  EXPECT_EQ(newer->schema_version, LatestSchemaVersion() + 1);

  // Nothing changed: the database is the seeded one, nothing was kept, nothing is left over.
  EXPECT_EQ(Notes(options_.sqlite.path), 200);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find("before-restore"), std::string::npos) << name;
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
  }
}

TEST_F(BackupTest, AnOlderSchemaIsRestoredAndMigratesForwardAtTheNextOpen) {
  {
    auto db = OpenSqlite(options_.sqlite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(MigrateTo(**db, 20).ok());
  }
  ASSERT_TRUE(BackupDatabase(options_, dir_ + "/old.db").ok());
  { auto db = Seed(1); }  // the current database at the latest version
  auto restored = RestoreDatabase(options_, dir_ + "/old.db", "1");
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->refusal, RestoreRefusal::kNone);
  EXPECT_EQ(restored->schema_version, 20);
  auto opened = OpenDatabase(options_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->schema_version, LatestSchemaVersion());
}

TEST_F(BackupTest, ARestoreInProgressKeepsEveryConnectionOut) {
  { auto db = Seed(1); }
  auto exclusive = SqliteUseLock::Acquire(options_.sqlite.path, SqliteUseLock::Mode::kExclusive);
  ASSERT_TRUE(exclusive.ok());
  ASSERT_TRUE(*exclusive != nullptr);
  auto opened = OpenSqlite(options_.sqlite);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.status().message().find("being restored"), std::string::npos);
  exclusive->reset();
  EXPECT_TRUE(OpenSqlite(options_.sqlite).ok());
}

TEST_F(BackupTest, AReadOnlyOpenNeverCreatesNorWrites) {
  SqliteOptions o = options_.sqlite;
  o.read_only = true;
  EXPECT_FALSE(OpenSqlite(o).ok());
  EXPECT_FALSE(fs::exists(o.path));
  { auto db = Seed(1); }
  auto db = OpenSqlite(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_FALSE((*db)->Exec("INSERT INTO notes (body) VALUES ('x')").ok());
  auto version = SchemaVersion(**db);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, LatestSchemaVersion());
}

TEST_F(BackupTest, SchemaVersionOfAnEmptyDatabaseIsZero) {
  auto db = OpenSqlite(options_.sqlite);
  ASSERT_TRUE(db.ok());
  auto version = SchemaVersion(**db);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 0);
}

TEST_F(BackupTest, DatabaseSizeCountsTheLog) {
  EXPECT_EQ(DatabaseSize(options_).status().code(), StatusCode::kNotFound);
  auto db = Seed(50);
  auto size = DatabaseSize(options_);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(size->database_bytes, static_cast<int64_t>(fs::file_size(options_.sqlite.path)));
  EXPECT_EQ(size->wal_bytes, static_cast<int64_t>(fs::file_size(options_.sqlite.path + "-wal")));
}

}  // namespace
}  // namespace linli::storage::backup_test
