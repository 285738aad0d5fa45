#include "storage/migrations.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "storage/sqlite_database.h"

namespace linli::storage::migrations_test {
namespace {

std::unique_ptr<Database> OpenMemory() {
  auto db = OpenSqlite(SqliteOptions{":memory:"});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

std::set<std::string> Names(Database& db, const std::string& type) {
  std::set<std::string> out;
  auto rows = db.Query("SELECT name FROM sqlite_master WHERE type = ?", {type});
  EXPECT_TRUE(rows.ok());
  if (rows.ok()) {
    for (const Row& r : *rows) out.insert(r.Text(0));
  }
  return out;
}

TEST(MigrationsTest, CreatesEveryTableAndIndex) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  auto version = Migrate(*db);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 1);

  const auto tables = Names(*db, "table");
  for (const char* t : {"schema_migrations", "persons", "identities", "tickets", "ticket_events",
                        "conversations", "inbox", "outbox"}) {
    EXPECT_TRUE(tables.count(t)) << t;
  }
  const auto indexes = Names(*db, "index");
  for (const char* i : {"identities_person_seen", "tickets_number", "tickets_reporter",
                        "ticket_events_ticket", "inbox_received", "outbox_due",
                        "outbox_destination"}) {
    EXPECT_TRUE(indexes.count(i)) << i;
  }
  EXPECT_FALSE(db->in_transaction());
}

TEST(MigrationsTest, IsIdempotent) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db).ok());
  ASSERT_TRUE(db->Exec("INSERT INTO persons (role, tier, locale, created_at) VALUES "
                       "('staff', 'grid', 'zh', 1)")
                  .ok());
  auto again = Migrate(*db);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, LatestSchemaVersion());

  auto versions = db->Query("SELECT version, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(versions.ok());
  // Every known migration once, in order (numbers may have gaps until every branch that owns
  // one is merged; with none missing this is 1..LatestSchemaVersion()).
  const std::vector<int> known = SchemaVersions();
  ASSERT_EQ(known.back(), LatestSchemaVersion());
  ASSERT_EQ(versions->size(), known.size());
  for (size_t i = 0; i < known.size(); ++i) {
    EXPECT_EQ((*versions)[i].Int(0), known[i]);
    EXPECT_GT((*versions)[i].Int(1), 0);
  }
  auto persons = db->Query("SELECT COUNT(*) FROM persons");
  ASSERT_TRUE(persons.ok());
  EXPECT_EQ((*persons)[0].Int(0), 1);  // data untouched by the second run
}

// Issue 10: a roster imported before migration 17 gets exact areas (rounded to 0.01 m²) and
// owner keys (the phone, or "household:<id>" without one); nothing is a developer unit.
TEST(MigrationsTest, Migration17GivesExistingHouseholdsExactAreasAndOwnerKeys) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  auto before = MigrateTo(*db, 16);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_LT(*before, 17);
  for (const auto& [room, area, phone] :
       std::vector<std::tuple<std::string, double, std::string>>{
           {"101", 89.5, "13812341234"}, {"102", 76.29, ""}, {"103", 120.125, "13812341234"}}) {
    ASSERT_TRUE(db->Exec("INSERT INTO households (building, unit, room, area_m2, owner_name, phone, "
                         "created_at) VALUES ('1', '1', ?, ?, 'x', ?, 1)",
                         {room, area, phone})
                    .ok());
  }
  auto after = Migrate(*db);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, LatestSchemaVersion());
  auto rows = db->Query("SELECT id, area_centi, owner_key, developer FROM households ORDER BY room");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].Int(1), 8950);
  EXPECT_EQ((*rows)[0].Text(2), "13812341234");
  EXPECT_EQ((*rows)[1].Int(1), 7629);  // 76.29 is 76.28999... in binary: rounded, not cut
  EXPECT_EQ((*rows)[1].Text(2), "household:" + std::to_string((*rows)[1].Int(0)));
  EXPECT_EQ((*rows)[2].Int(1), 12013);  // 12012.5 rounds half away from zero
  EXPECT_EQ((*rows)[2].Text(2), "13812341234");  // one owner with 101
  for (const Row& r : *rows) EXPECT_EQ(r.Int(3), 0);
}

// The dialect placeholders ({ID}, {REAL}, {DECIMAL:...}) render on SQLite as the text they
// replaced, so a database migrated before they existed has the same schema as a new one.
TEST(MigrationsTest, DialectPlaceholdersRenderOnSqliteAsTheTextTheyReplaced) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db).ok());
  auto rows = db->Query("SELECT sql FROM sqlite_master WHERE name = 'households'");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const std::string sql = (*rows)[0].Text(0);
  EXPECT_NE(sql.find("id INTEGER PRIMARY KEY,"), std::string::npos) << sql;
  EXPECT_NE(sql.find("area_m2 REAL NOT NULL,"), std::string::npos) << sql;
  EXPECT_EQ(sql.find('{'), std::string::npos) << sql;
}

TEST(MigrationsTest, MigrateToStopsAtTheVersionAsked) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  auto v = MigrateTo(*db, 2);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 2);
  EXPECT_FALSE(Names(*db, "table").count("households"));  // migration 8
  auto again = MigrateTo(*db, 1);  // already past: left as it is
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 2);
}

TEST(MigrationsTest, FailedMigrationRollsBackAndStopsThere) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  // A stray "tickets" table makes migration 2 fail half-way through its script.
  ASSERT_TRUE(db->Exec("CREATE TABLE tickets (x TEXT)").ok());
  auto version = Migrate(*db);
  ASSERT_FALSE(version.ok());
  EXPECT_NE(version.status().message().find("migration 2"), std::string::npos)
      << version.status().ToString();
  EXPECT_FALSE(db->in_transaction());

  auto applied = db->Query("SELECT MAX(version) FROM schema_migrations");
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ((*applied)[0].Int(0), 1);  // migration 1 committed on its own
  const auto tables = Names(*db, "table");
  EXPECT_TRUE(tables.count("persons"));
  EXPECT_FALSE(tables.count("ticket_events"));  // nothing of migration 2 remains
  EXPECT_FALSE(tables.count("outbox"));         // later migrations were not attempted

  // Once the obstacle is gone the remaining migrations apply.
  ASSERT_TRUE(db->Exec("DROP TABLE tickets").ok());
  auto retry = Migrate(*db);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(*retry, LatestSchemaVersion());
}

TEST(MigrationsTest, RefusesADatabaseFromANewerBuild) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  ASSERT_TRUE(Migrate(*db).ok());
  ASSERT_TRUE(db->Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)",
                       {int64_t{LatestSchemaVersion() + 1}})
                  .ok());
  EXPECT_EQ(Migrate(*db).status().code(), StatusCode::kFailedPrecondition);
}

TEST(MigrationsTest, RefusesToRunInsideATransaction) {
  auto db = OpenMemory();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Begin().ok());
  EXPECT_EQ(Migrate(*db).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(db->Rollback().ok());
}

TEST(MigrationsTest, SchemaSurvivesReopen) {
  char tmpl[] = "/tmp/linli_migrations_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  SqliteOptions options;
  options.path = dir + "/linli.db";
  {
    auto db = OpenSqlite(options);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(Migrate(**db).ok());
  }
  {
    auto db = OpenSqlite(options);
    ASSERT_TRUE(db.ok());
    auto rows = (*db)->Query("SELECT COUNT(*) FROM schema_migrations");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ((*rows)[0].Int(0), static_cast<int64_t>(SchemaVersions().size()));
    auto version = Migrate(**db);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, LatestSchemaVersion());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace linli::storage::migrations_test
