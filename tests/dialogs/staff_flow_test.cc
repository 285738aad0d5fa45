// Staff commands in chat: refusal for residents, listing without residents' details, syntax
// hints, deferral/escalation/assignment/merge reaching the right people.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::staff_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStaff[] = "staff-1";

config::Config TieredConfig() {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "staff-2", "李物业", "property", "staff"});
  c.staff.push_back({"tg", "comm-1", "社区 张主任", "community", "staff"});
  c.staff.push_back({"tg", "street-1", "街道 赵科长", "street", "staff"});
  return c;
}

std::vector<OutboundMessage> To(const std::vector<OutboundMessage>& msgs, const std::string& user) {
  std::vector<OutboundMessage> out;
  for (const auto& m : msgs) {
    if (m.to.user_id == user) out.push_back(m);
  }
  return out;
}

TEST(StaffFlowTest, ResidentCannotRunStaffCommands) {
  DialogHarness h;
  h.Report("user-1");
  h.Report("user-2");
  h.TakeOutbox();
  for (const char* cmd : {"受理 1", "/accept 1", "解决 1 好了", "暂缓 1 a|b|2026-12-31", "转办 1 大事",
                          "指派 1 staff-1", "合并 2 1", "公开备注 1 已修好", "工单", "工单帮助"}) {
    auto r = h.Say(cmd, "user-2");
    EXPECT_THAT(DialogHarness::Text(r), HasSubstr("只有工作人员")) << cmd;
  }
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kNew);
  EXPECT_EQ(h.Ticket(2).status, storage::TicketStatus::kNew);
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kCompound);
  EXPECT_EQ(h.Ticket(1).assignee_person_id, 0);
  EXPECT_TRUE(h.TakeOutbox().empty());
}

TEST(StaffFlowTest, ListShowsNumberCategoryBuildingStatusAgeTierOnly) {
  DialogHarness h;
  h.Report("user-1", "2", "3号楼2单元");
  h.clock().Advance(std::chrono::hours(3));
  h.Report("user-2", "1", "5-1");
  auto r = h.Say("工单", kStaff);
  std::string text = DialogHarness::Text(r);
  EXPECT_THAT(text, HasSubstr("#1 设施维修 · 3号楼 · 待受理 · 3小时 · 小区"));
  EXPECT_THAT(text, HasSubstr("#2 环境卫生 · 5号楼 · 待受理 · 0小时"));
  EXPECT_THAT(text, Not(HasSubstr("2单元")));
  EXPECT_THAT(text, Not(HasSubstr("user-1")));
  EXPECT_THAT(text, Not(HasSubstr("楼道灯坏了")));

  text = DialogHarness::Text(h.Say("工单 3号楼", kStaff));
  EXPECT_THAT(text, HasSubstr("#1 "));
  EXPECT_THAT(text, Not(HasSubstr("#2 ")));
  text = DialogHarness::Text(h.Say("/tickets new sanitation", kStaff));
  EXPECT_THAT(text, HasSubstr("#2 "));
  EXPECT_THAT(text, Not(HasSubstr("#1 ")));
  h.Say("受理 1", kStaff);
  text = DialogHarness::Text(h.Say("工单 待受理", kStaff));
  EXPECT_THAT(text, Not(HasSubstr("#1 ")));
  text = DialogHarness::Text(h.Say("工单 已受理", kStaff));
  EXPECT_THAT(text, HasSubstr("#1 "));
  text = DialogHarness::Text(h.Say("工单 街道", kStaff));
  EXPECT_THAT(text, HasSubstr("没有符合条件"));
  text = DialogHarness::Text(h.Say("工单 紫色", kStaff));
  EXPECT_THAT(text, HasSubstr("紫色"));
  EXPECT_THAT(text, HasSubstr("用法"));
}

TEST(StaffFlowTest, BadSyntaxGivesTheCommandsUsage) {
  DialogHarness h;
  h.Report("user-1");
  EXPECT_THAT(DialogHarness::Text(h.Say("受理", kStaff)), HasSubstr("用法：受理 编号"));
  EXPECT_THAT(DialogHarness::Text(h.Say("受理 abc", kStaff)), HasSubstr("用法：受理 编号"));
  EXPECT_THAT(DialogHarness::Text(h.Say("解决 1", kStaff)), HasSubstr("用法：解决"));
  EXPECT_THAT(DialogHarness::Text(h.Say("暂缓 1 只有原因", kStaff)), HasSubstr("用法：暂缓"));
  EXPECT_THAT(DialogHarness::Text(h.Say("暂缓 1 原因|计划|明年", kStaff)), HasSubstr("YYYY-MM-DD"));
  EXPECT_THAT(DialogHarness::Text(h.Say("转办 1", kStaff)), HasSubstr("用法：转办"));
  EXPECT_THAT(DialogHarness::Text(h.Say("合并 1", kStaff)), HasSubstr("用法：合并"));
  EXPECT_THAT(DialogHarness::Text(h.Say("合并 1 1", kStaff)), HasSubstr("自己"));
  EXPECT_THAT(DialogHarness::Text(h.Say("受理 7", kStaff)), HasSubstr("没有找到 #7"));
  EXPECT_THAT(DialogHarness::Text(h.Say("/assign 1", kStaff)), HasSubstr("用法：指派"));
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kNew);
  // Full-width digits and '#' are numbers too.
  EXPECT_THAT(DialogHarness::Text(h.Say("受理 #１", kStaff)), HasSubstr("已受理"));
}

TEST(StaffFlowTest, DeferralWithPlanReachesTheReporter) {
  DialogHarness h;
  h.Report("user-1");
  h.TakeOutbox();
  auto r = h.Say("暂缓 1 需业委会表决｜下月业主大会表决|2026-12-31", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已暂缓"));
  const storage::Ticket t = h.Ticket(1);
  EXPECT_EQ(t.status, storage::TicketStatus::kDeferred);
  EXPECT_EQ(t.deferred_reason, "需业委会表决");
  EXPECT_EQ(t.deferred_plan, "下月业主大会表决");
  EXPECT_EQ(t.deferred_until, "2026-12-31");
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "user-1");
  EXPECT_THAT(pushes[0].text, HasSubstr("暂缓"));
  EXPECT_THAT(pushes[0].text, HasSubstr("需业委会表决"));
  EXPECT_THAT(pushes[0].text, HasSubstr("下月业主大会表决"));
  EXPECT_THAT(pushes[0].text, HasSubstr("2026-12-31"));
  EXPECT_THAT(pushes[0].notice_fields.at("note"), HasSubstr("2026-12-31"));
  // The reporter sees the reason and plan in the history too (they are public).
  EXPECT_THAT(DialogHarness::Text(h.Say("进度 1", "user-1")), HasSubstr("下月业主大会表决"));
}

TEST(StaffFlowTest, EscalationNotifiesTheNewTiersStaffAndTheReporter) {
  DialogHarness h(TieredConfig());
  h.Report("user-1");
  h.TakeOutbox();
  auto r = h.Say("转办 1 涉及市政管网", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已转至社区"));
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kCommunity);
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kEscalated);
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(To(pushes, "user-1").size(), 1u);
  EXPECT_THAT(To(pushes, "user-1")[0].text, HasSubstr("社区"));
  ASSERT_EQ(To(pushes, "comm-1").size(), 1u);
  const std::string staff_text = To(pushes, "comm-1")[0].text;
  EXPECT_THAT(staff_text, HasSubstr("#1"));
  EXPECT_THAT(staff_text, HasSubstr("涉及市政管网"));
  EXPECT_THAT(staff_text, Not(HasSubstr("2单元")));
  EXPECT_THAT(staff_text, Not(HasSubstr("楼道灯坏了")));
  EXPECT_TRUE(To(pushes, "street-1").empty());
  EXPECT_TRUE(To(pushes, "staff-2").empty());
  // The community accepts; then on to the street; then no further.
  EXPECT_THAT(DialogHarness::Text(h.Say("受理 1", "comm-1")), HasSubstr("已受理"));
  h.Say("转办 1 需街道协调", "comm-1");
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kStreet);
  EXPECT_EQ(To(h.TakeOutbox(), "street-1").size(), 1u);
  EXPECT_THAT(DialogHarness::Text(h.Say("转办 1 再上", "street-1")), HasSubstr("无法再转办"));
}

TEST(StaffFlowTest, AssignByUserIdNotifiesTheAssignee) {
  DialogHarness h(TieredConfig());
  h.Report("user-1");
  h.Say("你好", "staff-2");  // the assignee has written to the bot before
  h.TakeOutbox();
  auto r = h.Say("指派 1 staff-2", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已指派"));
  auto id = storage::IdentityStore::FindIdentity(h.db(), "tg", "staff-2");
  ASSERT_TRUE(id.ok() && id->has_value());
  EXPECT_EQ(h.Ticket(1).assignee_person_id, (*id)->person_id);
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "staff-2");
  EXPECT_THAT(pushes[0].text, HasSubstr("指派给您"));
  EXPECT_THAT(DialogHarness::Text(h.Say("指派 1 nobody", kStaff)), HasSubstr("没有找到工作人员"));
  // A configured staff member who never wrote can be assigned too.
  EXPECT_THAT(DialogHarness::Text(h.Say("指派 1 street-1", kStaff)), HasSubstr("已指派"));
}

TEST(StaffFlowTest, MergeClosesTheDuplicateAndTellsItsReporter) {
  DialogHarness h;
  h.Report("user-1");
  h.Report("user-2");
  h.TakeOutbox();
  auto r = h.Say("合并 2 到 1", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("合并关闭"));
  EXPECT_EQ(h.Ticket(2).status, storage::TicketStatus::kClosed);
  EXPECT_EQ(h.Ticket(2).merged_into, 1);
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kNew);
  auto pushes = h.TakeOutbox();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].to.user_id, "user-2");
  EXPECT_THAT(pushes[0].text, HasSubstr("#1"));
  EXPECT_THAT(DialogHarness::Text(h.Say("合并 2 1", kStaff)), HasSubstr("已关闭"));
}

// Residents' everyday words ("进展", "上报") must not hit a staff command's refusal.
TEST(StaffFlowTest, EverydayWordsAreNotStaffCommands) {
  DialogHarness h;
  h.Report("user-1");
  EXPECT_THAT(DialogHarness::Text(h.Say("上报 楼道灯坏了", "user-2")), Not(HasSubstr("只有工作人员")));
  EXPECT_THAT(DialogHarness::Text(h.Say("进展 1", "user-1")), Not(HasSubstr("只有工作人员")));
}

TEST(StaffFlowTest, PublicSummaryIsStoredNotPushed) {
  DialogHarness h;
  h.Report("user-1");
  h.TakeOutbox();
  auto r = h.Say("摘要 1 3号楼楼道灯损坏，已安排更换", kStaff);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("公开摘要已更新"));
  EXPECT_EQ(h.Ticket(1).public_summary, "3号楼楼道灯损坏，已安排更换");
  EXPECT_TRUE(h.TakeOutbox().empty());
  EXPECT_THAT(DialogHarness::Text(h.Say("摘要 1", kStaff)), HasSubstr("用法：摘要"));
  EXPECT_THAT(DialogHarness::Text(h.Say("摘要 1 随便写", "user-1")), HasSubstr("只有工作人员"));
  EXPECT_EQ(h.Ticket(1).public_summary, "3号楼楼道灯损坏，已安排更换");
}

TEST(StaffFlowTest, StaffHelpAndEnglishCommands) {
  DialogHarness h;
  h.Report("user-1");
  EXPECT_THAT(DialogHarness::Text(h.Say("工单帮助", kStaff)), HasSubstr("暂缓 编号 原因|计划"));
  InboundMessage in;
  in.conversation = DialogHarness::Conversation(kStaff);
  in.language = "en";
  in.text = "/staffhelp";
  EXPECT_THAT(DialogHarness::Text(h.Send(in)), HasSubstr("/escalate N reason"));
  in.text = "/begin 1";
  EXPECT_THAT(DialogHarness::Text(h.Send(in)), HasSubstr("in progress"));
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kInProgress);
}

}  // namespace
}  // namespace linli::dialogs::staff_flow_test
