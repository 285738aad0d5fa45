// Issue 11: a deferred ticket's promised date passed and nothing reminded anyone. The
// reminder goes privately to the owning tier's staff, once per deferral, decided in the
// database; tested with the fake clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tickets/ticket_service.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::deferred_reminder_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using dialogs::DialogHarness;

constexpr char kStaff[] = "staff-1";
// 2026-12-10 00:00 in Asia/Shanghai.
constexpr int64_t kDueDayStartMs = 1796832000000;

int Remind(DialogHarness& h) {
  EXPECT_TRUE(h.db().Begin().ok());
  auto n = TicketService::RemindDeferred(h.db(), h.deps(), h.clock().NowMillis());
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(h.db().Commit().ok());
  return n.ok() ? *n : -1;
}

std::vector<OutboundMessage> To(const std::vector<OutboundMessage>& msgs, const std::string& user) {
  std::vector<OutboundMessage> out;
  for (const auto& m : msgs) {
    if (m.to.user_id == user) out.push_back(m);
  }
  return out;
}

config::Config WithPropertyAndCommunity() {
  config::Config c = dialogs::DemoConfig();
  c.staff.push_back({"tg", "staff-2", "李物业", "property", "staff"});
  c.staff.push_back({"tg", "comm-1", "社区 张主任", "community", "staff"});
  return c;
}

TEST(DeferredReminderTest, OnTheDayTheTiersStaffAreRemindedOncePrivately) {
  DialogHarness h(WithPropertyAndCommunity());
  h.Report("user-1", "2", "3号楼2单元301");
  h.Say("暂缓 1 缺配件|厂家发货后更换|2026-12-10", kStaff);
  h.TakeOutbox();
  h.clock().SetMillis(kDueDayStartMs - 60'000);  // the evening before
  EXPECT_EQ(Remind(h), 0);
  EXPECT_TRUE(h.TakeOutbox().empty());

  h.clock().SetMillis(kDueDayStartMs + 60'000);
  EXPECT_EQ(Remind(h), 1);
  const auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 2u);  // grid and property serve the compound tier
  ASSERT_EQ(To(pushes, kStaff).size(), 1u);
  ASSERT_EQ(To(pushes, "staff-2").size(), 1u);
  EXPECT_TRUE(To(pushes, "comm-1").empty());
  EXPECT_TRUE(To(pushes, "user-1").empty());
  const OutboundMessage m = To(pushes, kStaff)[0];  // a copy: To() returns a temporary
  EXPECT_EQ(m.to.chat_type, ChatType::kPrivate);
  EXPECT_THAT(m.text, HasSubstr("#1"));
  EXPECT_THAT(m.text, HasSubstr("2026-12-10"));
  EXPECT_THAT(m.text, HasSubstr("缺配件"));
  EXPECT_THAT(m.text, HasSubstr("3号楼"));
  EXPECT_THAT(m.text, Not(HasSubstr("2单元")));
  EXPECT_THAT(m.text, Not(HasSubstr("301")));
  EXPECT_THAT(m.text, Not(HasSubstr("楼道灯坏了")));

  // Later ticks (and the days after) do not remind again.
  EXPECT_EQ(Remind(h), 0);
  h.clock().Advance(std::chrono::hours(30));
  EXPECT_EQ(Remind(h), 0);
  EXPECT_TRUE(h.TakeOutbox().empty());
  // Staff see the reminder in the history; the resident does not.
  EXPECT_THAT(DialogHarness::Text(h.Say("工单 1", kStaff)), HasSubstr("暂缓到期提醒"));
  EXPECT_THAT(DialogHarness::Text(h.Say("进度 1", "user-1")), Not(HasSubstr("提醒")));
}

TEST(DeferredReminderTest, ANewDeferralRemindsAgainEvenToTheSameDate) {
  DialogHarness h;
  h.Report("user-1");
  h.Say("暂缓 1 缺配件|更换|2026-12-10", kStaff);
  h.clock().SetMillis(kDueDayStartMs + 3600'000);
  EXPECT_EQ(Remind(h), 1);
  h.Say("暂缓 1 厂家延期|再等等|2026-12-10", kStaff);
  EXPECT_EQ(Remind(h), 1);
  EXPECT_EQ(Remind(h), 0);
  h.Say("暂缓 1 厂家延期|再等等|2026-12-12", kStaff);
  EXPECT_EQ(Remind(h), 0);  // not yet
  h.clock().Advance(std::chrono::hours(48));
  EXPECT_EQ(Remind(h), 1);
  // Resumed: no reminders for a ticket no longer deferred.
  h.Say("处理 1", kStaff);
  h.clock().Advance(std::chrono::hours(48));
  EXPECT_EQ(Remind(h), 0);
}

TEST(DeferredReminderTest, DaysBeforeAreConfigurable) {
  config::Config c = dialogs::DemoConfig();
  c.sla.deferred_remind_days_before = 2;
  DialogHarness h(c);
  h.Report("user-1");
  h.Say("暂缓 1 缺配件|更换|2026-12-10", kStaff);
  h.clock().SetMillis(kDueDayStartMs - 3 * 86400'000LL + 60'000);  // 3 days before
  EXPECT_EQ(Remind(h), 0);
  h.clock().SetMillis(kDueDayStartMs - 2 * 86400'000LL + 60'000);  // 2 days before
  EXPECT_EQ(Remind(h), 1);
}

TEST(DeferredReminderTest, TheOwningTierIsReminded) {
  DialogHarness h(WithPropertyAndCommunity());
  h.Report("user-1");
  h.Say("转办 1 需社区协调", kStaff);
  h.Say("暂缓 1 需立项|明年预算|2026-12-10", "comm-1");
  h.TakeOutbox();
  h.clock().SetMillis(kDueDayStartMs + 60'000);
  EXPECT_EQ(Remind(h), 1);
  const auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "comm-1");
}

}  // namespace
}  // namespace linli::domain::deferred_reminder_test
