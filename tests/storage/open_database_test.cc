#include "storage/open_database.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/migrations.h"

namespace linli::storage::open_database_test {
namespace {

TEST(OpenDatabaseTest, SqliteComesBackMigratedToTheLatestVersion) {
  DatabaseOptions o;
  o.sqlite.path = ":memory:";
  auto opened = OpenDatabase(o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_NE(opened->db, nullptr);
  EXPECT_EQ(opened->schema_version, LatestSchemaVersion());
  EXPECT_EQ(opened->db->dialect(), "sqlite");
  // Every migration once, with no gap: the count is the newest version.
  auto rows = opened->db->Query("SELECT COUNT(*), MAX(version) FROM schema_migrations");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].Int(0), LatestSchemaVersion());
  EXPECT_EQ((*rows)[0].Int(1), LatestSchemaVersion());
  EXPECT_EQ(static_cast<int64_t>(SchemaVersions().size()), LatestSchemaVersion());
}

TEST(OpenDatabaseTest, AnUnknownBackendIsNamedWithTheKnownOnes) {
  DatabaseOptions o;
  o.backend = "x";
  o.sqlite.path = ":memory:";
  auto opened = OpenDatabase(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  std::string known;
  for (const auto& b : KnownBackends()) known += (known.empty() ? "" : ", ") + b;
  EXPECT_EQ(opened.status().message(),
            "storage.backend: unknown backend \"x\" (known: " + known + ")");
  EXPECT_EQ(KnownBackends().front(), "sqlite");
}

// Issue 14: the cannot-connect error says where (database, host, port, user) and why, and
// never the password - given as a keyword or inside a URI.
TEST(OpenDatabaseTest, PostgresqlThatCannotBeReachedIsUnavailableNamingWhereNotThePassword) {
  for (const std::string dsn :
       {"host=127.0.0.1 port=1 dbname=linli_nowhere user=linli_u password=s3cret-pw "
        "connect_timeout=5",
        "postgresql://linli_u:s3cret-pw@127.0.0.1:1/linli_nowhere?connect_timeout=5"}) {
    DatabaseOptions o;
    o.backend = "postgresql";
    o.postgresql.dsn = dsn;
    auto opened = OpenDatabase(o);
    ASSERT_FALSE(opened.ok()) << dsn;
    EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable) << dsn;
    const std::string m = opened.status().message();
    EXPECT_EQ(m.rfind("postgresql: cannot connect to database \"linli_nowhere\" on host 127.0.0.1 "
                      "port 1 as user \"linli_u\": ",
                      0),
              0u)
        << m;
    EXPECT_EQ(m.find("s3cret"), std::string::npos) << m;
    EXPECT_EQ(DescribeDatabase(o), "postgresql://linli_u@127.0.0.1:1/linli_nowhere");
    o.postgresql.schema = "linli";
    EXPECT_EQ(DescribeDatabase(o), "postgresql://linli_u@127.0.0.1:1/linli_nowhere (schema linli)");
  }
}

TEST(OpenDatabaseTest, ASocketDirectoryIsPercentEncodedInTheDescription) {
  DatabaseOptions o;
  o.backend = "postgresql";
  o.postgresql.dsn = "host=/run/postgresql dbname=linli";
  EXPECT_EQ(DescribeDatabase(o), "postgresql://%2Frun%2Fpostgresql/linli");
}

TEST(OpenDatabaseTest, APostgresqlDsnLibpqCannotParseIsInvalidArgumentAndNotQuoted) {
  for (const std::string dsn : {"host=127.0.0.1 password=s3cret-pw no_such_option=1",
                                "host=127.0.0.1 password s3cret-pw"}) {
    DatabaseOptions o;
    o.backend = "postgresql";
    o.postgresql.dsn = dsn;
    auto opened = OpenDatabase(o);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(opened.status().message().find("s3cret"), std::string::npos)
        << opened.status().message();
    EXPECT_EQ(DescribeDatabase(o).find("s3cret"), std::string::npos);
  }
}

TEST(OpenDatabaseTest, ABadSqliteOptionIsTheBackendsError) {
  DatabaseOptions o;
  o.sqlite.path = ":memory:";
  o.sqlite.synchronous = "SOMETIMES";
  EXPECT_EQ(OpenDatabase(o).status().code(), StatusCode::kInvalidArgument);
  o.sqlite.synchronous = "FULL";
  o.sqlite.path = "/nonexistent-linli-dir/sub/db.sqlite";
  auto opened = OpenDatabase(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.status().message().find(o.sqlite.path), std::string::npos);
}

TEST(OpenDatabaseTest, ReopeningAFileDatabaseKeepsItsVersion) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("linli_open_db_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  DatabaseOptions o;
  o.sqlite.path = dir + "/linli.db";
  {
    auto first = OpenDatabase(o);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_TRUE(first->db->Exec("CREATE TABLE kept (x BIGINT)").ok());
    ASSERT_TRUE(first->db->Exec("INSERT INTO kept VALUES (7)").ok());
  }
  auto second = OpenDatabase(o);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->schema_version, LatestSchemaVersion());
  auto rows = second->db->Query("SELECT x FROM kept");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 7);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace linli::storage::open_database_test
