#include "domain/volunteers/volunteers.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/volunteer_store.h"

namespace linli::domain {
namespace {

class VolunteersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    auto p = storage::IdentityStore::Touch(*db_, {"tg", "v1", "v1", ChatType::kPrivate}, 100);
    ASSERT_TRUE(p.ok());
    person_ = p->id;
  }
  void Put(storage::VolunteerStatus status, std::string name) {
    storage::Volunteer v;
    v.person_id = person_;
    v.display_name = std::move(name);
    v.status = status;
    ASSERT_TRUE(storage::VolunteerStore::Upsert(*db_, v).ok());
  }

  std::unique_ptr<storage::Database> db_;
  int64_t person_ = 0;
};

TEST_F(VolunteersTest, OnlyAnActiveRecordMakesAVolunteer) {
  auto none = IsVolunteer(*db_, person_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  Put(storage::VolunteerStatus::kPending, "小王");
  EXPECT_FALSE(*IsVolunteer(*db_, person_));
  Put(storage::VolunteerStatus::kActive, "小王");
  EXPECT_TRUE(*IsVolunteer(*db_, person_));
  Put(storage::VolunteerStatus::kRemoved, "小王");
  EXPECT_FALSE(*IsVolunteer(*db_, person_));
}

TEST_F(VolunteersTest, DisplayNameFallsBackToVolunteerAndId) {
  auto none = VolunteerDisplayName(*db_, person_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "志愿者" + std::to_string(person_));
  Put(storage::VolunteerStatus::kActive, "");
  EXPECT_EQ(*VolunteerDisplayName(*db_, person_), "志愿者" + std::to_string(person_));
  Put(storage::VolunteerStatus::kActive, "王师傅");
  EXPECT_EQ(*VolunteerDisplayName(*db_, person_), "王师傅");
}

}  // namespace
}  // namespace linli::domain
