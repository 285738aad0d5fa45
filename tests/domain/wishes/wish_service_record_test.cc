// The wish part of a volunteer's service record (domain/volunteers/service_record.h): confirmed
// claims count once, whether or not the ledger credited them.
#include <gtest/gtest.h>

#include "domain/volunteers/service_record.h"
#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/points_store.h"
#include "storage/sqlite_database.h"
#include "storage/volunteer_store.h"
#include "storage/wish_store.h"

namespace linli::domain::wish_service_record_test {
namespace {

class WishServiceRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    auto p = storage::IdentityStore::Touch(*db_, {"tg", "v", "v", ChatType::kPrivate}, 1);
    ASSERT_TRUE(p.ok());
    person_ = p->id;
    storage::Volunteer v;
    v.person_id = person_;
    v.display_name = "王师傅";
    v.organisation = "税务局党支部";
    v.status = storage::VolunteerStatus::kActive;
    ASSERT_TRUE(storage::VolunteerStore::Upsert(*db_, v).ok());
  }
  // A wish claimed, done with `hours_tenths` and confirmed at `at`.
  int64_t Served(int64_t hours_tenths, int64_t at) {
    storage::Wish w;
    w.channel = "tg";
    w.category = "life";
    w.text = "买药";
    w.status = storage::WishStatus::kOpen;
    auto created = storage::WishStore::Create(*db_, w);
    EXPECT_TRUE(created.ok());
    const int64_t n = created->number;
    EXPECT_EQ(*storage::WishStore::Claim(*db_, n, person_, at), storage::ClaimResult::kClaimed);
    EXPECT_TRUE(*storage::WishStore::SetClaim(*db_, n, person_, {storage::ClaimStatus::kActive},
                                              storage::ClaimStatus::kDone, at, hours_tenths));
    EXPECT_TRUE(*storage::WishStore::SetClaim(*db_, n, person_, {storage::ClaimStatus::kDone},
                                              storage::ClaimStatus::kConfirmed, at));
    return n;
  }
  std::unique_ptr<storage::Database> db_;
  int64_t person_ = 0;
};

TEST_F(WishServiceRecordTest, ConfirmedClaimsCountOnceWithOrWithoutLedgerEntries) {
  // Credited by the ledger (points per wish, hours on the entry): counted from the ledger.
  const int64_t credited = Served(15, 1000);
  storage::PointsEntry e;
  e.person_id = person_;
  e.amount = 10;
  e.reason = "wish";
  e.ref = std::to_string(credited);
  e.hours_centi = 150;
  e.created_at_ms = 1000;
  ASSERT_TRUE(storage::PointsStore::Append(*db_, e).ok());
  // No points configured: only the wish tables know it.
  Served(20, 1200);
  // Outside the period.
  Served(30, 9000);
  auto records = ServiceRecords(*db_, "税务局党支部", 0, 2000);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].wishes_fulfilled, 2);
  EXPECT_EQ((*records)[0].hours_centi, 350);
  EXPECT_EQ((*records)[0].points_earned, 10);
}

TEST_F(WishServiceRecordTest, TheMeanRatingCountsTheRatingsGivenInThePeriod) {
  const int64_t a = Served(10, 1000);
  const int64_t b = Served(10, 1100);
  const int64_t c = Served(10, 1200);
  ASSERT_EQ(*storage::WishStore::Rate(*db_, a, 5, 1500), 1);
  ASSERT_EQ(*storage::WishStore::Rate(*db_, b, 4, 1600), 1);
  ASSERT_EQ(*storage::WishStore::Rate(*db_, c, 1, 9000), 1);  // rated after the period
  auto records = ServiceRecords(*db_, "税务局党支部", 0, 2000);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].rating_count, 2);
  EXPECT_EQ((*records)[0].rating_sum, 9);
  EXPECT_NE(ServiceRecordsCsv(*records).find(",4.50\r\n"), std::string::npos)
      << ServiceRecordsCsv(*records);
}

}  // namespace
}  // namespace linli::domain::wish_service_record_test
