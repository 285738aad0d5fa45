#include "domain/volunteers/service_record.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/points_store.h"
#include "storage/sqlite_database.h"
#include "storage/volunteer_store.h"

namespace linli::domain::service_record_test {
namespace {

class ServiceRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
  }
  int64_t Volunteer(const std::string& user, const std::string& name, const std::string& org,
                    storage::VolunteerStatus status = storage::VolunteerStatus::kActive) {
    auto p = storage::IdentityStore::Touch(*db_, {"tg", user, user, ChatType::kPrivate}, 1);
    EXPECT_TRUE(p.ok());
    storage::Volunteer v;
    v.person_id = p->id;
    v.display_name = name;
    v.organisation = org;
    v.status = status;
    EXPECT_TRUE(storage::VolunteerStore::Upsert(*db_, v).ok());
    return p->id;
  }
  int64_t Entry(int64_t person, int64_t amount, const std::string& reason, const std::string& ref,
                int64_t at, int64_t hours_centi = 0) {
    storage::PointsEntry e;
    e.person_id = person;
    e.amount = amount;
    e.reason = reason;
    e.ref = ref;
    e.created_at_ms = at;
    e.hours_centi = hours_centi;
    auto r = storage::PointsStore::Append(*db_, e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->entry_id : 0;
  }

  std::unique_ptr<storage::Database> db_;
};

TEST_F(ServiceRecordTest, WishesHoursAndPointsComeFromTheLedgerOfThePeriod) {
  const int64_t a = Volunteer("a", "王师傅", "税务局党支部");
  const int64_t b = Volunteer("b", "小李", "税务局党支部");
  Volunteer("c", "别的单位", "街道团委");
  Volunteer("d", "待确认", "税务局党支部", storage::VolunteerStatus::kPending);
  Entry(a, 10, "wish", "12", 1000, 150);
  Entry(a, 10, "wish", "13", 1100, 200);
  const int64_t wrong = Entry(a, 10, "wish", "14", 1200, 100);
  Entry(a, -10, "reversal", std::to_string(wrong), 1300, -100);
  Entry(a, 4, "hours", "12", 1400, 50);
  Entry(a, 3, "award", "", 1500);
  Entry(a, -5, "redeem_hold", "1", 1600);  // spending is not earning
  Entry(a, 99, "wish", "15", 5000, 1000);  // after the period
  auto records = ServiceRecords(*db_, "税务局党支部", 1000, 2000);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);  // active volunteers of the organisation, by name
  const ServiceRecord& wang = (*records)[1].person_id == a ? (*records)[1] : (*records)[0];
  EXPECT_EQ(wang.display_name, "王师傅");
  EXPECT_EQ(wang.wishes_fulfilled, 2);  // 12 and 13; 14 was reversed
  EXPECT_EQ(wang.hours_centi, 400);     // 1.5 + 2 + 1 - 1 + 0.5
  EXPECT_EQ(wang.points_earned, 27);
  const ServiceRecord& li = (*records)[1].person_id == b ? (*records)[1] : (*records)[0];
  EXPECT_EQ(li.wishes_fulfilled, 0);
  EXPECT_EQ(li.points_earned, 0);

  const std::string csv = ServiceRecordsCsv(*records);
  EXPECT_NE(csv.find("display_name,organisation,wishes_fulfilled,hours,points_earned,mean_rating\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("王师傅,税务局党支部,2,4.00,27,\r\n"), std::string::npos) << csv;
}

TEST(ServiceRecordCsvTest, QuotesFieldsAndFormatsTheMeanRating) {
  ServiceRecord r;
  r.display_name = "张\"三\",队长";
  r.organisation = "某单位";
  r.hours_centi = 125;
  r.rating_count = 3;
  r.rating_sum = 14;
  EXPECT_EQ(ServiceRecordsCsv({r}),
            "display_name,organisation,wishes_fulfilled,hours,points_earned,mean_rating\r\n"
            "\"张\"\"三\"\",队长\",某单位,0,1.25,0,4.67\r\n");
}

TEST(ReportPeriodTest, BothDaysIncludedInTheTimezone) {
  auto p = ReportPeriod("2026-12-01", "2026-12-31", "Asia/Shanghai");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->first, 1796054400000);
  EXPECT_EQ(p->second, 1798732800000);
  EXPECT_EQ(ReportPeriod("2026-12-1", "2026-12-31", "UTC").status().message(),
            "--from must be YYYY-MM-DD");
  EXPECT_EQ(ReportPeriod("2026-12-01", "2026-02-30", "UTC").status().message(),
            "--to must be YYYY-MM-DD");
  EXPECT_EQ(ReportPeriod("2026-12-02", "2026-12-01", "UTC").status().message(),
            "--to is before --from");
}

}  // namespace
}  // namespace linli::domain::service_record_test
