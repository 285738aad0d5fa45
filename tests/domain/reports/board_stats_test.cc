// The board's statistics (domain/reports/board_stats.h): months in the service's zone, the
// figures per month and per tier/category, and - where they overlap - the same figures the
// red/black list computes (satisfaction, median hours to first resolution).
#include "domain/reports/board_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/reports/red_black.h"
#include "domain/reports/red_black_service.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::reports::board_stats_test {
namespace {

using storage::TicketStatus;
using storage::Tier;

constexpr int64_t kHour = 3'600'000;

TEST(BoardStatsTest, LastMonthsAreCalendarMonthsInTheZone) {
  // 2026-12-01 00:30 in Shanghai is still November in UTC.
  const int64_t dec1_0030 = 1796056200000;
  auto months = LastMonths("Asia/Shanghai", dec1_0030, 3);
  ASSERT_TRUE(months.ok()) << months.status().ToString();
  ASSERT_EQ(months->size(), 3u);
  EXPECT_EQ((*months)[0].label, "2026-10");
  EXPECT_EQ((*months)[2].label, "2026-12");
  EXPECT_EQ((*months)[2].from_ms, dec1_0030 - 30 * 60000);  // local midnight
  EXPECT_EQ((*months)[0].to_ms, (*months)[1].from_ms);
  EXPECT_EQ((*months)[1].to_ms - (*months)[1].from_ms, 30 * 24 * kHour);  // November
  auto jan = LastMonths("Asia/Shanghai", 1798736400000, 2);  // 2027-01-01 09:00
  ASSERT_TRUE(jan.ok());
  EXPECT_EQ((*jan)[0].label, "2026-12");
  EXPECT_EQ((*jan)[1].label, "2027-01");
  EXPECT_FALSE(LastMonths("Mars/Olympus", dec1_0030, 3).ok());
  EXPECT_FALSE(LastMonths("Asia/Shanghai", dec1_0030, 0).ok());
}

TEST(BoardStatsTest, FiguresPerMonthTierAndCategory) {
  const std::vector<MonthSpan> months = {{"2026-10", 0, 100 * kHour}, {"2026-11", 100 * kHour, 200 * kHour}};
  BoardStatsFacts f;
  f.tickets = {
      {10 * kHour, TicketStatus::kClosed, Tier::kCompound, "repair", 14 * kHour},     // 4 h
      {20 * kHour, TicketStatus::kResolved, Tier::kCompound, "repair", 30 * kHour},   // 10 h
      {110 * kHour, TicketStatus::kClosed, Tier::kCommunity, "noise", 130 * kHour},   // 20 h
      {120 * kHour, TicketStatus::kNew, Tier::kCompound, "noise", 0},
      {120 * kHour, TicketStatus::kDeferred, Tier::kStreet, "repair", 0},
      {250 * kHour, TicketStatus::kNew, Tier::kCompound, "repair", 0},  // outside: ignored
  };
  f.ratings = {{15 * kHour, "satisfied"}, {40 * kHour, "unsatisfied"}, {150 * kHour, "basic"}};
  f.wishes_fulfilled_at_ms = {5 * kHour, 105 * kHour, 106 * kHour, 300 * kHour};
  f.hours = {{5 * kHour, 150}, {105 * kHour, 200}, {106 * kHour, -50}};
  const BoardStats s = ComputeBoardStats(months, f);
  ASSERT_EQ(s.months.size(), 2u);
  const MonthFigures& oct = s.months[0];
  const MonthFigures& nov = s.months[1];
  EXPECT_EQ(oct.tickets, 2);
  EXPECT_EQ(oct.by_status[4], 1);  // closed
  EXPECT_EQ(oct.by_status[3], 1);  // resolved
  EXPECT_EQ(nov.tickets, 3);
  EXPECT_EQ(nov.by_status[0], 1);
  EXPECT_EQ(nov.by_status[5], 1);
  EXPECT_DOUBLE_EQ(*oct.satisfaction_rate, 0.5);
  EXPECT_DOUBLE_EQ(*nov.satisfaction_rate, 1.0);
  EXPECT_EQ(oct.wishes_fulfilled, 1);
  EXPECT_EQ(nov.wishes_fulfilled, 2);
  EXPECT_EQ(oct.hours_centi, 150);
  EXPECT_EQ(nov.hours_centi, 150);  // a reversal counts against
  ASSERT_EQ(s.by_tier.size(), 3u);
  EXPECT_EQ(s.by_tier[0].key, "compound");
  EXPECT_EQ(s.by_tier[0].solved, 2);
  EXPECT_DOUBLE_EQ(*s.by_tier[0].median_hours, 7.0);  // (4 + 10) / 2
  EXPECT_DOUBLE_EQ(*s.by_tier[1].median_hours, 20.0);
  EXPECT_EQ(s.by_tier[2].solved, 0);
  EXPECT_FALSE(s.by_tier[2].median_hours);
  ASSERT_EQ(s.by_category.size(), 2u);
  EXPECT_EQ(s.by_category[0].key, "noise");
  EXPECT_DOUBLE_EQ(*s.by_category[0].median_hours, 20.0);
  EXPECT_EQ(s.by_category[1].key, "repair");
  EXPECT_DOUBLE_EQ(*s.by_category[1].median_hours, 7.0);
  // No ratings in a month: no rate (not 0%).
  BoardStatsFacts none;
  EXPECT_FALSE(ComputeBoardStats(months, none).months[0].satisfaction_rate);
}

TEST(BoardStatsTest, SameSatisfactionAndMedianHoursAsTheRedBlackList) {
  config::Config c = dialogs::DemoConfig();
  c.property_companies = {{"alpha", "阳光物业", {"1", "2", "3", "4", "5", "6"}}};
  dialogs::DialogHarness h(c);  // 2026-11-25 09:00 Asia/Shanghai
  h.Report("user-1");
  h.Report("user-2");
  h.Report("user-3");
  h.Say("受理 1", "staff-1");
  h.Say("受理 2", "staff-1");
  h.clock().Advance(std::chrono::hours(5));
  h.Say("解决 1 已修好", "staff-1");
  h.clock().Advance(std::chrono::hours(12));
  h.Say("解决 2 已修好", "staff-1");
  h.Say("评价 1 满意", "user-1");
  h.Say("评价 2 不满意", "user-2");

  auto months = LastMonths(h.config().timezone, h.clock().NowMillis(), 1);
  ASSERT_TRUE(months.ok());
  auto facts = GatherBoardStats(h.db(), *months, h.clock().NowMillis());
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  const BoardStats s = ComputeBoardStats(*months, *facts);
  auto list = ComputeQuarter(h.db(), h.config(), "2026-Q4");
  ASSERT_TRUE(list.ok());
  const CompanyFigures& co = list->companies[0];
  ASSERT_EQ(s.months.size(), 1u);
  EXPECT_EQ(s.months[0].tickets, co.received);
  EXPECT_EQ(s.months[0].ratings, co.ratings);
  ASSERT_TRUE(s.months[0].satisfaction_rate && co.satisfaction_rate);
  EXPECT_DOUBLE_EQ(*s.months[0].satisfaction_rate, *co.satisfaction_rate);
  EXPECT_DOUBLE_EQ(*s.months[0].satisfaction_rate, 0.5);
  // All three are repairs; #2, rated unsatisfied, was reopened and moved up a tier.
  ASSERT_EQ(s.by_category.size(), 1u);
  EXPECT_EQ(s.by_category[0].solved, co.solved);
  ASSERT_TRUE(s.by_category[0].median_hours && co.median_hours);
  EXPECT_DOUBLE_EQ(*s.by_category[0].median_hours, *co.median_hours);
  EXPECT_DOUBLE_EQ(*s.by_category[0].median_hours, 11.0);  // (5 + 17) / 2
  EXPECT_EQ(s.by_tier[0].solved + s.by_tier[1].solved, 2);
}

}  // namespace
}  // namespace linli::domain::reports::board_stats_test
