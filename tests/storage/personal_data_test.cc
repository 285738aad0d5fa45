#include "storage/personal_data.h"

#include <gtest/gtest.h>

#include <set>

#include "storage/identity_store.h"
#include "storage/media_store.h"
#include "storage/ticket_store.h"
#include "storage/points_store.h"
#include "storage/volunteer_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::personal_data_test {
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

// Issue 9: a volunteer's registration is exported and deleted; their points entries are
// exported, and erasure keeps them for the totals without the person, the note or the key.
TEST_P(PersonalDataTest, VolunteersAndPointsAreExportedAndErased) {
  Database* db = db_.get();
  auto p = IdentityStore::Touch(*db, {"tg", "v1", "v1", ChatType::kPrivate}, 1000);
  ASSERT_TRUE(p.ok());
  Volunteer v;
  v.person_id = p->id;
  v.display_name = "小王";
  v.organisation = "区税务局党支部";
  v.status = VolunteerStatus::kActive;
  ASSERT_TRUE(VolunteerStore::Upsert(*db, v).ok());
  PointsEntry e;
  e.person_id = p->id;
  e.amount = 5;
  e.reason = "wish";
  e.ref = "12";
  e.note = "帮王阿姨修水管";
  e.idem_key = "wish:12:person:" + std::to_string(p->id);
  ASSERT_TRUE(PointsStore::Append(*db, e).ok());
  auto exported = PersonalData::Export(*db, p->id);
  ASSERT_TRUE(exported.ok());
  size_t found = 0;
  for (const auto& section : *exported) {
    if (section.table == "volunteers") {
      ASSERT_EQ(section.rows.size(), 1u);
      EXPECT_EQ(section.rows[0].Text(0), "小王");
      ++found;
    }
    if (section.table == "points_ledger") {
      ASSERT_EQ(section.rows.size(), 1u);
      EXPECT_EQ(section.rows[0].Int(2), 5);
      ++found;
    }
  }
  EXPECT_EQ(found, 2u);
  ASSERT_TRUE(PersonalData::Erase(*db, p->id).ok());
  auto gone = VolunteerStore::Find(*db, p->id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto rows = db->Query("SELECT person_id, note, idem_key, amount, ref FROM points_ledger");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 0);
  EXPECT_EQ((*rows)[0].Text(1), "");
  EXPECT_TRUE((*rows)[0].IsNull(2));
  EXPECT_EQ((*rows)[0].Int(3), 5);
  EXPECT_EQ((*rows)[0].Text(4), "12");
}

}  // namespace
}  // namespace linli::storage::personal_data_test

namespace linli::storage::personal_data_test {
namespace {

class MediaPersonalDataTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(MediaPersonalDataTest);

// Issue 11 point 4: a ticket's photo is exported with the ticket and erased with the
// resident's data (the retention job then deletes the file); other residents' stay.
TEST_P(MediaPersonalDataTest, PhotosAreExportedAndErasedWithTheReporter) {
  Database& db = *db_;
  auto p = IdentityStore::Touch(db, {"tg", "u1", "u1", ChatType::kPrivate}, 1000);
  auto q = IdentityStore::Touch(db, {"tg", "u2", "u2", ChatType::kPrivate}, 1000);
  ASSERT_TRUE(p.ok() && q.ok());
  auto ticket_for = [&](int64_t person) {
    Ticket t;
    t.reporter_person_id = person;
    t.channel = "tg";
    t.category = "repair";
    t.building = "3";
    t.description = "灯坏了";
    t.photo_ref = "AgAC";
    t.created_at_ms = t.updated_at_ms = 1000;
    auto stored = TicketStore::Create(db, t);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->id : 0;
  };
  const int64_t mine = ticket_for(p->id);
  const int64_t theirs = ticket_for(q->id);
  auto m1 = MediaStore::Enqueue(db, mine, "tg", "AgAC-mine", "", 1000);
  auto m2 = MediaStore::Enqueue(db, theirs, "tg", "AgAC-theirs", "", 1000);
  ASSERT_TRUE(m1.ok() && m2.ok());
  ASSERT_TRUE(MediaStore::ClaimDue(db, 1000, 10).ok());
  ASSERT_TRUE(MediaStore::MarkFetched(db, *m1, "ticket-1-1.jpg", 10, "h", "image/jpeg", 2000).ok());

  auto exported = PersonalData::Export(db, p->id);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  const ExportSection* media = nullptr;
  for (const auto& s : *exported) {
    if (s.table == "media") media = &s;
  }
  ASSERT_NE(media, nullptr);
  ASSERT_EQ(media->rows.size(), 1u);
  EXPECT_EQ(media->rows[0].Int(0), mine);
  EXPECT_EQ(media->rows[0].Text(2), "ticket-1-1.jpg");

  ASSERT_TRUE(db.Begin().ok());
  ASSERT_TRUE(PersonalData::Erase(db, p->id).ok());
  ASSERT_TRUE(db.Commit().ok());
  auto erased = MediaStore::Find(db, *m1);
  ASSERT_TRUE(erased.ok() && erased->has_value());
  EXPECT_EQ((*erased)->state, MediaState::kErased);
  EXPECT_EQ((*erased)->platform_ref, "");
  auto shown = MediaStore::FetchedForTicket(db, mine);
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(shown->has_value());
  auto other = MediaStore::Find(db, *m2);
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->state, MediaState::kFetching);
  EXPECT_EQ((*other)->platform_ref, "AgAC-theirs");
}

}  // namespace
}  // namespace linli::storage::personal_data_test
