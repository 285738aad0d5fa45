// Pushed questions (issue 7), the WeChat rating trap at the dialog level: after the "please
// rate #1" push (numbered text on WeChat), "1" used to start a new report. Now the push leaves
// a pending question on the reporter's private conversation that the next message answers by
// number, label or button; anything else goes on as before and drops it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/question_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::pushed_question_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOpenId[] = "oResident0001";

class PushedQuestionTest : public ::testing::Test {
 protected:
  // A WeChat resident: private conversation on channel "wx".
  std::string Say(const std::string& text) {
    InboundMessage in;
    in.conversation = {"wx", kOpenId, kOpenId, ChatType::kPrivate};
    in.text = text;
    return DialogHarness::Text(h_.Send(in));
  }
  // Reports as the WeChat resident; staff accept and resolve it. Returns the resolve push.
  OutboundMessage ReportAndResolve(int64_t number) {
    for (const char* s : {"报事", "2", "3号楼2单元", "楼道灯坏了，晚上很黑", "跳过", "1"}) Say(s);
    EXPECT_EQ(h_.Ticket(number).status, storage::TicketStatus::kNew);
    h_.Say("受理 " + std::to_string(number), "staff-1");
    h_.Say("解决 " + std::to_string(number) + " 已更换灯泡", "staff-1");
    auto pushes = h_.TakeOutbox();
    EXPECT_FALSE(pushes.empty());
    return pushes.empty() ? OutboundMessage{} : pushes.back();
  }
  std::optional<storage::PendingQuestion> Pending() {
    auto q = storage::QuestionStore::Pending(h_.db(), std::string("wx|") + kOpenId + "|" + kOpenId,
                                             h_.clock().NowMillis());
    EXPECT_TRUE(q.ok());
    return q.ok() ? *q : std::nullopt;
  }
  int64_t Tickets() { return *storage::TicketStore::Count(h_.db()); }

  DialogHarness h_;
};

TEST_F(PushedQuestionTest, TheResolvePushAsksAQuestionOnTheReportersConversation) {
  const OutboundMessage push = ReportAndResolve(1);
  EXPECT_EQ(push.to.channel, "wx");
  EXPECT_THAT(push.text, HasSubstr("#1"));
  ASSERT_EQ(push.choices.size(), 3u);
  auto q = Pending();
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->kind, "rating");
  EXPECT_EQ(q->ref, "1");
  ASSERT_EQ(q->options.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {  // what the push shows, in its order
    EXPECT_EQ(q->options[i].label, push.choices[i].label);
    EXPECT_EQ(q->options[i].payload, push.choices[i].payload);
  }
  EXPECT_GT(q->expires_at_ms, h_.clock().NowMillis());
}

TEST_F(PushedQuestionTest, TypingTheNumberRatesInsteadOfStartingAReport) {
  ReportAndResolve(1);
  const std::string r = Say("1");
  EXPECT_THAT(r, HasSubstr("感谢您的评价（满意）！#1 已关闭"));
  EXPECT_THAT(r, Not(HasSubstr("请选择问题类别")));
  EXPECT_EQ(Tickets(), 1);
  EXPECT_EQ(h_.Ticket(1).status, storage::TicketStatus::kClosed);
  EXPECT_EQ(h_.Ticket(1).rating, "satisfied");
  EXPECT_FALSE(Pending().has_value());
  // Answered: "1" is the menu's 报事 again.
  EXPECT_THAT(Say("1"), HasSubstr("请选择问题类别"));
}

TEST_F(PushedQuestionTest, TheLabelAndOtherNumbersWork) {
  ReportAndResolve(1);
  EXPECT_THAT(Say("满意"), HasSubstr("#1 已关闭"));
  EXPECT_EQ(h_.Ticket(1).rating, "satisfied");
  ReportAndResolve(2);
  EXPECT_THAT(Say("2"), HasSubstr("感谢您的评价（基本满意）！#2 已关闭"));
  EXPECT_EQ(h_.Ticket(2).rating, "basic");
  ReportAndResolve(3);
  EXPECT_THAT(Say("３"), HasSubstr("#3 已退回重办"));  // a full-width digit
  EXPECT_EQ(h_.Ticket(3).status, storage::TicketStatus::kReopened);
}

TEST_F(PushedQuestionTest, TheTypedCommandKeepsWorking) {
  ReportAndResolve(1);
  EXPECT_THAT(Say("评价 1 满意"), HasSubstr("#1 已关闭"));
  EXPECT_EQ(h_.Ticket(1).rating, "satisfied");
  EXPECT_FALSE(Pending().has_value());  // the next message was not an answer: dropped
}

TEST_F(PushedQuestionTest, ATriggerWordStartsItsFlowAndDropsTheQuestion) {
  ReportAndResolve(1);
  EXPECT_THAT(Say("报事"), HasSubstr("请选择问题类别"));
  EXPECT_FALSE(Pending().has_value());
  // "1" now answers the report flow's category step, not the question.
  EXPECT_THAT(Say("1"), HasSubstr("问题在哪里"));
  EXPECT_EQ(h_.Ticket(1).status, storage::TicketStatus::kResolved);
  EXPECT_THAT(Say("取消"), HasSubstr("已取消"));
  // The rating by command still works afterwards.
  EXPECT_THAT(Say("评价 1 满意"), HasSubstr("#1 已关闭"));
}

TEST_F(PushedQuestionTest, UnknownTextGoesOnAsTodayAndDropsTheQuestion) {
  ReportAndResolve(1);
  EXPECT_THAT(Say("谢谢"), HasSubstr("没有听懂"));
  EXPECT_FALSE(Pending().has_value());
  EXPECT_THAT(Say("1"), HasSubstr("请选择问题类别"));
  EXPECT_EQ(h_.Ticket(1).status, storage::TicketStatus::kResolved);
}

TEST_F(PushedQuestionTest, ButtonsAnswerOnPlatformsWithButtons) {
  // A Telegram reporter taps the push's button; a typed number works there too.
  h_.Report("user-1");
  h_.Say("受理 1", "staff-1");
  h_.Say("解决 1 已更换灯泡", "staff-1");
  auto pushes = h_.TakeOutbox();
  ASSERT_FALSE(pushes.empty());
  ASSERT_EQ(pushes.back().choices.size(), 3u);
  EXPECT_THAT(DialogHarness::Text(h_.Tap(pushes.back().choices[0].payload)), HasSubstr("#1 已关闭"));
  h_.Report("user-1");
  h_.Say("受理 2", "staff-1");
  h_.Say("解决 2 已更换灯泡", "staff-1");
  EXPECT_THAT(DialogHarness::Text(h_.Say("3")), HasSubstr("#2 已退回重办"));
}

TEST_F(PushedQuestionTest, AnExpiredQuestionIsNotOffered) {
  ReportAndResolve(1);
  h_.clock().Advance(std::chrono::hours(24 * h_.config().rating.auto_close_days + 1));
  EXPECT_FALSE(Pending().has_value());
  EXPECT_THAT(Say("1"), HasSubstr("请选择问题类别"));
}

TEST_F(PushedQuestionTest, EventsLeaveTheQuestionPending) {
  ReportAndResolve(1);
  InboundMessage in;
  in.conversation = {"wx", kOpenId, kOpenId, ChatType::kPrivate};
  in.kind = InboundKind::kEvent;
  in.event = EventKind::kLocation;
  h_.Send(in);
  EXPECT_TRUE(Pending().has_value());
  EXPECT_THAT(Say("1"), HasSubstr("#1 已关闭"));
}

}  // namespace
}  // namespace linli::dialogs::pushed_question_test
