#include "storage/personal_data.h"

#include <gtest/gtest.h>

#include <set>

#include "storage/identity_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage {
namespace {

class PersonalDataTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(PersonalDataTest);

// The tables of the schema, by the backend's catalogue.
std::string TablesSql(const Database& db) {
  if (db.dialect() == "sqlite") {
    return "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  }
  return "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";
}

// A migration that adds a table must say, in the map, whether and how it holds personal data.
TEST_P(PersonalDataTest, TheMapListsEveryTableOfTheSchema) {
  auto rows = db_->Query(TablesSql(*db_));
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

TEST_P(PersonalDataTest, EveryStatementOfTheMapRuns) {
  Database* db = db_.get();
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
