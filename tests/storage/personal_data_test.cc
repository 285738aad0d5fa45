#include "storage/personal_data.h"

#include <gtest/gtest.h>

#include <set>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"

namespace linli::storage {
namespace {

std::unique_ptr<Database> Migrated() {
  auto db = OpenSqlite({":memory:", "OFF", 1000});
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(Migrate(**db).ok());
  return std::move(db).value();
}

// A migration that adds a table must say, in the map, whether and how it holds personal data.
TEST(PersonalDataTest, TheMapListsEveryTableOfTheSchema) {
  auto db = Migrated();
  auto rows = db->Query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  ASSERT_TRUE(rows.ok());
  std::set<std::string> schema;
  for (const auto& r : *rows) schema.insert(r.Text(0));
  std::set<std::string> mapped;
  for (const auto& t : PersonalDataMap()) {
    EXPECT_TRUE(mapped.insert(t.table).second) << t.table << " is listed twice";
    EXPECT_FALSE(t.note.empty()) << t.table << " has no policy in words";
  }
  for (const auto& table : schema) {
    EXPECT_TRUE(mapped.count(table)) << "table " << table
                                     << " is not in storage/personal_data.cc's map";
  }
  for (const auto& table : mapped) {
    EXPECT_TRUE(schema.count(table)) << "the map lists " << table << ", which does not exist";
  }
}

TEST(PersonalDataTest, EveryStatementOfTheMapRuns) {
  auto db = Migrated();
  auto p = IdentityStore::Touch(*db, {"tg", "u1", "u1", ChatType::kPrivate}, 1000);
  ASSERT_TRUE(p.ok());
  auto exported = PersonalData::Export(*db, p->id);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  size_t exporting = 0;
  for (const auto& t : PersonalDataMap()) exporting += t.export_sql.empty() ? 0 : 1;
  EXPECT_EQ(exported->size(), exporting);
  ASSERT_TRUE(db->Begin().ok());
  EXPECT_TRUE(PersonalData::Erase(*db, p->id).ok());
  ASSERT_TRUE(db->Commit().ok());
  EXPECT_EQ(PersonalData::Export(*db, p->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(PersonalData::Erase(*db, p->id).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace linli::storage
