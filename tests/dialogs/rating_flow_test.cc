// Satisfaction: 满意 closes, 不满意 reopens and escalates (退回重办), only the reporter rates,
// unrated tickets close after rating.auto_close_days.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::rating_flow_test {
namespace {

using ::testing::HasSubstr;

constexpr char kStaff[] = "staff-1";

config::Config WithCommunityStaff() {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "comm-1", "社区 张主任", "community", "staff"});
  return c;
}

void ReportAndResolve(DialogHarness& h) {
  h.Report("user-1");
  h.Say("受理 1", kStaff);
  h.Say("解决 1 已更换灯泡", kStaff);
  h.TakeOutbox();
}

TEST(RatingFlowTest, UnsatisfiedReopensAndEscalatesOneTier) {
  DialogHarness h(WithCommunityStaff());
  ReportAndResolve(h);
  auto r = h.Say("评价 1 不满意 还是漏水", "user-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("退回重办"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("社区"));
  const storage::Ticket t = h.Ticket(1);
  EXPECT_EQ(t.status, storage::TicketStatus::kReopened);
  EXPECT_EQ(t.tier, storage::Tier::kCommunity);
  EXPECT_EQ(t.rating, "unsatisfied");
  EXPECT_EQ(t.rating_comment, "还是漏水");
  EXPECT_EQ(t.escalations, 1);
  EXPECT_GT(t.accept_due_at_ms, h.clock().NowMillis());  // fresh deadlines at the new tier
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);  // the community's staff; the reporter got the reply
  EXPECT_EQ(pushes[0].to.user_id, "comm-1");
  EXPECT_THAT(pushes[0].text, HasSubstr("#1"));
  // The community resolves it again and the reporter can rate again.
  h.Say("受理 1", "comm-1");
  h.Say("解决 1 已更换整段水管", "comm-1");
  pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 2u);
  EXPECT_EQ(pushes[1].choices.size(), 3u);
  r = h.Tap("/rate 1 basic", "user-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("基本满意"));
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kClosed);
}

TEST(RatingFlowTest, NumbersAndWordsWork) {
  DialogHarness h;
  ReportAndResolve(h);
  auto r = h.Say("评价 1", "user-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请评价 #1"));
  ASSERT_EQ(r.back().choices.size(), 3u);
  r = h.Say("评价 #1 1", "user-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("感谢您的评价（满意）"));
  EXPECT_EQ(h.Ticket(1).rating, "satisfied");
}

TEST(RatingFlowTest, OnlyTheReporterRatesAndOnlyAResolvedTicket) {
  DialogHarness h;
  h.Report("user-1");
  auto r = h.Say("评价 1 满意", "user-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("处理完成后才能评价"));
  h.Say("解决 1 好了", kStaff);
  h.TakeOutbox();
  r = h.Say("评价 1 不满意", "user-2");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有找到您的 #1"));
  r = h.Say("评价 1 满意", kStaff);  // staff are not the reporter either
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有找到您的 #1"));
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kResolved);
  EXPECT_EQ(h.Ticket(1).rating, "");
  EXPECT_TRUE(h.TakeOutbox().empty());
  EXPECT_THAT(DialogHarness::Text(h.Say("评价", "user-1")), HasSubstr("用法"));
}

TEST(RatingFlowTest, UnratedTicketClosesAfterAutoCloseDays) {
  DialogHarness h;  // rating.auto_close_days defaults to 3
  ReportAndResolve(h);
  h.clock().Advance(std::chrono::hours(72) - std::chrono::minutes(1));
  EXPECT_EQ(h.Tick().closed, 0);
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kResolved);
  h.clock().Advance(std::chrono::minutes(2));
  EXPECT_EQ(h.Tick().closed, 1);
  const storage::Ticket t = h.Ticket(1);
  EXPECT_EQ(t.status, storage::TicketStatus::kClosed);
  EXPECT_EQ(t.rating, "");
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "user-1");
  EXPECT_THAT(pushes[0].text, HasSubstr("自动关闭"));
  EXPECT_EQ(h.Tick().closed, 0);  // once
  EXPECT_THAT(DialogHarness::Text(h.Say("评价 1 满意", "user-1")), HasSubstr("已关闭"));
}

TEST(RatingFlowTest, AutoCloseDaysComeFromConfig) {
  config::Config c = DemoConfig();
  c.rating.auto_close_days = 1;
  DialogHarness h(c);
  ReportAndResolve(h);
  h.clock().Advance(std::chrono::hours(24));
  EXPECT_EQ(h.Tick().closed, 1);
}

}  // namespace
}  // namespace linli::dialogs::rating_flow_test
