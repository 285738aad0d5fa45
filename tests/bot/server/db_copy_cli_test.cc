// `linli db copy --from A --to B` (issue 14 point 4): in-process on SQLite files (the table of
// checks, the progress as plain lines or as a bar, the refusals in the config's locale), and -
// when LINLI_PG_DSN names a server - SQLite to PostgreSQL and back with equal checksums. After
// a copy the resident's 进度 through the real binary (`linli chat --config B`) answers what it
// answered on A.
#include "bot/server/db_copy_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bot/server/startup.h"
#include "storage/db_copy.h"
#include "storage/migrations.h"
#include "storage/open_database.h"
#include "storage/sqlite_database.h"
#include "tests/storage/community_seed.h"
#include "tests/storage/test_database.h"

namespace linli::db_copy_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class DbCopyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_db_copy_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A config whose "storage" section is `storage` (JSON).
  std::string Config(const std::string& name, const std::string& storage,
                     const std::string& locale = "zh-CN") {
    const std::string path = (dir_ / (name + ".json")).string();
    std::ofstream(path, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"timezone\": \"Asia/Shanghai\",\n  \"locale\": \"" << locale << "\",\n"
        << "  \"storage\": " << storage << ",\n  \"logging\": {\"level\": \"error\"}\n}\n";
    return path;
  }
  std::string SqliteConfig(const std::string& name, const std::string& locale = "zh-CN") {
    return Config(name, "{\"sqlite\": {\"path\": \"" + Db(name) + "\"}}", locale);
  }
  std::string Db(const std::string& name) const { return (dir_ / (name + ".db")).string(); }

  storage::DatabaseOptions Options(const std::string& config) {
    auto checked = LoadAndValidate(config, ::getenv, ChannelSecretsFor("db"));
    EXPECT_TRUE(checked.ok()) << checked.status().ToString();
    return checked.ok() ? DatabaseOptionsFor(checked->config.storage) : storage::DatabaseOptions{};
  }
  std::unique_ptr<storage::Database> Open(const std::string& config) {
    auto opened = storage::OpenDatabase(Options(config));
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened->db) : nullptr;
  }
  void Seed(const std::string& config) {
    auto db = Open(config);
    ASSERT_TRUE(db);
    storage::testing::SeedCommunity(*db);
  }
  std::vector<storage::TableSum> Sums(const std::string& config) {
    auto db = Open(config);
    if (!db) return {};
    auto sums = storage::SumTables(*db);
    EXPECT_TRUE(sums.ok()) << sums.status().ToString();
    return sums.ok() ? *sums : std::vector<storage::TableSum>{};
  }

  int Copy(const std::string& from, const std::string& to, bool terminal = false) {
    std::ostringstream o, e;
    const int code = RunDbCopyCommand({"copy", "--from", from, "--to", to}, ::getenv, o, e, terminal);
    out_ = o.str();
    err_ = e.str();
    return code;
  }

  // The resident ("console", "u1") asks 进度 and 进度 1 through `linli chat --config`.
  std::string Chat(const std::string& config) {
    const fs::path in = dir_ / "chat-in.txt", out = dir_ / "chat-out.txt", err = dir_ / "chat-err.txt";
    std::ofstream(in, std::ios::binary) << "进度\n进度 1\n";
    const std::string cmd = "'" LINLI_BINARY "' chat --config '" + config + "' --user u1 <'" +
                            in.string() + "' >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadAll(err);
    return ReadAll(out);
  }

  fs::path dir_;
  std::string out_, err_;
};

TEST_F(DbCopyCliTest, CopiesSqliteToSqliteVerifiesItAndTheResidentSeesTheSameTickets) {
  const std::string a = SqliteConfig("a"), b = SqliteConfig("b");
  Seed(a);
  ASSERT_EQ(Copy(a, b), 0) << err_;
  // Progress as plain lines (not a terminal), the checks as a table.
  EXPECT_THAT(err_, HasSubstr("正在把 " + Db("a") + " 复制到 " + Db("b")));
  EXPECT_THAT(err_, HasSubstr("] tickets：已复制 3 行\n"));
  EXPECT_THAT(err_, HasSubstr("正在核对"));
  EXPECT_THAT(err_, Not(HasSubstr("\r")));
  EXPECT_THAT(out_, HasSubstr("表"));
  EXPECT_THAT(out_, HasSubstr("源 SHA-256"));
  std::istringstream lines(out_);
  size_t checked = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::string mark = "  一致";  // the last column
    if (line.size() > mark.size() && line.compare(line.size() - mark.size(), mark.size(), mark) == 0) {
      ++checked;
    }
    EXPECT_THAT(line, Not(HasSubstr("不一致")));
  }
  const auto sums = Sums(a);
  ASSERT_FALSE(sums.empty());
  EXPECT_EQ(checked, sums.size());
  for (const storage::TableSum& s : sums) {
    EXPECT_THAT(out_, HasSubstr(s.table + " ")) << s.table;
    EXPECT_THAT(out_, HasSubstr(s.checksum.substr(0, 16) + "  " + s.checksum.substr(0, 16)))
        << s.table;
  }
  EXPECT_THAT(out_, HasSubstr("每张表都已核对：两边行数和 SHA-256 校验和一致"));
  const auto copied = Sums(b);
  ASSERT_EQ(copied.size(), sums.size());
  for (size_t i = 0; i < sums.size(); ++i) {
    EXPECT_EQ(copied[i].checksum, sums[i].checksum) << sums[i].table;
  }

  // The resident's 进度 on B, through the binary, answers as on A.
  const std::string on_b = Chat(b);
  const std::string on_a = Chat(a);
  EXPECT_EQ(on_b, on_a);
  EXPECT_THAT(on_b, HasSubstr("#3 "));
  EXPECT_THAT(on_b, HasSubstr("#1 "));
  EXPECT_THAT(on_b, Not(HasSubstr("#2 ")));  // the neighbour's
  EXPECT_THAT(on_b, HasSubstr("状态：已受理"));  // 进度 1, with its history

  // A second copy into B: refused, naming the table, and B unchanged.
  const auto before = Sums(b);
  EXPECT_EQ(Copy(a, b), 1);
  EXPECT_THAT(err_, HasSubstr("不是空的：表 decisions 有 1 行"));  // the first in copy order
  EXPECT_THAT(err_, HasSubstr("未复制任何内容"));
  const auto after = Sums(b);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].checksum, before[i].checksum);
}

TEST_F(DbCopyCliTest, OnATerminalTheProgressIsABar) {
  const std::string a = SqliteConfig("a"), b = SqliteConfig("b");
  Seed(a);
  ASSERT_EQ(Copy(a, b, /*terminal=*/true), 0) << err_;
  EXPECT_THAT(err_, HasSubstr("\r复制 ["));
  EXPECT_THAT(err_, HasSubstr("\r核对 [##############################] 100%"));
  EXPECT_THAT(err_, Not(HasSubstr("已复制 3 行")));
}

TEST(DbCopyBarTest, DrawsTheShareDoneAndTheTable) {
  storage::CopyProgress p;
  p.rows = 200;
  p.rows_done = 50;
  p.table = "tickets";
  EXPECT_EQ(CopyProgressBar(p, "copying", 10), "copying [##--------]  25%  50/200  tickets");
  p.rows_done = 200;
  EXPECT_EQ(CopyProgressBar(p, "copying", 10), "copying [##########] 100%  200/200  tickets");
  p.rows = 0;
  p.rows_done = 0;
  EXPECT_EQ(CopyProgressBar(p, "copying", 4), "copying [####] 100%  0/0  tickets");
}

TEST_F(DbCopyCliTest, RefusalsNameTheProblemAndCopyNothing) {
  const std::string a = SqliteConfig("a", "en"), b = SqliteConfig("b", "en");
  // No source database (and none is created).
  EXPECT_EQ(Copy(a, b), 1);
  EXPECT_THAT(err_, HasSubstr("no database at " + Db("a") + ". Nothing was copied."));
  EXPECT_FALSE(fs::exists(Db("a")));
  EXPECT_FALSE(fs::exists(Db("b")));
  // An older source: migrate it first.
  {
    storage::SqliteOptions o;
    o.path = Db("a");
    auto db = storage::OpenSqlite(o);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::MigrateTo(**db, storage::LatestSchemaVersion() - 1).ok());
  }
  EXPECT_EQ(Copy(a, b), 1);
  EXPECT_THAT(err_, HasSubstr("older than this build's " +
                              std::to_string(storage::LatestSchemaVersion()) +
                              ": run linli migrate --config " + a + " on it first"));
  EXPECT_FALSE(fs::exists(Db("b")));
  Seed(a);  // migrates it
  // The same database, under a second config.
  const std::string alias = Config("alias", "{\"sqlite\": {\"path\": \"" + Db("a") + "\"}}", "en");
  EXPECT_EQ(Copy(a, alias), 1);
  EXPECT_THAT(err_, HasSubstr(" are the same database. Nothing was copied."));
  // The source in use (a running service holds it).
  {
    auto running = Open(a);
    ASSERT_TRUE(running);
    EXPECT_EQ(Copy(a, b), 1);
    EXPECT_THAT(err_, HasSubstr(Db("a") + " is in use (linli serve or linli chat has it open)"));
  }
  EXPECT_FALSE(fs::exists(Db("b")));
  // Usage.
  std::ostringstream o, e;
  EXPECT_EQ(RunDbCopyCommand({"copy", "--from", a}, ::getenv, o, e, false), 2);
  EXPECT_THAT(e.str(), HasSubstr("db copy needs --to CONFIG_B"));
  EXPECT_EQ(RunDbCopyCommand({"move"}, ::getenv, o, e, false), 2);
  EXPECT_EQ(RunDbCopyCommand({"copy", "--from", a, "--to", (dir_ / "none.json").string()},
                             ::getenv, o, e, false),
            1);
  // And then it copies.
  EXPECT_EQ(Copy(a, b), 0) << err_;
  EXPECT_THAT(out_, HasSubstr("every table verified: the same row count and SHA-256 checksum"));
}

// SQLite -> PostgreSQL -> SQLite through the command, and the resident's 进度 on PostgreSQL.
TEST_F(DbCopyCliTest, SqliteToPostgresqlAndBack) {
  if (const std::string why = storage::PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
  storage::TestSchema schema;
  ASSERT_TRUE(schema.status().ok()) << schema.status().ToString();
  const std::string a = SqliteConfig("a");
  const std::string pg = Config("pg", "{\"backend\": \"postgresql\", \"postgresql\": {\"dsn\": "
                                      "\"${LINLI_PG_DSN}\", \"schema\": \"" +
                                          schema.name() + "\"}}");
  const std::string back = SqliteConfig("back");
  Seed(a);
  ASSERT_EQ(Copy(a, pg), 0) << err_;
  EXPECT_THAT(err_, HasSubstr("postgresql://"));
  ASSERT_EQ(Copy(pg, back), 0) << err_;
  const auto original = Sums(a), there = Sums(pg), returned = Sums(back);
  ASSERT_EQ(there.size(), original.size());
  ASSERT_EQ(returned.size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(there[i].checksum, original[i].checksum) << original[i].table;
    EXPECT_EQ(returned[i].checksum, original[i].checksum) << original[i].table;
  }
  const std::string on_pg = Chat(pg);
  EXPECT_EQ(on_pg, Chat(a));
  EXPECT_THAT(on_pg, HasSubstr("#3 "));
  // The PostgreSQL schema is no longer empty: a second copy into it is refused.
  EXPECT_EQ(Copy(back, pg), 1);
  EXPECT_THAT(err_, HasSubstr("不是空的：表 decisions 有 1 行"));
}

}  // namespace
}  // namespace linli::db_copy_cli_test
