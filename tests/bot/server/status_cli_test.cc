// `linli status` (issue 15 point 7): the screen rendered from a fixed snapshot in both
// languages (the lines as an operator reads them, columns aligned also with Chinese labels),
// and the command in-process on a seeded database - counts from the data, read-only (an
// older schema is reported, not migrated; a missing database is not created), working while
// another connection holds the write lock, as `linli serve` does.
#include "bot/server/status_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bot/server/startup.h"
#include "domain/tickets/ticket_service.h"
#include "storage/job_store.h"
#include "storage/migrations.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/ticket_store.h"
#include "tests/storage/test_database.h"

namespace linli::status_cli_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kNow = 1795568400000;  // 2026-11-25 09:00 Asia/Shanghai

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

config::Texts ShippedTexts() {
  auto texts = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(texts.ok()) << texts.status().ToString();
  return texts.ok() ? *texts : config::Texts();
}

StatusSnapshot Snapshot() {
  StatusSnapshot s;
  s.database = "/var/lib/linli/linli.db";
  s.size = {13107200, 1048576};
  s.schema_version = 27;
  s.build_schema_version = 27;
  s.tickets = {{"accepted", "compound", 2}, {"closed", "street", 40}, {"new", "community", 1},
               {"new", "compound", 3}};
  s.open_tickets = {{"accepted", "compound", 2, 0}, {"new", "community", 1, 1},
                    {"new", "compound", 3, 2}};
  s.outbox = {{"deferred", "wx", 1}, {"failed", "tg", 2}, {"pending", "tg", 3}};
  storage::JobRun backup{"backup", 0, kNow - 5 * 3600'000, 5, 1, kNow - 30 * 3600'000, "old"};
  storage::JobRun retention{"retention", 0, kNow - 2 * 3600'000, 100, 3, kNow - 600'000,
                            "sqlite: disk I/O error [DELETE FROM outbox ...]"};
  using domain::Schedule;
  s.jobs = {{"tickets", Schedule::Every(std::chrono::minutes(1)), std::nullopt},
            {"retention", Schedule::Every(std::chrono::hours(1)), retention},
            {"backup", Schedule::Daily(3, 30), backup},
            {"meeting", Schedule::Monthly(25, 9, 0), std::nullopt},
            {"close", Schedule::Once(kNow + 3600'000), std::nullopt},
            {"old-job", std::nullopt, storage::JobRun{"old-job", 0, kNow - 86400'000, 2, 0, 0, ""}}};
  return s;
}

TEST(StatusRenderTest, EnglishScreen) {
  const config::Texts texts = ShippedTexts();
  auto zone = domain::LoadTimeZone("Asia/Shanghai");
  ASSERT_TRUE(zone.ok());
  const std::string screen = RenderStatus(Snapshot(), texts, "en", **zone, kNow);
  const std::vector<std::string> expected = {
      "Linli status at 2026-11-25 09:00 (Asia/Shanghai)",
      "  Database  /var/lib/linli/linli.db",
      "  Size      12.5 MiB + WAL 1.0 MiB",
      "  Schema    version 27 (this build: 27)",
      "",
      "Tickets by state and tier",
      "            compound  community  street  total  overdue",
      "  new              3          1       0      4        3",
      "  accepted         2          0       0      2        0",
      "  closed           0          0      40     40        -",
      "  total            5          1      40     46        3",
      "",
      "Outbox: not yet delivered, and dead letters",
      "  channel  pending  sending  deferred  failed (dead)",
      "  tg             3        0         0              2",
      "  wx             0        0         1              0",
      "",
      "Scheduled jobs",
      "  job        schedule                last run          runs  failures  last failure",
      "  tickets    every 1 min             never                0         0  -",
      "  retention  every 1 h               2026-11-25 07:00   100         3  2026-11-25 08:50",
      "  backup     daily 03:30             2026-11-25 04:00     5         1  2026-11-24 03:00",
      "  meeting    monthly, day 25, 09:00  never                0         0  -",
      "  close      once, 2026-11-25 10:00  never                0         0  -",
      "  old-job    (not scheduled)         2026-11-24 09:00     2         0  -",
      "  ! retention is failing: sqlite: disk I/O error [DELETE FROM outbox ...]",
  };
  EXPECT_EQ(Lines(screen), expected) << screen;
}

TEST(StatusRenderTest, ChineseScreenAlignsByDisplayWidth) {
  const config::Texts texts = ShippedTexts();
  auto zone = domain::LoadTimeZone("Asia/Shanghai");
  ASSERT_TRUE(zone.ok());
  const std::string screen = RenderStatus(Snapshot(), texts, "zh-CN", **zone, kNow);
  const std::vector<std::string> lines = Lines(screen);
  ASSERT_GE(lines.size(), 12u) << screen;
  EXPECT_EQ(lines[0], "邻里运行状态 2026-11-25 09:00（Asia/Shanghai）");
  EXPECT_EQ(lines[1], "  数据库    /var/lib/linli/linli.db");
  EXPECT_EQ(lines[2], "  大小      12.5 MiB，另有 WAL 1.0 MiB");
  EXPECT_EQ(lines[3], "  数据结构  版本 27（本程序：27）");
  EXPECT_EQ(lines[5], "工单（按状态和层级）");
  EXPECT_EQ(lines[6], "          小区  社区  街道  合计  超时");
  EXPECT_EQ(lines[7], "  待受理     3     1     0     4     3");
  EXPECT_EQ(lines[8], "  已受理     2     0     0     2     0");
  EXPECT_EQ(lines[9], "  已关闭     0     0    40    40     -");
  EXPECT_EQ(lines[10], "  合计       5     1    40    46     3");
  EXPECT_THAT(screen, HasSubstr("  渠道  待发送  发送中  暂缓  失败（死信）\n"));
  EXPECT_THAT(screen, HasSubstr("定时任务\n"));
  EXPECT_THAT(screen, HasSubstr("从未"));
  // Schedules in words, the one-off instant in the compound's time zone.
  EXPECT_THAT(screen, ::testing::ContainsRegex("\n  tickets +每 1 分钟 +从未 "));
  EXPECT_THAT(screen, ::testing::ContainsRegex("\n  retention +每 1 小时 +2026-11-25 07:00 "));
  EXPECT_THAT(screen, ::testing::ContainsRegex("\n  backup +每天 03:30 +2026-11-25 04:00 "));
  EXPECT_THAT(screen, ::testing::ContainsRegex("\n  meeting +每月 25 日 09:00 +从未 "));
  EXPECT_THAT(screen, ::testing::ContainsRegex("\n  close +一次，2026-11-25 10:00 +从未 "));
  EXPECT_THAT(screen, Not(HasSubstr("every")));
  EXPECT_THAT(screen, HasSubstr("！retention 正在失败：sqlite: disk I/O error"));
  // Every line of a table has the same display width up to its last column's end.
  for (size_t i = 7; i <= 10; ++i) EXPECT_EQ(DisplayWidth(lines[i]), DisplayWidth(lines[6])) << i;
}

TEST(StatusRenderTest, EmptyDatabaseSaysSo) {
  const config::Texts texts = ShippedTexts();
  StatusSnapshot s;
  s.database = "linli.db";
  s.schema_version = 20;
  s.build_schema_version = 27;
  const std::string screen = RenderStatus(s, texts, "en", domain::TimeZone::Utc(), kNow);
  EXPECT_THAT(screen, HasSubstr("  Schema    version 20: 7 migration(s) to run at the next start (this build: 27)\n"));
  EXPECT_THAT(screen, HasSubstr("  no tickets yet\n"));
  EXPECT_THAT(screen, HasSubstr("  nothing waiting, no dead letters\n"));
}

TEST(StatusRenderTest, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("待受理"), 6u);
  EXPECT_EQ(DisplayWidth("（本程序：27）"), 14u);
  EXPECT_EQ(DisplayWidth("é"), 1u);
  EXPECT_EQ(DisplayWidth(std::string("\xE5\x80", 2)), 2u);  // a cut sequence: bytes as themselves
}

// The command on a real database file.
class StatusCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("linli_status_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_path_ = (dir_ / "linli.db").string();
    config_ = (dir_ / "linli.json").string();
    std::ofstream(config_, std::ios::binary)
        << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
        << "  \"storage\": {\"sqlite\": {\"path\": \"" << db_path_ << "\"}},\n"
        << "  \"backup\": {\"dir\": \"" << (dir_ / "backups").string() << "\", \"at\": \"03:30\"},\n"
        << "  \"locale\": \"zh-CN\"\n}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Three open tickets (new, new, accepted), one closed; two outbox rows on tg (one a dead
  // letter); the tickets job ran, the backup job failed once.
  void Seed() {
    auto checked = LoadAndValidate(config_);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    auto opened = storage::OpenDatabase(DatabaseOptionsFor(checked->config.storage));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    storage::Database& db = *opened->db;
    for (int i = 0; i < 4; ++i) {
      storage::Ticket t;
      t.channel = "tg";
      t.notify_channel = "tg";
      t.category = "repair";
      t.building = "3";
      t.description = std::string("灯坏了 SECRET-NAME 13800001111");
      domain::TicketService::PrepareNew(checked->config, t, kNow);
      t.created_at_ms = kNow;
      t.updated_at_ms = kNow;
      ASSERT_TRUE(storage::TicketStore::Create(db, t).ok());
    }
    ASSERT_TRUE(db.Exec("UPDATE tickets SET status = 'accepted' WHERE id = 3").ok());
    ASSERT_TRUE(db.Exec("UPDATE tickets SET status = 'closed' WHERE id = 4").ok());
    OutboundMessage m;
    m.to = {"tg", "u-secret-1", "u-secret-1", ChatType::kPrivate};
    m.text = "您的报事 SECRET-TEXT";
    auto a = storage::OutboxStore::Enqueue(db, m, kNow);
    m.to = {"tg", "u-secret-2", "u-secret-2", ChatType::kPrivate};
    auto b = storage::OutboxStore::Enqueue(db, m, kNow);
    ASSERT_TRUE(a.ok() && b.ok());
    // A dead letter is a sent try.
    auto claimed = storage::OutboxStore::ClaimDue(db, kNow, 10, "test", 60000);
    ASSERT_TRUE(claimed.ok() && claimed->size() == 2u);
    const auto& first = (*claimed)[0].id == *a ? (*claimed)[0] : (*claimed)[1];
    const auto& second = (*claimed)[0].id == *a ? (*claimed)[1] : (*claimed)[0];
    ASSERT_EQ(second.id, *b);
    ASSERT_TRUE(storage::OutboxStore::MarkRetry(db, first, kNow + 1000, "429").ok());
    ASSERT_TRUE(storage::OutboxStore::MarkFailed(db, second, "400 chat not found").ok());
    ASSERT_TRUE(storage::JobStore::Record(db, "tickets", kNow - 60'000, kNow - 59'000).ok());
    ASSERT_TRUE(storage::JobStore::RecordFailure(db, "backup", kNow, "backup: no space").ok());
  }

  int Status(const std::vector<std::string>& args, std::string* out, std::string* err) {
    std::ostringstream o, e;
    const int code = RunStatusCommand(args, ::getenv, o, e);
    *out = o.str();
    *err = e.str();
    return code;
  }

  fs::path dir_;
  std::string db_path_;
  std::string config_;
};

TEST_F(StatusCliTest, ShowsTheSeededCountsInBothLanguagesAndNothingPersonal) {
  Seed();
  std::string out, err;
  ASSERT_EQ(Status({"--config", config_}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("邻里运行状态"));
  EXPECT_THAT(out, HasSubstr("\n  待受理     2     0     0     2"));
  EXPECT_THAT(out, HasSubstr("\n  已受理     1     0     0     1"));
  EXPECT_THAT(out, HasSubstr("\n  已关闭     1     0     0     1     -\n"));
  EXPECT_THAT(out, HasSubstr("\n  合计       4     0     0     4"));
  EXPECT_THAT(out, HasSubstr("\n  tg         1       0     0             1\n"));
  EXPECT_THAT(out, HasSubstr("！backup 正在失败：backup: no space"));
  std::string en;
  ASSERT_EQ(Status({"--config", config_, "--locale", "en"}, &en, &err), 0) << err;
  EXPECT_THAT(en, HasSubstr("Tickets by state and tier\n"));
  EXPECT_THAT(en, HasSubstr("\n  new              2          0       0      2"));
  EXPECT_THAT(en, HasSubstr("\n  tg             1        0         0              1\n"));
  // Every configured job is listed, the backup too; the tickets job with its run.
  EXPECT_THAT(en, HasSubstr("\n  backup  "));
  EXPECT_THAT(en, HasSubstr("daily 03:30"));
  EXPECT_THAT(out, HasSubstr("每天 03:30"));
  EXPECT_THAT(en, HasSubstr("\n  inbox-prune  "));
  EXPECT_THAT(en, ::testing::ContainsRegex("\n  tickets +every 1 min +2026-11-25 08:59 +1 +0 +-\n"));
  EXPECT_THAT(en, HasSubstr("  ! backup is failing: backup: no space\n"));
  for (const std::string& screen : {out, en}) {
    EXPECT_THAT(screen, Not(HasSubstr("SECRET")));
    EXPECT_THAT(screen, Not(HasSubstr("13800001111")));
    EXPECT_THAT(screen, Not(HasSubstr("u-secret")));
    EXPECT_THAT(screen, Not(HasSubstr("chat not found")));
  }
}

TEST_F(StatusCliTest, ReadsBesideAWriterAndChangesNothing) {
  Seed();
  // A writer holding the write lock with an uncommitted ticket, as `linli serve` mid-batch.
  auto writer = storage::OpenDatabase(storage::DatabaseOptions{"sqlite", {db_path_}, ""});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->db->Begin().ok());
  ASSERT_TRUE(writer->db->Exec("UPDATE tickets SET status = 'closed' WHERE id = 1").ok());
  std::string out, err;
  ASSERT_EQ(Status({"--config", config_, "--locale", "en"}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("\n  new              2"));  // the committed state
  ASSERT_TRUE(writer->db->Rollback().ok());
}

TEST_F(StatusCliTest, AnOlderSchemaIsReportedNotMigrated) {
  {
    auto db = storage::OpenSqlite(storage::SqliteOptions{db_path_});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::MigrateTo(**db, 20).ok());
  }
  std::string out, err;
  ASSERT_EQ(Status({"--config", config_, "--locale", "en"}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("version 20: " + std::to_string(storage::LatestSchemaVersion() - 20) +
                             " migration(s) to run at the next start"));
  auto db = storage::OpenSqlite(storage::SqliteOptions{db_path_});
  ASSERT_TRUE(db.ok());
  auto version = storage::SchemaVersion(**db);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 20);
}

TEST_F(StatusCliTest, NoDatabaseIsAnErrorAndIsNotCreated) {
  std::string out, err;
  EXPECT_EQ(Status({"--config", config_}, &out, &err), 1);
  EXPECT_THAT(err, HasSubstr("还没有数据库"));
  EXPECT_FALSE(fs::exists(db_path_));
}

// Issue 14: on PostgreSQL there is no file to measure: the screen names the database (no
// password) and what the schema and the whole database take (pg_total_relation_size,
// pg_database_size). Skipped, saying why, without LINLI_PG_DSN.
TEST_F(StatusCliTest, OnPostgresqlTheSchemaAndDatabaseSizesAreShown) {
  if (const std::string why = storage::PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
  storage::TestSchema schema;
  ASSERT_TRUE(schema.status().ok()) << schema.status().ToString();
  const nlohmann::json storage_section = {
      {"backend", "postgresql"},
      {"postgresql", {{"dsn", storage::PgTestDsn()}, {"schema", schema.name()}}}};
  std::ofstream(config_, std::ios::binary | std::ios::trunc)
      << "{\n  \"locale_dir\": \"" << LINLI_SOURCE_DIR << "/config/locales\",\n"
      << "  \"storage\": " << storage_section.dump() << ",\n"
      << "  \"locale\": \"en\"\n}\n";
  std::string out, err;
  // Not migrated yet: read as schema version 0, nothing created.
  ASSERT_EQ(Status({"--config", config_}, &out, &err), 0) << err;
  Seed();
  ASSERT_EQ(Status({"--config", config_}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("postgresql://"));
  EXPECT_THAT(out, HasSubstr(" in schema " + schema.name() + " (the whole database: "));
  EXPECT_THAT(out, HasSubstr("\n  new              2"));
}

TEST_F(StatusCliTest, UsageErrors) {
  std::string out, err;
  EXPECT_EQ(Status({}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("status needs --config FILE"));
  EXPECT_EQ(Status({"--config", config_, "--locale", "fr"}, &out, &err), 2);
  EXPECT_THAT(err, HasSubstr("--locale must be one of en, zh-CN"));
  EXPECT_EQ(Status({"--config", config_, "--verbose"}, &out, &err), 2);
}

}  // namespace
}  // namespace linli::status_cli_test
