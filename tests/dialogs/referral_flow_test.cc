// 转交 / 部门答复 (issue 11 point 8): staff refer a ticket to a department from a private chat or a
// staff group; the department gets the public projection only, the resident is told without
// the internal note; wrong tier and non-staff are refused and nothing changes; the answer is
// recorded and the reminder stops.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tickets/referrals.h"
#include "domain/tickets/ticket_history.h"
#include "storage/referral_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::referral_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStaffGroup = "-100777";

config::Config ReferralConfig() {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "staff-2", "李社区", "community", "staff"});
  c.departments.push_back({"chengguan", "城管", "robot", "robot", 24});
  c.departments.push_back({"water", "供水", "tg", "-100999", 48});
  return c;
}

std::string Dump(storage::Database& db, const std::string& sql) {
  auto rows = db.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::string out;
  if (!rows.ok()) return out;
  for (const auto& r : *rows) {
    for (size_t i = 0; i < r.size(); ++i) out += r.Text(i) + "|";
    out += "\n";
  }
  return out;
}

std::string Snapshot(storage::Database& db) {
  return Dump(db, "SELECT * FROM tickets ORDER BY id") +
         Dump(db, "SELECT * FROM ticket_events ORDER BY id") +
         Dump(db, "SELECT * FROM outbox ORDER BY id") +
         Dump(db, "SELECT * FROM referrals ORDER BY id");
}

class ReferralFlowTest : public ::testing::Test {
 protected:
  ReferralFlowTest() : h_(ReferralConfig()) {
    h_.Say("帮助", "staff-1");
    h_.Say("帮助", "staff-2");
    n_ = h_.Report("user-1");
    // A phone number in the resident's words must not reach the department.
    storage::Ticket t = h_.Ticket(n_);
    t.description = "占道经营，摊主电话13812345678";
    EXPECT_TRUE(storage::TicketStore::Update(h_.db(), t).ok());
    h_.TakeOutbox();
  }
  std::vector<OutboundMessage> InGroup(const std::string& user, const std::string& text) {
    InboundMessage in;
    in.conversation = {"tg", user, kStaffGroup, ChatType::kGroup};
    in.text = text;
    return h_.Send(in);
  }
  int RemindNow() {
    EXPECT_TRUE(h_.db().Begin().ok());
    auto n = domain::RemindUnanswered(h_.db(), h_.deps(), h_.clock().NowMillis());
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_TRUE(h_.db().Commit().ok());
    return n.ok() ? *n : -1;
  }
  std::vector<OutboundMessage> To(const std::vector<OutboundMessage>& all, const std::string& chat) {
    std::vector<OutboundMessage> out;
    for (const auto& m : all) {
      if (m.to.chat_id == chat) out.push_back(m);
    }
    return out;
  }

  DialogHarness h_;
  int64_t n_ = 0;
};

TEST_F(ReferralFlowTest, StaffRefersFromPrivateChatTheDepartmentGetsThePublicProjection) {
  const std::string reply = DialogHarness::Text(h_.Say("转交 1 城管 占道经营需执法，联系人王五13900001111", "staff-1"));
  EXPECT_THAT(reply, HasSubstr("#1 已转交城管"));
  EXPECT_THAT(reply, HasSubstr("24 小时"));
  const auto out = h_.TakeOutbox();
  const auto dept = To(out, "robot");
  ASSERT_EQ(dept.size(), 1u);
  EXPECT_EQ(dept[0].to.channel, "robot");
  const std::string& text = dept[0].text;
  EXPECT_THAT(text, HasSubstr("#1"));
  EXPECT_THAT(text, HasSubstr("3号楼"));
  EXPECT_THAT(text, HasSubstr("占道经营"));
  EXPECT_THAT(text, HasSubstr("占道经营需执法"));  // the staff note, masked
  EXPECT_THAT(text, Not(HasSubstr("13812345678")));
  EXPECT_THAT(text, Not(HasSubstr("13900001111")));
  EXPECT_THAT(text, Not(HasSubstr("2单元")));
  // The resident is told privately, without the internal note.
  const auto resident = To(out, "user-1");
  ASSERT_EQ(resident.size(), 1u);
  EXPECT_EQ(resident[0].to.chat_type, ChatType::kPrivate);
  EXPECT_THAT(resident[0].text, HasSubstr("已转交城管部门协同处理"));
  EXPECT_THAT(resident[0].text, Not(HasSubstr("执法")));
  // The event: residents read the wording, staff the note.
  auto events = storage::TicketStore::Events(h_.db(), h_.Ticket(1).id);
  ASSERT_TRUE(events.ok());
  const storage::TicketEvent& e = events->back();
  EXPECT_EQ(e.kind, "referred");
  EXPECT_EQ(domain::DescribeEvent(h_.deps().texts, "zh-CN", e, domain::HistoryAudience::kResident),
            "已转交城管部门协同处理");
  EXPECT_THAT(domain::DescribeEvent(h_.deps().texts, "zh-CN", e, domain::HistoryAudience::kStaff),
              HasSubstr("占道经营需执法"));
  auto refs = storage::ReferralStore::ForTicket(h_.db(), h_.Ticket(1).id);
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].department_id, "chengguan");
  EXPECT_EQ((*refs)[0].remind_at_ms - (*refs)[0].referred_at_ms, 24LL * 3600 * 1000);
}

TEST_F(ReferralFlowTest, StaffRefersFromAStaffGroupByIdAndInEnglish) {
  const std::string reply = DialogHarness::Text(InGroup("staff-1", "/refer 1 water 水管漏水"));
  EXPECT_THAT(reply, HasSubstr("#1 已转交供水"));
  const auto dept = To(h_.TakeOutbox(), "-100999");
  ASSERT_EQ(dept.size(), 1u);
  EXPECT_EQ(dept[0].to.channel, "tg");
  EXPECT_EQ(dept[0].to.chat_type, ChatType::kGroup);
}

TEST_F(ReferralFlowTest, NonStaffWrongTierUnknownDepartmentAndUsageChangeNothing) {
  const std::string before = Snapshot(h_.db());
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交 1 城管 占道", "user-1")), HasSubstr("只有工作人员"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交", "user-1")), HasSubstr("只有工作人员"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("部门答复 1 已清理", "user-1")), HasSubstr("只有工作人员"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交 1 消防 占道", "staff-1")), HasSubstr("没有名为“消防”的联动部门"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交 1 城管", "staff-1")), HasSubstr("用法：转交"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("部门答复 1 城管已清理", "staff-1")), HasSubstr("没有待答复的转交"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交 9 城管 占道", "staff-1")), HasSubstr("没有找到 #9"));
  EXPECT_EQ(Snapshot(h_.db()), before);
  // At the community tier the grid worker is refused; community staff may refer.
  storage::Ticket t = h_.Ticket(1);
  t.tier = storage::Tier::kCommunity;
  ASSERT_TRUE(storage::TicketStore::Update(h_.db(), t).ok());
  const std::string at_community = Snapshot(h_.db());
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交 1 城管 占道", "staff-1")), HasSubstr("超出您的权限"));
  EXPECT_EQ(Snapshot(h_.db()), at_community);
  EXPECT_THAT(DialogHarness::Text(h_.Say("转交 1 城管 占道", "staff-2")), HasSubstr("已转交城管"));
  const std::string referred = Snapshot(h_.db());
  EXPECT_THAT(DialogHarness::Text(h_.Say("部门答复 1 已清理", "staff-1")), HasSubstr("超出您的权限"));
  EXPECT_EQ(Snapshot(h_.db()), referred);
}

TEST_F(ReferralFlowTest, ReminderOnceAfterRemindHoursAndNotAfterAnAnswer) {
  h_.Say("转交 1 城管 占道经营", "staff-1");
  h_.Say("转交 1 供水 水管漏水", "staff-1");
  h_.TakeOutbox();
  h_.clock().Advance(std::chrono::hours(23));
  EXPECT_EQ(RemindNow(), 0);
  h_.clock().Advance(std::chrono::hours(1));
  EXPECT_EQ(RemindNow(), 1);  // 城管 after 24 h; 供水 waits 48 h
  auto out = h_.TakeOutbox();
  const auto staff = To(out, "staff-1");
  ASSERT_EQ(staff.size(), 1u);
  EXPECT_EQ(staff[0].to.chat_type, ChatType::kPrivate);
  EXPECT_THAT(staff[0].text, HasSubstr("转交城管已 24 小时"));
  EXPECT_THAT(staff[0].text, Not(HasSubstr("2单元")));
  EXPECT_TRUE(To(out, "staff-2").empty());  // compound ticket: its tier's staff only
  h_.clock().Advance(std::chrono::hours(1));
  EXPECT_EQ(RemindNow(), 0);  // once per referral

  // The latest open referral (供水) is answered: the resident reads the masked answer, and it
  // is not reminded at 48 h.
  const std::string reply =
      DialogHarness::Text(h_.Say("部门答复 1 已修复，维修员电话13700001111", "staff-1"));
  EXPECT_THAT(reply, HasSubstr("#1 已记录供水的答复"));
  out = h_.TakeOutbox();
  const auto resident = To(out, "user-1");
  ASSERT_EQ(resident.size(), 1u);
  EXPECT_THAT(resident[0].text, HasSubstr("供水部门答复：已修复"));
  EXPECT_THAT(resident[0].text, Not(HasSubstr("13700001111")));
  auto events = storage::TicketStore::Events(h_.db(), h_.Ticket(1).id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->back().kind, "department_answered");
  EXPECT_THAT(domain::DescribeEvent(h_.deps().texts, "zh-CN", events->back(),
                                    domain::HistoryAudience::kResident),
              HasSubstr("供水部门答复：已修复"));
  h_.clock().Advance(std::chrono::hours(48));
  EXPECT_EQ(RemindNow(), 0);
  // The 城管 referral is still open and answered next.
  EXPECT_THAT(DialogHarness::Text(h_.Say("部门答复 1 已清理", "staff-1")), HasSubstr("城管"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("部门答复 1 再次", "staff-1")), HasSubstr("没有待答复的转交"));
}

}  // namespace
}  // namespace linli::dialogs::referral_flow_test
