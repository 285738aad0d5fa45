// Issue 13 point 2: the public board's list (each filter, a later page), Open311's search and
// the staff console's list (each filter and order, a cursor, the count) search by an index:
// EXPLAIN QUERY PLAN of every statement they run shows no full-table SCAN
// (tests/storage/query_plan.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "domain/tickets/public_ticket.h"
#include "domain/tickets/public_ticket_search.h"
#include "tests/storage/query_plan.h"
#include "tests/web/board_fixture.h"
#include "web/console_filter.h"

namespace linli::web::query_plan_test {
namespace {

using ::testing::IsEmpty;
using storage::TicketStatus;

// What a page may read whole, and why.
const std::map<std::string, std::string> kAllowed = {
    // The masking module (domain/common/known_names.h) masks published texts with every
    // roster owner's name: O(households), read once per page, not per ticket.
    {"households", "KnownNames: every roster owner's name for the masking module"},
    {"ticket_tallies", "the board's count: one row per status, category and building"},
};

class WebQueryPlanTest : public BoardFixture {
 protected:
  void SetUp() override {
    AddTicket("repair", "3", TicketStatus::kNew, 30);
    AddTicket("noise", "1", TicketStatus::kAccepted, 20, "已处理");
    AddTicket("repair", "1", TicketStatus::kClosed, 10);
    recording_ = std::make_unique<storage::RecordingDatabase>(std::move(db_));
  }
  std::vector<std::string> Problems() {
    return storage::FullScans(recording_->inner(), recording_->Statements(), kAllowed);
  }

  std::unique_ptr<storage::RecordingDatabase> recording_;
};

TEST_F(WebQueryPlanTest, BoardPagesWithEachFilterSearchAnIndex) {
  domain::PublicTicketFilter none;
  domain::PublicTicketFilter status;
  status.status = TicketStatus::kNew;
  domain::PublicTicketFilter category;
  category.category = "repair";
  domain::PublicTicketFilter building;
  building.building = "1";
  domain::PublicTicketFilter all = status;
  all.category = "repair";
  all.building = "3";
  for (const auto& f : {none, status, category, building, all}) {
    for (int page : {1, 3}) {
      auto list = domain::ListPublicTickets(*recording_, deps_, f, page, 20);
      ASSERT_TRUE(list.ok()) << list.status().ToString();
    }
  }
  auto first = domain::ListPublicTickets(*recording_, deps_, none, 1, 20);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->total, 3);
  EXPECT_EQ(first->tickets.size(), 3u);
  EXPECT_EQ(domain::ListPublicTickets(*recording_, deps_, category, 1, 20)->total, 2);
  EXPECT_THAT(Problems(), IsEmpty());
}

TEST_F(WebQueryPlanTest, Open311SearchSearchesAnIndex) {
  domain::PublicTicketQuery by_number;
  by_number.numbers = {1, 2};
  domain::PublicTicketQuery window;
  window.created_from_ms = 0;
  window.created_to_ms = clock_.NowMillis();
  domain::PublicTicketQuery filtered = window;
  filtered.categories = {"repair", "noise"};
  filtered.statuses = {TicketStatus::kNew, TicketStatus::kClosed};
  for (const auto& q : {by_number, window, filtered}) {
    auto found = domain::FindPublicTickets(*recording_, deps_, q);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
  }
  EXPECT_THAT(Problems(), IsEmpty());
}

TEST_F(WebQueryPlanTest, ConsoleListPagesWithEachFilterAndOrderSearchAnIndex) {
  ConsoleFilter none;
  ConsoleFilter status;
  status.status = "new";
  ConsoleFilter category;
  category.category = "repair";
  ConsoleFilter building;
  building.building = "1";
  ConsoleFilter tier;
  tier.tier = "community";
  ConsoleFilter dated;
  dated.from = "2026-11-01";
  dated.to = "2026-11-30";
  ConsoleFilter all = status;
  all.category = "repair";
  all.building = "3";
  all.tier = "compound";
  all.from = "2026-11-01";
  for (ConsoleFilter f : {none, status, category, building, tier, dated, all}) {
    for (const char* sort : {"newest", "oldest", "deadline"}) {
      f.sort = sort;
      f.after.clear();
      auto page = FilteredPage(*recording_, deps_, f, 1);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      f.after = sort == std::string("deadline") ? "1795568400000.1795560000000.2"
                                                : "1795560000000.2";
      ASSERT_TRUE(FilteredPage(*recording_, deps_, f, 1).ok());
      if (f.sort == "deadline") {
        f.after = "0.1795560000000.2";  // among the tickets without a deadline
        ASSERT_TRUE(FilteredPage(*recording_, deps_, f, 1).ok());
      }
    }
    ASSERT_TRUE(CountFiltered(*recording_, deps_, f, 10001).ok());
  }
  EXPECT_THAT(Problems(), IsEmpty());
}

}  // namespace
}  // namespace linli::web::query_plan_test
