// The monthly agenda over fixed data: sections, figures, and no residents' details.
#include "domain/tickets/agenda.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tickets/ticket_service.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::agenda_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStaff[] = "staff-1";

config::Texts ShippedTexts() {
  auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : config::Texts();
}

// Section `title` of the Markdown up to the next "## ".
std::string Section(const std::string& md, const std::string& title) {
  const size_t a = md.find(title);
  if (a == std::string::npos) return "";
  const size_t b = md.find("\n## ", a + title.size());
  return md.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

TEST(AgendaTest, MonthWithEveryKindOfTicket) {
  // #4 goes up to the community, whose staff then owns it (issue 8: authority by tier).
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "staff-c", "李社区", "community", "staff"});
  DialogHarness h(c);  // clock: 2026-11-25 09:00 Asia/Shanghai
  for (const char* user : {"user-1", "user-2", "user-3", "user-4", "user-5"}) h.Report(user);
  h.Say("受理 1", kStaff);
  h.Say("暂缓 3 需业委会表决|下月业主大会表决|2026-12-31", kStaff);
  h.Say("转办 4 涉及市政管网", kStaff);
  h.clock().Advance(std::chrono::hours(10));
  h.Say("解决 1 已更换灯泡", kStaff);
  h.Say("评价 1 满意", "user-1");
  h.clock().Advance(std::chrono::hours(10));
  h.Say("解决 2 已疏通", kStaff);
  h.Say("评价 2 不满意 还是漏水", "user-2");
  h.Say("受理 4", "staff-c");
  h.clock().Advance(std::chrono::hours(5));  // +25 h: #5 was never accepted
  EXPECT_EQ(h.Tick().escalated, 1);

  auto md = domain::RenderAgenda(h.db(), h.config(), ShippedTexts(), "2026-11", "zh-CN");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  const std::string& text = *md;
  EXPECT_THAT(text, HasSubstr("# 幸福里小区 2026-11 月度联席会议议题"));
  EXPECT_THAT(text, HasSubstr("- 收到报事：5 件"));
  EXPECT_THAT(text, HasSubstr("- 办结：2 件"));
  EXPECT_THAT(text, HasSubstr("- 办结用时中位数：15.0 小时"));  // 10 h and 20 h
  EXPECT_THAT(text, HasSubstr("满意 1，基本满意 0，不满意 1（满意率 50%）"));

  const std::string escalated = Section(text, "## 转办的工单");
  EXPECT_THAT(escalated, HasSubstr("#4 设施维修 · 3号楼 · 已受理 · 社区"));
  EXPECT_THAT(escalated, HasSubstr("#5 设施维修 · 3号楼 · 已转办 · 社区"));
  EXPECT_THAT(escalated, Not(HasSubstr("#1 ")));
  const std::string deferred = Section(text, "## 暂缓的工单");
  EXPECT_THAT(deferred, HasSubstr("#3 "));
  EXPECT_THAT(deferred, HasSubstr("原因：需业委会表决"));
  EXPECT_THAT(deferred, HasSubstr("计划：下月业主大会表决"));
  EXPECT_THAT(deferred, HasSubstr("预计：2026-12-31"));
  const std::string reopened = Section(text, "## 退回重办的工单");
  EXPECT_THAT(reopened, HasSubstr("#2 设施维修 · 3号楼 · 重新处理 · 社区"));
  const std::string overdue = Section(text, "## 超时的工单");
  EXPECT_THAT(overdue, HasSubstr("#5 "));
  EXPECT_THAT(overdue, Not(HasSubstr("#4 ")));

  // Nothing that identifies a resident: no unit/room, no user ids, no words of theirs.
  for (const char* secret : {"2单元", "user-", "楼道灯坏了", "还是漏水", "王网格"}) {
    EXPECT_THAT(text, Not(HasSubstr(secret))) << secret;
  }
}

// Regressions (issue 8): an API key's escalation is no overdue (only the deadline job's events
// are), and a ticket rated 不满意 then 满意 counts both ratings (it showed 100%). Each item
// says who acted: staff as 工作人员 (never the name), a key by its name, the job as 系统.
TEST(AgendaTest, OverdueIsTheDeadlineJobsAndEveryRatingCounts) {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "staff-c", "李社区", "community", "staff"});
  DialogHarness h(c);
  h.Report("user-1");
  h.Report("user-2");
  ASSERT_TRUE(h.db().Begin().ok());
  auto up = domain::TicketService::Escalate(h.db(), h.deps(),
                                            domain::Actor::ApiKey("dashboard", "street"), 2,
                                            "需要社区协调", h.clock().NowMillis());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  ASSERT_TRUE(h.db().Commit().ok());
  h.Say("解决 1 已更换灯泡", kStaff);
  h.Say("评价 1 不满意 还是不亮", "user-1");  // reopened at the community
  h.Say("解决 1 又换了一次", "staff-c");
  h.Say("评价 1 满意", "user-1");
  auto md = domain::RenderAgenda(h.db(), h.config(), ShippedTexts(), "2026-11", "zh-CN");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_THAT(*md, HasSubstr("满意 1，基本满意 0，不满意 1（满意率 50%）"));
  EXPECT_THAT(Section(*md, "## 超时的工单"), Not(HasSubstr("#2 ")));
  const std::string escalated = Section(*md, "## 转办的工单");
  EXPECT_THAT(escalated, HasSubstr("#2 "));
  EXPECT_THAT(escalated, HasSubstr("经办：dashboard"));
  EXPECT_THAT(*md, Not(HasSubstr("王网格")));
  EXPECT_THAT(*md, Not(HasSubstr("李社区")));
  // The deadline job's escalation is overdue, by 系统.
  h.clock().Advance(std::chrono::hours(24 * 5));  // still November
  EXPECT_GE(h.Tick().escalated, 1);
  md = domain::RenderAgenda(h.db(), h.config(), ShippedTexts(), "2026-11", "zh-CN");
  ASSERT_TRUE(md.ok());
  const std::string overdue = Section(*md, "## 超时的工单");
  EXPECT_THAT(overdue, HasSubstr("经办：系统（超时）"));
}

TEST(AgendaTest, OtherMonthsAreEmptyAndEnglishWorks) {
  DialogHarness h;
  h.Report("user-1");
  auto md = domain::RenderAgenda(h.db(), h.config(), ShippedTexts(), "2026-10", "en");
  ASSERT_TRUE(md.ok());
  EXPECT_THAT(*md, HasSubstr("- Reports received: 0"));
  EXPECT_THAT(*md, HasSubstr("no ratings this month"));
  EXPECT_THAT(*md, HasSubstr("## Deferred tickets\n\n(none)"));
  md = domain::RenderAgenda(h.db(), h.config(), ShippedTexts(), "2026-11", "en");
  ASSERT_TRUE(md.ok());
  EXPECT_THAT(*md, HasSubstr("- Reports received: 1"));
}

TEST(AgendaTest, MonthBoundariesFollowTheConfiguredTimezone) {
  auto r = domain::MonthRange("2026-11", "Asia/Shanghai");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, 1793491200000 - 8 * 3600 * 1000LL);   // 2026-11-01 00:00 +08:00
  EXPECT_EQ(r->second, 1796083200000 - 8 * 3600 * 1000LL);  // 2026-12-01 00:00 +08:00
  auto dec = domain::MonthRange("2026-12", "UTC");
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(dec->second, 1798761600000);  // 2027-01-01 00:00 UTC
  for (const char* bad : {"2026-13", "2026-1", "26-11", "2026/11", "abcd-ef", ""}) {
    EXPECT_EQ(domain::MonthRange(bad, "UTC").status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace linli::dialogs::agenda_test
