// The backup section (issue 15 point 4): the daily backup job's folder, time and retention.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::backup_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json", [](const char*) -> const char* { return nullptr; });
}

TEST(ConfigBackupTest, OffWithoutTheSection) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->backup.enabled);
  EXPECT_EQ(c->backup.at, "03:30");
  EXPECT_EQ(c->backup.keep, 7);
}

TEST(ConfigBackupTest, TheSectionTurnsItOnWithDefaultsBesideTheDatabase) {
  auto c = Parse(R"({"storage": {"sqlite": {"path": "/var/lib/linli/linli.db"}}, "backup": {}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->backup.enabled);
  EXPECT_EQ(c->backup.dir, "/var/lib/linli/backups");
  EXPECT_EQ(c->backup.at, "03:30");
  EXPECT_EQ(c->backup.keep, 7);
}

TEST(ConfigBackupTest, ReadsEveryKey) {
  auto c = Parse(R"({"backup": {"enabled": false, "dir": "/srv/backup/linli", "at": "02:15",
                                "keep": 30}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->backup.enabled);
  EXPECT_EQ(c->backup.dir, "/srv/backup/linli");
  EXPECT_EQ(c->backup.at, "02:15");
  EXPECT_EQ(c->backup.keep, 30);
}

TEST(ConfigBackupTest, ErrorsNameTheKey) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {R"({"backup": {"at": "3:30"}})", "backup.at: must be \"HH:MM\""},
      {R"({"backup": {"at": "24:00"}})", "backup.at"},
      {R"({"backup": {"at": 330}})", "backup.at"},
      {R"({"backup": {"keep": 0}})", "backup.keep"},
      {R"({"backup": {"keep": "7"}})", "backup.keep"},
      {R"({"backup": {"dir": ""}})", "backup.dir"},
      {R"({"backup": {"enabled": "yes"}})", "backup.enabled"},
      {R"({"backup": {"kept": 3}})", "keep"},  // did you mean
      {R"({"backup": []})", "backup"},
      {R"({"storage": {"sqlite": {"path": ":memory:"}}, "backup": {}})",
       "backup.enabled: storage.sqlite.path \":memory:\" is not a file"},
  };
  for (const auto& k : cases) {
    auto c = Parse(k.text);
    ASSERT_FALSE(c.ok()) << "accepted: " << k.text;
    EXPECT_THAT(c.status().message(), HasSubstr(k.expected)) << k.text;
  }
  // Off, a memory database is fine.
  EXPECT_TRUE(Parse(R"({"storage": {"sqlite": {"path": ":memory:"}}, "backup": {"enabled": false}})").ok());
}

// Issue 14: Linli's backup copies a SQLite file; a PostgreSQL database (shared by several
// instances) is backed up with PostgreSQL's tools, so the job is refused, naming the key.
TEST(ConfigBackupTest, RefusedOnPostgresql) {
  const std::string pg = R"("storage": {"backend": "postgresql",
      "postgresql": {"dsn": "host=/run/postgresql dbname=linli"}})";
  auto c = Parse("{" + pg + R"(, "backup": {}})");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("backup.enabled: backups copy a SQLite file, but "
                                              "storage.backend is \"postgresql\""));
  EXPECT_THAT(c.status().message(), HasSubstr("pg_dump"));
  EXPECT_TRUE(Parse("{" + pg + R"(, "backup": {"enabled": false}})").ok());
  EXPECT_TRUE(Parse("{" + pg + "}").ok());
}

}  // namespace
}  // namespace linli::config::backup_config_test
