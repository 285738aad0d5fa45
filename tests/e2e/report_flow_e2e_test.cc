// The report flow (报事) end to end over the Telegram webhook, including restarts of the
// whole App on the same database file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/ticket_store.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::report_flow_e2e_test {
namespace {

constexpr int64_t kUser = 5550001;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// 报事 and the tap on "设施维修" (callers check HasFatalFailure()).
void StartReportAndPickRepair(Harness& h, int64_t user) {
  ASSERT_EQ(h.SendText(user, "报事"), 200);
  auto prompt = h.WaitForReplies(user, 1);
  ASSERT_EQ(prompt.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(prompt[0]), "请选择问题类别")) << TextOf(prompt[0]);
  const std::vector<Button> buttons = KeyboardOf(prompt[0]);
  ASSERT_EQ(buttons.size(), 8u);
  std::string repair;
  for (const auto& b : buttons) {
    EXPECT_EQ(b.callback_data.rfind("s:category:", 0), 0u) << b.callback_data;
    if (b.text == "设施维修") repair = b.callback_data;
  }
  ASSERT_EQ(repair, "s:category:repair");

  // The bot's message id, as the fake answered it: the callback_query carries it back.
  const size_t answers_before = h.api().requests("answerCallbackQuery").size();
  const int64_t bot_message_id = h.api().last_message_id();
  const int tap_update = h.NextUpdateId();
  ASSERT_EQ(h.PostWebhook(h.CallbackUpdate(user, repair, bot_message_id, tap_update).dump()).status,
            200);
  auto location_prompt = h.WaitForReplies(user, 1);
  ASSERT_EQ(location_prompt.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(location_prompt[0]), "问题在哪里")) << TextOf(location_prompt[0]);
  const auto answers = h.WaitForCalls("answerCallbackQuery", answers_before + 1);
  ASSERT_EQ(answers.size(), answers_before + 1);
  EXPECT_EQ(answers.back().answered_status, 200);
  EXPECT_TRUE(answers.back().body.is_object());
  EXPECT_EQ(answers.back().body.value("callback_query_id", ""),
            "cbq-" + std::to_string(tap_update));
}

TEST(ReportFlowE2eTest, WholeFlowOverTheWebhookCreatesTicketOne) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  StartReportAndPickRepair(h, kUser);
  if (HasFatalFailure()) return;

  ASSERT_EQ(h.SendText(kUser, "3号楼2单元"), 200);
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "请简单描述"));
  ASSERT_EQ(h.SendText(kUser, "楼道灯坏了，晚上很黑"), 200);
  auto photo_prompt = h.WaitForReplies(kUser, 1);
  ASSERT_EQ(photo_prompt.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(photo_prompt[0]), "跳过")) << TextOf(photo_prompt[0]);
  ASSERT_EQ(h.SendText(kUser, "跳过"), 200);
  const std::string confirm = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(confirm, "设施维修")) << confirm;
  EXPECT_TRUE(Contains(confirm, "3号楼2单元")) << confirm;
  EXPECT_TRUE(Contains(confirm, "楼道灯坏了")) << confirm;
  ASSERT_EQ(h.SendText(kUser, "1"), 200);
  const std::string created = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(created, "已提交")) << created;
  EXPECT_TRUE(Contains(created, "#1")) << created;

  ASSERT_EQ(h.SendText(kUser, "进度 1"), 200);
  const std::string status = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(status, "#1")) << status;
  EXPECT_TRUE(Contains(status, "待受理")) << status;
  EXPECT_TRUE(Contains(status, "3号楼2单元")) << status;
  EXPECT_TRUE(h.NoMoreReplies(kUser));

  // Every message went out exactly once: 7 updates (6 texts and 1 tap), 7 replies and 1
  // callback answer.
  EXPECT_EQ(h.Delivered(kUser).size(), 7u);
  EXPECT_EQ(h.api().requests("answerCallbackQuery").size(), 1u);

  h.StopApp();
  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  auto ticket = storage::TicketStore::FindByNumber(*db, 1);
  ASSERT_TRUE(ticket.ok()) << ticket.status().ToString();
  ASSERT_TRUE(ticket->has_value());
  const storage::Ticket& t = **ticket;
  EXPECT_EQ(t.number, 1);
  EXPECT_EQ(t.channel, "tg");
  EXPECT_EQ(t.category, "repair");
  EXPECT_EQ(t.building, "3");
  EXPECT_EQ(t.unit, "2");
  EXPECT_EQ(t.description, "楼道灯坏了，晚上很黑");
  EXPECT_EQ(t.photo_ref, "");
  EXPECT_EQ(t.status, storage::TicketStatus::kNew);
  auto count = storage::TicketStore::Count(*db);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  // Every outbox row was delivered; nothing is left pending.
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"), 0);
  // The replies to typed messages rode in their webhook answers; the tap's answer
  // (answerCallbackQuery) and the reply after it went through the outbox - and so does a typed
  // message's reply when the reply before it was still unsent (it queues behind, in order).
  EXPECT_GE(CountRows(*db, "SELECT COUNT(*) FROM outbox"), 2);
  EXPECT_LE(CountRows(*db, "SELECT COUNT(*) FROM outbox"), 8);  // 7 replies + the tap's answer
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%callback_answer%'"), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM inbox"), 7);
  // The finished flow left no dialog state behind.
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations"), 0);
}

TEST(ReportFlowE2eTest, NumberedCategoryWorksWithoutButtons) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "2"), 200);  // the second category: 设施维修
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "问题在哪里"));
  ASSERT_EQ(h.SendText(kUser, "9号楼"), 200);  // no such building: re-asked, flow stays
  const std::string rejected = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(rejected, "没有9号楼")) << rejected;
  ASSERT_EQ(h.SendText(kUser, "3-2"), 200);
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "请简单描述"));
  h.StopApp();
  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations WHERE step = 'description'"), 1);
}

TEST(ReportFlowE2eTest, RestartMidFlowContinuesOnTheSameDatabase) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  const uint16_t first_port = h.port();
  StartReportAndPickRepair(h, kUser);  // step 1: category
  if (HasFatalFailure()) return;
  ASSERT_EQ(h.SendText(kUser, "3号楼2单元"), 200);  // step 2: location
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "请简单描述"));
  h.StopApp();

  // A new process on the same file (and another port).
  ASSERT_TRUE(h.StartApp());
  EXPECT_NE(h.port(), 0);
  (void)first_port;  // the kernel may hand out the same port again; only a working one matters
  ASSERT_EQ(h.SendText(kUser, "电梯按钮失灵"), 200);
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "跳过"));
  ASSERT_EQ(h.SendText(kUser, "跳过"), 200);
  const std::string confirm = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(confirm, "设施维修")) << confirm;
  EXPECT_TRUE(Contains(confirm, "3号楼2单元")) << confirm;
  EXPECT_TRUE(Contains(confirm, "电梯按钮失灵")) << confirm;
  ASSERT_EQ(h.SendText(kUser, "确认提交"), 200);
  const std::string created = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(created, "#1")) << created;
  h.StopApp();

  ASSERT_TRUE(h.StartApp());
  ASSERT_EQ(h.SendText(kUser, "进度 1"), 200);
  const std::string status = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(status, "#1")) << status;
  EXPECT_TRUE(Contains(status, "待受理")) << status;
  ASSERT_EQ(h.SendText(kUser, "进度"), 200);
  const std::string list = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(list, "#1 设施维修")) << list;
  EXPECT_TRUE(h.NoMoreReplies(kUser));
  h.StopApp();

  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  auto ticket = storage::TicketStore::FindByNumber(*db, 1);
  ASSERT_TRUE(ticket.ok() && ticket->has_value());
  EXPECT_EQ((*ticket)->description, "电梯按钮失灵");
  EXPECT_EQ((*ticket)->location_text, "3号楼2单元");
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM tickets"), 1);
}

// Another resident cannot read ticket #1 (the number leaks nothing).
TEST(ReportFlowE2eTest, OtherResidentDoesNotSeeTheTicket) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  StartReportAndPickRepair(h, kUser);
  if (HasFatalFailure()) return;
  for (const char* text : {"1号楼", "垃圾桶满了", "跳过", "1"}) {
    ASSERT_EQ(h.SendText(kUser, text), 200);
    ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u) << text;
  }
  constexpr int64_t kOther = 5550999;
  ASSERT_EQ(h.SendText(kOther, "进度 1"), 200);
  const std::string answer = h.NextReplyText(kOther);
  EXPECT_TRUE(Contains(answer, "没有找到")) << answer;
  EXPECT_FALSE(Contains(answer, "垃圾桶")) << answer;
}

// Session expiry needs time control: a FakeClock drives the dialog timeout (30 min). The
// outbox reads the same clock, so first sends (due "now") still go out at once.
TEST(ReportFlowE2eTest, ExpiredSessionIsCancelledOnTheNextMessage) {
  testing::FakeClock clock;
  Harness h;
  AppOptions options;
  options.clock = &clock;
  ASSERT_TRUE(h.StartApp(options));
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  clock.Advance(std::chrono::minutes(31));
  ASSERT_EQ(h.SendText(kUser, "3号楼2单元"), 200);
  auto replies = h.WaitForReplies(kUser, 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_TRUE(Contains(TextOf(replies[0]), "已超时")) << TextOf(replies[0]);
  EXPECT_TRUE(Contains(TextOf(replies[1]), "请选择")) << TextOf(replies[1]);  // the menu
  EXPECT_TRUE(h.NoMoreReplies(kUser));
  h.StopApp();
  auto db = h.OpenDb();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations"), 0);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM tickets"), 0);
}

}  // namespace
}  // namespace linli::e2e::report_flow_e2e_test
