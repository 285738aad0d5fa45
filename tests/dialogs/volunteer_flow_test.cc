// 报到 and the staff's volunteer commands (dialogs/volunteer_flow.cc).
#include <gtest/gtest.h>

#include "domain/volunteers/volunteers.h"
#include "storage/identity_store.h"
#include "storage/volunteer_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::volunteer_flow_test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class VolunteerFlowTest : public ::testing::Test {
 protected:
  int64_t Person(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(h_.db(), "tg", user);
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  std::optional<storage::Volunteer> Record(const std::string& user) {
    auto v = storage::VolunteerStore::Find(h_.db(), Person(user));
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : std::nullopt;
  }
  std::vector<OutboundMessage> InGroup(const std::string& text, const std::string& user) {
    InboundMessage in;
    in.conversation = {"tg", "group-1", user, ChatType::kGroup};
    in.text = text;
    return h_.Send(in);
  }
  void Register(const std::string& user = "vol-1") {
    h_.Say("报到", user);
    h_.Say("王师傅", user);
    h_.Say("区税务局党支部", user);
    h_.Say("跳过", user);
    h_.Say("3,5号楼", user);
    const std::string done = DialogHarness::Text(h_.Say("1", user));
    ASSERT_TRUE(Has(done, "报到成功，等待工作人员确认")) << done;
  }

  DialogHarness h_;
};

TEST_F(VolunteerFlowTest, ReportingForDutyAsksEachFieldAndWaitsForStaff) {
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("报到")), "请输入您希望显示的称呼"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("王师傅13812341234")), "不要包含手机号"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("王师傅")), "工作单位"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("区税务局党支部")), "特长"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("水电维修")), "哪些楼栋"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("9")), "没有 9 号楼"));
  const std::string confirm = DialogHarness::Text(h_.Say("3，5"));
  EXPECT_TRUE(Has(confirm, "称呼：王师傅")) << confirm;
  EXPECT_TRUE(Has(confirm, "楼栋：3,5")) << confirm;
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("1")), "报到成功"));
  auto v = Record("user-1");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->display_name, "王师傅");
  EXPECT_EQ(v->organisation, "区税务局党支部");
  EXPECT_EQ(v->skills, "水电维修");
  EXPECT_EQ(v->buildings, (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(v->status, storage::VolunteerStatus::kPending);
  EXPECT_EQ(v->source, "chat");
}

TEST_F(VolunteerFlowTest, InAGroupNothingStartsAndNothingIsStored) {
  const std::string reply = DialogHarness::Text(InGroup("报到", "vol-1"));
  EXPECT_TRUE(Has(reply, "请私聊我办理")) << reply;
  EXPECT_FALSE(Record("vol-1").has_value());
}

TEST_F(VolunteerFlowTest, StaffListConfirmAndTheVolunteerIsToldPrivately) {
  Register();
  const int64_t vol = Person("vol-1");
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("志愿者列表", "vol-1")), "只有工作人员"));
  const std::string list = DialogHarness::Text(h_.Say("志愿者列表", "staff-1"));
  EXPECT_TRUE(Has(list, std::to_string(vol) + "：王师傅｜区税务局党支部")) << list;
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("确认志愿者 " + std::to_string(vol), "vol-1")),
                  "只有工作人员"));
  EXPECT_FALSE(*domain::IsVolunteer(h_.db(), vol));
  h_.TakeOutbox();
  const std::string done =
      DialogHarness::Text(h_.Say("确认志愿者 " + std::to_string(vol), "staff-1"));
  EXPECT_TRUE(Has(done, "已确认志愿者 " + std::to_string(vol) + "（王师傅）")) << done;
  EXPECT_TRUE(*domain::IsVolunteer(h_.db(), vol));
  auto told = h_.TakeOutbox();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].to.user_id, "vol-1");
  EXPECT_EQ(told[0].to.chat_type, ChatType::kPrivate);
  EXPECT_TRUE(Has(told[0].text, "您已成为本社区志愿者"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("确认志愿者 " + std::to_string(vol), "staff-1")),
                  "状态已变更"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("志愿者列表", "staff-1")), "没有待确认的志愿者"));
}

TEST_F(VolunteerFlowTest, StaffSetAndRemoveByUserIdOrPersonId) {
  h_.Say("我的数据", "someone");
  h_.Say("我的数据", "staff-1");
  const std::string set = DialogHarness::Text(h_.Say("设为志愿者 someone", "staff-1"));
  EXPECT_TRUE(Has(set, "设为志愿者")) << set;
  const int64_t p = Person("someone");
  EXPECT_TRUE(*domain::IsVolunteer(h_.db(), p));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("取消志愿者 #" + std::to_string(p), "staff-1")),
                  "已取消"));
  EXPECT_FALSE(*domain::IsVolunteer(h_.db(), p));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("设为志愿者 nobody-here", "staff-1")), "找不到这个人"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("设为志愿者", "staff-1")), "用法"));
  EXPECT_TRUE(Has(DialogHarness::Text(h_.Say("拒绝志愿者 " + std::to_string(p), "staff-1")),
                  "状态已变更"));
}

}  // namespace
}  // namespace linli::dialogs::volunteer_flow_test
