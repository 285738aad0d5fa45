// The board's filters on the public projection (domain/tickets/public_ticket.h): parameters
// are checked against the stored statuses and the configured categories and buildings, and
// the listing filters, counts and pages in the database, newest first.
#include <gtest/gtest.h>

#include "domain/tickets/public_ticket.h"
#include "storage/ticket_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::public_ticket_filter_test {
namespace {

TEST(PublicTicketFilterTest, ParametersAreCheckedAndNamedWhenBad) {
  const config::Config c = dialogs::DemoConfig();
  auto any = ParsePublicTicketFilter(c, "", "", "");
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(any->status);
  auto f = ParsePublicTicketFilter(c, "deferred", "repair", "3");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->status, storage::TicketStatus::kDeferred);
  EXPECT_EQ(f->category, "repair");
  EXPECT_EQ(f->building, "3");
  EXPECT_EQ(ParsePublicTicketFilter(c, "Deferred", "", "").status().message(), "status");
  EXPECT_EQ(ParsePublicTicketFilter(c, "", "plumbing", "").status().message(), "category");
  EXPECT_EQ(ParsePublicTicketFilter(c, "", "", "7").status().message(), "building");
  EXPECT_EQ(ParsePublicTicketFilter(c, "", "", "3' OR 1=1").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(PublicTicketFilterTest, ListsTheMatchingOnesNewestFirstWithTheirCount) {
  dialogs::DialogHarness h;
  h.Report("user-1", "2", "3号楼2单元");  // #1 repair, building 3
  h.clock().Advance(std::chrono::minutes(1));
  h.Report("user-2", "1", "1号楼1单元");  // #2 sanitation, building 1
  h.clock().Advance(std::chrono::minutes(1));
  h.Report("user-3", "2", "3号楼1单元");  // #3 repair, building 3
  h.Say("受理 3", "staff-1");
  auto numbers = [&](const PublicTicketFilter& f, int page, int per_page, int64_t* total) {
    auto p = ListPublicTickets(h.db(), h.deps(), f, page, per_page);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    std::vector<int64_t> out;
    if (!p.ok()) return out;
    for (const auto& t : p->tickets) out.push_back(t.number);
    *total = p->total;
    return out;
  };
  int64_t total = 0;
  EXPECT_EQ(numbers({}, 1, 20, &total), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(total, 3);
  EXPECT_EQ(numbers({std::nullopt, "repair", "3"}, 1, 20, &total), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(total, 2);
  EXPECT_EQ(numbers({storage::TicketStatus::kAccepted, "", ""}, 1, 20, &total),
            (std::vector<int64_t>{3}));
  EXPECT_EQ(total, 1);
  EXPECT_EQ(numbers({std::nullopt, "", "1"}, 1, 20, &total), (std::vector<int64_t>{2}));
  EXPECT_EQ(numbers({}, 2, 2, &total), (std::vector<int64_t>{1}));
  EXPECT_EQ(total, 3);
  // The unfiltered listing is the one the JSON API always had.
  auto old = ListPublicTickets(h.db(), h.deps(), 1, 2);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->tickets.size(), 2u);
  EXPECT_EQ(old->tickets[0].number, 3);
  EXPECT_EQ(old->total, 3);
}

TEST(PublicTicketFilterTest, RatingIsPublicButNotTheComment) {
  dialogs::DialogHarness h;
  h.Report("user-1");
  h.Say("受理 1", "staff-1");
  h.Say("解决 1 已修好", "staff-1");
  h.Say("评价 1 基本满意", "user-1");
  auto p = LoadPublicTicket(h.db(), h.deps(), 1);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->rating, "basic");
  EXPECT_GT((*p)->rated_at_ms, 0);
}

}  // namespace
}  // namespace linli::domain::public_ticket_filter_test
