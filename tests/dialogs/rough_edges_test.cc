// Issue 11, "tried as a new user would": staff 工单 N shows one whole ticket, 转办 tells who
// was notified, every history event in its own words (internal ones never to residents),
// public places and typed rooms as locations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::rough_edges_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStaff[] = "staff-1";

config::Config WithPlaces() {
  config::Config c = DemoConfig();
  c.compound.places = {{"south_gate", "南门"}, {"car_park", "停车场"}};
  return c;
}

std::vector<OutboundMessage> To(const std::vector<OutboundMessage>& msgs, const std::string& user) {
  std::vector<OutboundMessage> out;
  for (const auto& m : msgs) {
    if (m.to.user_id == user) out.push_back(m);
  }
  return out;
}

// Regression: "工单 2" was read as the building filter, not ticket #2, and staff 进度 N
// showed neither the description nor the photo.
TEST(RoughEdgesTest, StaffTicketsNShowsTheWholeTicket) {
  DialogHarness h;
  h.Report("user-1", "2", "3号楼2单元301");
  h.Report("user-2", "1", "2-1");
  for (const char* cmd : {"工单 2", "/tickets 2", "工单 #2", "进度 2"}) {
    const std::string text = DialogHarness::Text(h.Say(cmd, kStaff));
    EXPECT_THAT(text, HasSubstr("#2 环境卫生")) << cmd;
    EXPECT_THAT(text, HasSubstr("描述：楼道灯坏了，晚上很黑")) << cmd;
    EXPECT_THAT(text, HasSubstr("照片：无")) << cmd;
    EXPECT_THAT(text, HasSubstr("位置：2号楼1单元")) << cmd;
    EXPECT_THAT(text, Not(HasSubstr("#1 "))) << cmd;
  }
  // The room typed after the unit is kept, and staff see it.
  EXPECT_EQ(h.Ticket(1).location_text, "3号楼2单元301室");
  EXPECT_THAT(DialogHarness::Text(h.Say("工单 1", kStaff)), HasSubstr("位置：3号楼2单元301室"));
  // The building listing stays reachable by an explicit word.
  for (const char* cmd : {"工单 楼 2", "工单 2号楼", "/tickets building 2", "/tickets b2"}) {
    const std::string text = DialogHarness::Text(h.Say(cmd, kStaff));
    EXPECT_THAT(text, HasSubstr("#2 环境卫生 · 2号楼")) << cmd;
    EXPECT_THAT(text, Not(HasSubstr("#1 "))) << cmd;
    EXPECT_THAT(text, Not(HasSubstr("描述"))) << cmd;
  }
  // A resident asking for someone else's ticket learns nothing.
  EXPECT_THAT(DialogHarness::Text(h.Say("进度 2", "user-1")), HasSubstr("没有找到"));
}

TEST(RoughEdgesTest, StaffSeeThePhotoReference) {
  DialogHarness h;
  for (const char* s : {"报事", "2", "3-2"}) h.Say(s);
  InboundMessage in;
  in.conversation = DialogHarness::Conversation("user-1");
  in.text = "水管漏水";
  Attachment photo;
  photo.kind = Attachment::Kind::kPhoto;
  photo.ref = "AgADBAADr6cxG";
  in.attachments.push_back(photo);
  h.Send(in);
  h.Say("1");
  EXPECT_THAT(DialogHarness::Text(h.Say("工单 1", kStaff)), HasSubstr("AgADBAADr6cxG"));
  EXPECT_THAT(DialogHarness::Text(h.Say("进度 1", "user-1")), Not(HasSubstr("AgADBAADr6cxG")));
}

// Regression: 转办 said "已通知该层级工作人员" when no staff was configured at that tier.
TEST(RoughEdgesTest, EscalateSaysHowManyWereNotifiedOrThatNobodyIs) {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "comm-1", "社区 张主任", "community", "staff"});
  c.staff.push_back({"tg", "comm-2", "社区 李干事", "community", "staff"});
  DialogHarness h(c);
  h.Report("user-1");
  h.TakeOutbox();
  std::string text = DialogHarness::Text(h.Say("转办 1 涉及市政管网", kStaff));
  EXPECT_THAT(text, HasSubstr("已私信通知该层级 2 位工作人员"));
  EXPECT_EQ(To(h.TakeOutbox(), "comm-1").size(), 1u);
  h.Say("受理 1", "comm-1");
  // No street staff: the ticket still moves, and the reply says nobody was told.
  text = DialogHarness::Text(h.Say("转办 1 需街道协调", "comm-1"));
  EXPECT_THAT(text, HasSubstr("没有配置工作人员"));
  EXPECT_THAT(text, Not(HasSubstr("已私信通知")));
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kStreet);
  EXPECT_EQ(h.Ticket(1).status, storage::TicketStatus::kEscalated);
}

// Regression: the resident's history showed internal notes, a second escalation, an
// assignment and a summary all as a bare "处理进展" line; staff saw "community -> street".
TEST(RoughEdgesTest, EveryEventHasItsOwnWordingAndInternalOnesStayWithStaff) {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "comm-1", "社区 张主任", "community", "staff"});
  c.staff.push_back({"tg", "street-1", "街道 赵科长", "street", "staff"});
  DialogHarness h(c);
  h.Report("user-1");
  h.Say("受理 1", kStaff);
  h.Say("处理 1", kStaff);
  h.Say("备注 1 内部：联系了物业经理", kStaff);
  h.Say("公开备注 1 已订购灯泡", kStaff);
  h.Say("指派 1 staff-1", kStaff);
  h.Say("摘要 1 楼道照明故障", kStaff);
  h.Say("暂缓 1 缺配件|下周更换|2030-01-15", kStaff);
  h.Say("转办 1 需社区协调", kStaff);
  h.Say("转办 1 需街道协调", "comm-1");  // a second escalation keeps the status
  h.Say("解决 1 已更换灯泡", "street-1");
  const std::string resident = DialogHarness::Text(h.Say("进度 1", "user-1"));
  for (const char* want : {"提交报事", "已受理", "开始处理", "处理进展：已订购灯泡", "暂缓处理（",
                           "缺配件", "2030-01-15", "已转至社区处理", "已转至街道处理",
                           "已解决：已更换灯泡"}) {
    EXPECT_THAT(resident, HasSubstr(want)) << want;
  }
  for (const char* never : {"联系了物业经理", "指派", "楼道照明故障", "需社区协调", "需街道协调",
                            "内部备注", "->", "community", "处理进展：暂缓"}) {
    EXPECT_THAT(resident, Not(HasSubstr(never))) << never;
  }
  const std::string staff = DialogHarness::Text(h.Say("工单 1", kStaff));
  for (const char* want : {"内部备注：内部：联系了物业经理", "指派给 王网格", "公开摘要：楼道照明故障",
                           "转办：小区（网格/物业） → 社区：需社区协调", "转办：社区 → 街道：需街道协调"}) {
    EXPECT_THAT(staff, HasSubstr(want)) << want;
  }
  EXPECT_THAT(staff, Not(HasSubstr("->")));
  EXPECT_THAT(staff, Not(HasSubstr("community")));
}

TEST(RoughEdgesTest, RatingsAreWordedForTheResident) {
  DialogHarness h;
  h.Report("user-1");
  h.Say("解决 1 已修好", kStaff);
  h.Say("/rate 1 unsatisfied 还是不亮");
  std::string resident = DialogHarness::Text(h.Say("进度 1", "user-1"));
  EXPECT_THAT(resident, HasSubstr("评价“不满意”，已退回重办"));
  EXPECT_THAT(resident, Not(HasSubstr("还是不亮")));
  // Staff see the comment.
  EXPECT_THAT(DialogHarness::Text(h.Say("工单 1", kStaff)), HasSubstr("还是不亮"));
}

TEST(RoughEdgesTest, APublicPlaceIsAValidLocation) {
  DialogHarness h(WithPlaces());
  for (const char* s : {"报事", "2"}) h.Say(s);
  std::string text = DialogHarness::Text(h.Say("小区里"));
  EXPECT_THAT(text, HasSubstr("公共地点：南门、停车场"));
  text = DialogHarness::Text(h.Say("南门"));
  EXPECT_THAT(text, Not(HasSubstr("没有识别出")));
  h.Say("路灯坏了，晚上很黑");
  h.Say("跳过");
  h.Say("1");
  const storage::Ticket t = h.Ticket(1);
  EXPECT_EQ(t.building, "");
  EXPECT_EQ(t.location_text, "南门");
  EXPECT_THAT(DialogHarness::Text(h.Say("工单", kStaff)), HasSubstr("#1 设施维修 · 南门"));
  EXPECT_THAT(DialogHarness::Text(h.Say("工单 1", kStaff)), HasSubstr("位置：南门"));
}

}  // namespace
}  // namespace linli::dialogs::rough_edges_test
