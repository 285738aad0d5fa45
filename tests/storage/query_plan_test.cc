// Issue 13 point 2: the ticket store's lists - the admin API's pages with each filter and a
// cursor, a resident's tickets (进度), the report windows of the digest and the agenda, the
// abuse limit's count - search by an index: EXPLAIN QUERY PLAN of every statement they run
// shows no full-table SCAN. The turn path and the jobs are checked through the real router in
// tests/bot/server/query_plan_test.cc, the board, Open311 and the console in
// tests/web/query_plan_test.cc; the helper is tests/storage/query_plan.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "tests/storage/query_plan.h"

namespace linli::storage::query_plan_test {
namespace {

using ::testing::IsEmpty;

class TicketQueryPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(Migrate(**db).ok());
    db_ = std::make_unique<RecordingDatabase>(std::move(db).value());
    for (int i = 0; i < 5; ++i) {
      Ticket t;
      t.reporter_person_id = 1 + i % 2;
      t.channel = "tg";
      t.category = i % 2 ? "repair" : "noise";
      t.building = std::to_string(1 + i % 3);
      t.description = "x";
      t.created_at_ms = 1000 * (i + 1);
      ASSERT_TRUE(TicketStore::Create(*db_, t).ok());
    }
  }

  std::unique_ptr<RecordingDatabase> db_;
};

TEST_F(TicketQueryPlanTest, AdminListPagesWithEveryFilterSearchAnIndex) {
  TicketFilter none;
  TicketFilter status;
  status.statuses = {"new"};
  TicketFilter statuses;
  statuses.statuses = {"new", "accepted"};
  TicketFilter building;
  building.building = "3";
  TicketFilter category;
  category.category = "repair";
  TicketFilter tier;
  tier.tier = "street";
  TicketFilter all = statuses;
  all.building = "1";
  all.category = "noise";
  all.tier = "compound";
  for (TicketFilter f : {none, status, statuses, building, category, tier, all}) {
    f.limit = 2;
    for (TicketOrder order :
         {TicketOrder::kOldestFirst, TicketOrder::kNewestFirst, TicketOrder::kDeadline}) {
      auto first = TicketStore::Page(*db_, f, order, std::nullopt);
      ASSERT_TRUE(first.ok()) << first.status().ToString();
      const TicketCursor somewhere{5000, 2000, 2};
      ASSERT_TRUE(TicketStore::Page(*db_, f, order, somewhere).ok());
      ASSERT_TRUE(TicketStore::Page(*db_, f, order, TicketCursor{0, 2000, 2}).ok());
    }
    ASSERT_TRUE(TicketStore::CountUpTo(*db_, f, 10).ok());
  }
  ASSERT_TRUE(TicketStore::Tally(*db_, "new", "repair", "1").ok());
  ASSERT_TRUE(TicketStore::Tally(*db_, "", "", "").ok());
  EXPECT_TRUE(Ran(db_->Statements(), "ORDER BY created_at DESC, id DESC"));
  // The tallies hold statuses x categories x buildings rows at most.
  EXPECT_THAT(FullScans(db_->inner(), db_->Statements(),
                        {{"ticket_tallies", "one row per status, category and building"}}),
              IsEmpty());
}

TEST_F(TicketQueryPlanTest, ResidentTicketsReportWindowsAndLimitsSearchAnIndex) {
  db_->Clear();
  ASSERT_TRUE(TicketStore::ListByReporter(*db_, 1, 10).ok());
  ASSERT_TRUE(TicketStore::Events(*db_, 1).ok());
  ASSERT_TRUE(TicketStore::FindByNumber(*db_, 3).ok());
  ASSERT_TRUE(TicketStore::ListCreatedBetween(*db_, 0, 3000).ok());
  ASSERT_TRUE(TicketStore::ListRatedBetween(*db_, 0, 3000).ok());
  ASSERT_TRUE(TicketStore::EventsBetween(*db_, 0, 3000).ok());
  ASSERT_TRUE(TicketStore::ListOverdue(*db_, 10000, 50).ok());
  ASSERT_TRUE(TicketStore::ListDeferredDueUnreminded(*db_, "2026-12-01", 50).ok());
  ASSERT_TRUE(TicketStore::ListUnratedResolvedBefore(*db_, 10000, 50).ok());
  ASSERT_TRUE(TicketStore::CountCreatedSince(*db_, 1, 0, false).ok());
  ASSERT_TRUE(TicketStore::CountCreatedSince(*db_, 1, 0, true).ok());
  auto t = TicketStore::FindById(*db_, 1);
  ASSERT_TRUE(t.ok() && t->has_value());
  ASSERT_TRUE(TicketStore::ReporterUserId(*db_, **t).ok());
  (*t)->status = TicketStatus::kAccepted;
  ASSERT_TRUE(TicketStore::Update(*db_, **t).ok());
  ASSERT_TRUE(TicketStore::SetStatus(*db_, 1, TicketStatus::kInProgress, 0, "", true, 9000).ok());
  EXPECT_THAT(FullScans(db_->inner(), db_->Statements(), {}), IsEmpty());
}

// The tallies follow every write of status (Create, SetStatus, Update) and sum to the tickets.
TEST_F(TicketQueryPlanTest, TalliesFollowEveryStatusWrite) {
  EXPECT_EQ(TicketStore::Tally(*db_, "", "", "").value(), 5);
  EXPECT_EQ(TicketStore::Tally(*db_, "new", "", "").value(), 5);
  EXPECT_EQ(TicketStore::Tally(*db_, "", "repair", "").value(), 2);
  ASSERT_TRUE(TicketStore::SetStatus(*db_, 2, TicketStatus::kAccepted, 0, "", true, 9000).ok());
  auto t = TicketStore::FindById(*db_, 2);
  ASSERT_TRUE(t.ok() && t->has_value());
  (*t)->status = TicketStatus::kResolved;
  ASSERT_TRUE(TicketStore::Update(*db_, **t).ok());
  ASSERT_TRUE(TicketStore::Update(*db_, **t).ok());  // unchanged: no move
  EXPECT_EQ(TicketStore::Tally(*db_, "", "", "").value(), 5);
  EXPECT_EQ(TicketStore::Tally(*db_, "new", "", "").value(), 4);
  EXPECT_EQ(TicketStore::Tally(*db_, "accepted", "", "").value(), 0);
  EXPECT_EQ(TicketStore::Tally(*db_, "resolved", "repair", (*t)->building).value(), 1);
  EXPECT_EQ(TicketStore::Tally(*db_, "resolved", "noise", "").value(), 0);
}

// Migration 26 fills the tallies from the tickets already there.
TEST(TicketTalliesMigrationTest, CountsTheTicketsAlreadyStored) {
  auto db = OpenSqlite({":memory:", "OFF", 1000});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(MigrateTo(**db, 25).ok());
  for (const char* row : {"1, 'new', 'repair', '3'", "2, 'new', 'repair', '3'",
                          "3, 'closed', 'noise', '1'"}) {
    ASSERT_TRUE((*db)->Exec(std::string("INSERT INTO tickets (number, status, category, building, "
                                         "reporter_person_id, channel, unit, location_text, "
                                         "description, photo_ref, created_at, updated_at) "
                                         "VALUES (") + row + ", 1, 'tg', '', '', '', '', 0, 0)")
                    .ok());
  }
  auto version = Migrate(**db);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_GE(*version, 26);
  EXPECT_EQ(TicketStore::Tally(**db, "", "", "").value(), 3);
  EXPECT_EQ(TicketStore::Tally(**db, "new", "repair", "3").value(), 2);
  EXPECT_EQ(TicketStore::Tally(**db, "closed", "", "").value(), 1);
}

}  // namespace
}  // namespace linli::storage::query_plan_test
