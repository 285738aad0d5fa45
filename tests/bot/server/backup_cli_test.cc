// `linli backup` and `linli restore` in-process (issue 15 point 4): the messages in both
// locales, --force for an existing target, the refusals of restore (a running instance, a
// corrupt file, a newer schema, not a database) changing nothing, and the kept database
// named after the local time.
#include "bot/server/backup_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/server/restore_command.h"
#include "storage/migrations.h"
#include "storage/open_database.h"
#include "tests/fakes/fake_clock.h"

namespace linli::backup_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BackupCliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("linli_backup_cli_" + GetParam() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "linli.db").string();
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << db_ << "\"}},\n"
        << "  \"logging\": {\"level\": \"error\"},\n  \"locale\": \"" << GetParam() << "\"\n}\n";
    storage::DatabaseOptions o;
    o.sqlite.path = db_;
    auto opened = storage::OpenDatabase(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ASSERT_TRUE(opened->db->ExecScript("CREATE TABLE notes (x); INSERT INTO notes VALUES (1);").ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  bool en() const { return GetParam() == "en"; }

  int Backup(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    std::ostringstream o, e;
    const int code = RunBackupCommand(args, ::getenv, o, e);
    out_ = o.str();
    err_ = e.str();
    return code;
  }
  int Restore(const std::string& from) {
    std::ostringstream o, e;
    const int code = RunRestoreCommand({"--config", config_, "--from", from}, ::getenv, clock_, o, e);
    out_ = o.str();
    err_ = e.str();
    return code;
  }
  int64_t Notes(const std::string& path) {
    storage::DatabaseOptions o;
    o.sqlite.path = path;
    o.sqlite.read_only = true;
    auto db = storage::OpenReader(o);
    if (!db.ok()) return -1;
    auto rows = (*db)->Query("SELECT COUNT(*) FROM notes");
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  fs::path dir_;
  std::string db_, config_, out_, err_;
  testing::FakeClock clock_;  // 2026-11-25 09:00:00 Asia/Shanghai (the config's default zone)
};

TEST_P(BackupCliTest, BackupWritesAndRefusesToOverwriteWithoutForce) {
  const std::string to = (dir_ / "b.db").string();
  ASSERT_EQ(Backup({"--to", to}), 0) << err_;
  EXPECT_THAT(out_, HasSubstr(en() ? "written to " + to : "备份到 " + to));
  EXPECT_THAT(out_, HasSubstr("integrity_check"));
  EXPECT_EQ(Notes(to), 1);
  EXPECT_EQ(Backup({"--to", to}), 1);
  EXPECT_THAT(err_, HasSubstr(en() ? "exists already; nothing was written (add --force"
                                   : "已存在，未写入任何内容（加 --force"));
  EXPECT_EQ(Backup({"--to", to, "--force"}), 0) << err_;
  EXPECT_EQ(Backup({"--to", (dir_ / "missing" / "b.db").string()}), 1);
  EXPECT_THAT(err_, HasSubstr(en() ? "backup failed, nothing was written" : "备份失败"));
  EXPECT_EQ(Backup({}), 2);
  EXPECT_THAT(err_, HasSubstr("backup needs --to FILE"));
}

TEST_P(BackupCliTest, RestoreRefusesARunningInstanceThenRestoresAndKeepsTheOld) {
  const std::string to = (dir_ / "b.db").string();
  ASSERT_EQ(Backup({"--to", to}), 0) << err_;
  {
    storage::DatabaseOptions o;
    o.sqlite.path = db_;
    auto running = storage::OpenDatabase(o);  // as `linli serve` holds it
    ASSERT_TRUE(running.ok());
    ASSERT_TRUE(running->db->Exec("INSERT INTO notes VALUES (2)").ok());
    EXPECT_EQ(Restore(to), 1);
    EXPECT_THAT(err_, HasSubstr(en() ? "is in use" : "正在使用中"));
    EXPECT_THAT(err_, HasSubstr(en() ? "Nothing was changed." : "未做任何改动。"));
  }
  EXPECT_EQ(Notes(db_), 2);
  ASSERT_EQ(Restore(to), 0) << err_;
  const std::string kept = db_ + ".before-restore-20261125-090000";
  EXPECT_THAT(out_, HasSubstr(kept));
  EXPECT_EQ(Notes(db_), 1);
  EXPECT_EQ(Notes(kept), 2);
}

TEST_P(BackupCliTest, RestoreRefusalsChangeNothing) {
  const std::string good = (dir_ / "b.db").string();
  ASSERT_EQ(Backup({"--to", good}), 0) << err_;
  // Newer schema.
  const std::string newer = (dir_ / "newer.db").string();
  fs::copy_file(good, newer);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(newer.c_str(), &raw), SQLITE_OK);
    const std::string sql = "INSERT INTO schema_migrations VALUES (" +
                            std::to_string(storage::LatestSchemaVersion() + 5) + ", 0)";
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  EXPECT_EQ(Restore(newer), 1);
  EXPECT_THAT(err_, HasSubstr(std::to_string(storage::LatestSchemaVersion() + 5)));
  EXPECT_THAT(err_, HasSubstr(en() ? "newer than this build's" : "高于本程序的"));
  // Corrupt: the second half of the file overwritten.
  const std::string corrupt = (dir_ / "corrupt.db").string();
  fs::copy_file(good, corrupt);
  {
    const auto size = fs::file_size(corrupt);
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(4096));
    const std::string garbage(size - 4096, '\x5A');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  EXPECT_EQ(Restore(corrupt), 1);
  EXPECT_THAT(err_, HasSubstr(en() ? "failed PRAGMA integrity_check" : "未通过 PRAGMA integrity_check"));
  // Not a database at all; and no file.
  std::ofstream(dir_ / "notes.txt") << "hello";
  EXPECT_EQ(Restore((dir_ / "notes.txt").string()), 1);
  EXPECT_THAT(err_, HasSubstr(en() ? "is not an SQLite database" : "不是 SQLite 数据库"));
  EXPECT_EQ(Restore((dir_ / "none.db").string()), 1);
  EXPECT_THAT(err_, HasSubstr(en() ? "no file" : "没有文件"));
  // Nothing changed, nothing kept.
  EXPECT_EQ(Notes(db_), 1);
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find("before-restore"), std::string::npos);
  }
}

TEST_P(BackupCliTest, AnOlderBackupSaysMigrationsRunAtTheNextStart) {
  const std::string old = (dir_ / "old.db").string();
  {
    auto db = storage::OpenSqlite(storage::SqliteOptions{old});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::MigrateTo(**db, 20).ok());
  }
  fs::remove(old + ".lock");
  ASSERT_EQ(Restore(old), 0) << err_;
  EXPECT_THAT(out_, HasSubstr(en() ? "the migrations run at the next start" : "下次启动时自动升级"));
}

INSTANTIATE_TEST_SUITE_P(, BackupCliTest, ::testing::Values("en", "zh-CN"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param == "en" ? std::string("en") : std::string("zh");
                         });

}  // namespace
}  // namespace linli::backup_cli_test
