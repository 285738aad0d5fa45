#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/conversation_store.h"
#include "storage/ticket_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::report_flow_test {
namespace {

using ::testing::HasSubstr;

TEST(ReportFlowTest, WholeFlowByNumbersCreatesTicket) {
  DialogHarness h;
  auto r = h.Say("报事");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0].text, HasSubstr("请选择问题类别"));
  ASSERT_EQ(r[0].choices.size(), 8u);
  EXPECT_EQ(r[0].choices[1].label, "设施维修");

  r = h.Say("2");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("问题在哪里"));
  r = h.Say("3号楼2单元");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("描述"));
  r = h.Say("楼道灯坏了，晚上很黑");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("照片"));
  r = h.Say("跳过");
  const std::string confirm = DialogHarness::Text(r);
  EXPECT_THAT(confirm, HasSubstr("设施维修"));
  EXPECT_THAT(confirm, HasSubstr("3号楼2单元"));
  EXPECT_THAT(confirm, HasSubstr("楼道灯坏了"));
  r = h.Say("1");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("#1"));

  auto ticket = storage::TicketStore::FindByNumber(h.db(), 1);
  ASSERT_TRUE(ticket.ok());
  ASSERT_TRUE(ticket->has_value());
  EXPECT_EQ((*ticket)->category, "repair");
  EXPECT_EQ((*ticket)->building, "3");
  EXPECT_EQ((*ticket)->unit, "2");
  EXPECT_EQ((*ticket)->description, "楼道灯坏了，晚上很黑");
  EXPECT_EQ((*ticket)->status, storage::TicketStatus::kNew);
  EXPECT_EQ((*ticket)->photo_ref, "");
  // The flow is over: the conversation state is gone.
  auto state = storage::ConversationStore::Load(h.db(), DialogHarness::Conversation("user-1").Key());
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->has_value());
}

TEST(ReportFlowTest, ButtonsLabelsAndPhotoWithCaption) {
  DialogHarness h;
  auto r = h.Say("/report");
  ASSERT_FALSE(r.empty());
  r = h.Tap(r[0].choices[0].payload);  // 环境卫生 tapped
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("问题在哪里"));
  r = h.Say("1-3");
  InboundMessage photo;
  photo.text = "垃圾桶满了没人清";
  photo.attachments.push_back({Attachment::Kind::kPhoto, "file-123"});
  r = h.Send(photo);
  // The photo step is skipped: straight to confirmation.
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("照片：有"));
  r = h.Say("确认提交");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("#1"));
  auto t = storage::TicketStore::FindByNumber(h.db(), 1);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->category, "sanitation");
  EXPECT_EQ((*t)->photo_ref, "file-123");
}

TEST(ReportFlowTest, CategoryByLabelText) {
  DialogHarness h;
  h.Say("报事");
  auto r = h.Say("噪音扰民");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("问题在哪里"));
}

TEST(ReportFlowTest, InvalidInputRepromptsWithHint) {
  DialogHarness h;
  h.Say("报事");
  auto r = h.Say("42");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请回复选项前的数字"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请选择问题类别"));
  h.Say("1");
  r = h.Say("9号楼");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有9号楼"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("1、2、3、4、5、6"));
  r = h.Say("3号楼8单元");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有8单元"));
  r = h.Say("花园里");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("没有识别出楼号"));
  h.Say("3-1");
  r = h.Say("灯");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("太短"));
  r = h.Say(std::string(600 * 3, 'x'));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("太长"));
  r = h.Say("路灯不亮");
  r = h.Say("不知道");  // neither a photo nor 跳过
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请发送一张照片"));
  r = h.Say("skip");
  r = h.Say("maybe");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("1 确认提交"));
  auto count = storage::TicketStore::Count(h.db());
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST(ReportFlowTest, NumberOfTheSkipChoiceSkipsThePhoto) {
  DialogHarness h;
  for (const char* s : {"报事", "1", "2-2", "门口有积水"}) h.Say(s);
  auto r = h.Say("1");  // the prompt showed "1. 跳过"
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("请确认"));
}

TEST(ReportFlowTest, CancelAtConfirmationCreatesNothing) {
  DialogHarness h;
  for (const char* s : {"报事", "1", "2-2", "门口有积水", "跳过"}) h.Say(s);
  auto r = h.Say("2");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("已取消"));
  auto count = storage::TicketStore::Count(h.db());
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST(ReportFlowTest, SharedMapLocationIsAccepted) {
  DialogHarness h;
  h.Say("报事");
  h.Say("3");
  InboundMessage loc;
  loc.attachments.push_back({Attachment::Kind::kLocation, "", "", "幸福里小区东门", 31.2, 121.4});
  auto r = h.Send(loc);
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("描述"));
  h.Say("东门外乱停车");
  r = h.Say("跳过");
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("幸福里小区东门"));
}

}  // namespace
}  // namespace linli::dialogs::report_flow_test
