#include "dialogs/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/ticket_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::engine_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ValidateFlowsTest, ShippedFlowsAreValid) { EXPECT_TRUE(ValidateFlows(AllFlows()).ok()); }

TEST(ValidateFlowsTest, RejectsUnknownNextStep) {
  auto flows = AllFlows();
  flows[0].steps[0].next = "nowhere";
  const Status st = ValidateFlows(flows);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("nowhere"));
}

TEST(ValidateFlowsTest, RejectsCollidingTriggers) {
  auto flows = AllFlows();
  flows[1].triggers.push_back("报事");
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("collides"));
  flows = AllFlows();
  flows[0].triggers.push_back("/help");  // a global command
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("collides"));
}

TEST(ValidateFlowsTest, RejectsDuplicateStepsAndIncompleteSpecs) {
  auto flows = AllFlows();
  flows[0].steps.push_back(flows[0].steps[0]);
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("declared twice"));
  flows = AllFlows();
  flows[0].steps[1].accept = nullptr;
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("needs accept"));
}

TEST(MatchOptionTest, ByPayloadNumberAndLabel) {
  const std::vector<std::string> payloads = {"a", "b"};
  const std::vector<std::string> labels = {"Apple", "香蕉"};
  EXPECT_EQ(MatchOption("b", payloads, labels), 1);
  EXPECT_EQ(MatchOption("1", payloads, labels), 0);
  EXPECT_EQ(MatchOption("２", payloads, labels), 1);
  EXPECT_EQ(MatchOption("2.", payloads, labels), 1);
  EXPECT_EQ(MatchOption("apple", payloads, labels), 0);
  EXPECT_EQ(MatchOption("香蕉", payloads, labels), 1);
  EXPECT_EQ(MatchOption("3", payloads, labels), -1);
  EXPECT_EQ(MatchOption("0", payloads, labels), -1);
  EXPECT_EQ(MatchOption("pear", payloads, labels), -1);
}

TEST(EngineTest, UnknownTextShowsMenu) {
  DialogHarness h;
  auto r = h.Say("随便说点什么");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有听懂"));
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r.back().choices.size(), 3u);  // 报事, 查进度, 帮助
}

TEST(EngineTest, HelpShowsStaffCommandsToStaffOnly) {
  DialogHarness h;
  EXPECT_THAT(DialogHarness::Text(h.Say("帮助", "staff-1")), HasSubstr("工作人员命令"));
  EXPECT_THAT(DialogHarness::Text(h.Say("帮助", "user-1")), Not(HasSubstr("工作人员命令")));
}

TEST(EngineTest, MenuNumberStartsFlowWhenIdle) {
  DialogHarness h;
  auto r = h.Say("1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请选择问题类别"));
}

TEST(EngineTest, GlobalCommandsWorkInAnyState) {
  DialogHarness h;
  h.Say("报事");
  h.Say("1");
  auto r = h.Say("帮助");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("进度 编号"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("问题在哪里"));  // re-prompts the step
  r = h.Say("3-1");  // still in the flow
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("描述"));
  r = h.Say("/cancel");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已取消"));
  r = h.Say("取消");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有进行中的操作"));
  h.Say("报事");
  r = h.Say("菜单");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请选择"));
  r = h.Say("3-1");  // the flow was left: not taken as a location
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有听懂"));
}

TEST(EngineTest, StateSurvivesAcrossEngines) {
  // Dialog state is in the database only: a new engine (a restart) resumes the step.
  DialogHarness h;
  h.Say("报事");
  h.Say("2");
  h.RecreateEngine();
  auto r = h.Say("4号楼1单元");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("描述"));
}

TEST(EngineTest, AbandonedFlowExpires) {
  DialogHarness h;
  h.Say("报事");
  h.Say("2");
  h.clock().Advance(std::chrono::minutes(31));
  auto r = h.Say("3-2");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已超时"));
  EXPECT_THAT(DialogHarness::Text(r), Not(HasSubstr("描述")));
}

TEST(EngineTest, NotExpiredJustBeforeTimeout) {
  DialogHarness h;
  h.Say("报事");
  h.Say("2");
  h.clock().Advance(std::chrono::minutes(29));
  auto r = h.Say("3-2");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("描述"));
}

TEST(EngineTest, StaleButtonIsRecognised) {
  DialogHarness h;
  auto r = h.Say("报事");
  const std::string old_payload = r[0].choices[0].payload;
  h.Say("1");  // now at the location step
  r = h.Tap(old_payload);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("按钮已过期"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("问题在哪里"));
}

TEST(EngineTest, EnglishSpeakersGetEnglish) {
  DialogHarness h;
  InboundMessage in;
  in.text = "/report";
  in.language = "en-GB";
  auto r = h.Send(in);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("What kind of problem"));
  EXPECT_EQ(r[0].choices[1].label, "Repairs");
}

TEST(EngineTest, SubscribeEventWelcomes) {
  DialogHarness h;
  InboundMessage in;
  in.kind = InboundKind::kEvent;
  in.event = EventKind::kSubscribe;
  auto r = h.Send(in);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("欢迎关注幸福里小区"));
  in.event = EventKind::kUnsubscribe;
  EXPECT_TRUE(h.Send(in).empty());
  in.event = EventKind::kClick;
  in.payload = "/report";
  EXPECT_THAT(DialogHarness::Text(h.Send(in)), HasSubstr("请选择问题类别"));
}

TEST(StatusFlowTest, ListsOwnTicketsAndShowsHistory) {
  DialogHarness h;
  EXPECT_THAT(DialogHarness::Text(h.Say("进度")), HasSubstr("还没有报过事"));
  for (const char* s : {"报事", "2", "3-2", "电梯异响", "跳过", "1"}) h.Say(s);
  for (const char* s : {"报事", "5", "1号楼", "晚上有人唱歌", "跳过", "1"}) h.Say(s);
  auto r = h.Say("进度");
  const std::string list = DialogHarness::Text(r);
  EXPECT_THAT(list, HasSubstr("#1 设施维修 · 3号楼2单元 · 待受理"));
  EXPECT_THAT(list, HasSubstr("#2 噪音扰民 · 1号楼 · 待受理"));
  EXPECT_LT(list.find("#2"), list.find("#1"));  // newest first

  r = h.Say("进度 1");
  const std::string detail = DialogHarness::Text(r);
  EXPECT_THAT(detail, HasSubstr("状态：待受理"));
  EXPECT_THAT(detail, HasSubstr("提交报事"));
  EXPECT_THAT(detail, HasSubstr("2026-11-25 09:00"));  // Asia/Shanghai
  EXPECT_THAT(DialogHarness::Text(h.Say("进度#2")), HasSubstr("噪音扰民"));
  EXPECT_THAT(DialogHarness::Text(h.Say("/status 2")), HasSubstr("噪音扰民"));
  EXPECT_THAT(DialogHarness::Text(h.Say("进度 abc")), HasSubstr("工单号"));
}

TEST(StatusFlowTest, OthersTicketsAreNotShownToResidents) {
  DialogHarness h;
  for (const char* s : {"报事", "2", "3-2", "电梯异响", "跳过", "1"}) h.Say(s);
  auto r = h.Say("进度 1", "user-2");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有找到"));
  EXPECT_THAT(DialogHarness::Text(r), Not(HasSubstr("电梯")));
  EXPECT_THAT(DialogHarness::Text(h.Say("进度 99")), HasSubstr("没有找到"));
  // Staff (from config) may look any ticket up.
  r = h.Say("进度 1", "staff-1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("设施维修"));
}

}  // namespace
}  // namespace linli::dialogs::engine_test
