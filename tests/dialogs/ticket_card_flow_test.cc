// Replies to new-ticket cards in a staff group (issue 11 point 3): the reply runs the declared
// ticket action on the card's ticket, with the tier authority table; non-staff are refused.
#include <gtest/gtest.h>

#include "domain/tickets/ticket_cards.h"
#include "storage/card_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::ticket_card_flow_test {
namespace {

constexpr const char* kStaffGroup = "-100777";

config::Config CardConfig() {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "staff-2", "李社区", "community", "staff"});
  config::GroupConfig g;
  g.name = "staff";
  g.channel = "tg";
  g.chat_id = kStaffGroup;
  g.posts = {"tickets", "escalations"};
  c.groups.push_back(g);
  return c;
}

class TicketCardFlowTest : public ::testing::Test {
 protected:
  TicketCardFlowTest() : h_(CardConfig()) {}

  // Files a report and records its card as sent with platform message id "900".
  int64_t ReportWithCard() {
    const int64_t n = h_.Report();
    EXPECT_TRUE(storage::CardStore::Record(
                    h_.db(), {"tg", kStaffGroup, "900", domain::kTicketCardKind, std::to_string(n), 1})
                    .ok());
    h_.TakeOutbox();
    return n;
  }
  std::vector<OutboundMessage> ReplyToCard(const std::string& user, const std::string& text,
                                           const std::string& card = "900") {
    InboundMessage in;
    in.conversation = {"tg", user, kStaffGroup, ChatType::kGroup};
    in.text = text;
    in.reply_to = card;
    return h_.Send(in);
  }

  DialogHarness h_;
};

TEST_F(TicketCardFlowTest, ReplyAcceptRunsTheActionAndUpdatesTheCard) {
  const int64_t n = ReportWithCard();
  auto replies = ReplyToCard("staff-1", "受理");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kAccepted);
  EXPECT_NE(DialogHarness::Text(replies).find("#" + std::to_string(n)), std::string::npos)
      << DialogHarness::Text(replies);
  bool edited = false;
  bool resident_told = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.chat_id == kStaffGroup && m.edit_of == "900") {
      edited = true;
      EXPECT_NE(m.text.find("已受理"), std::string::npos) << m.text;
      EXPECT_FALSE(m.follow_up.empty());
    }
    if (m.to.user_id == "user-1") resident_told = true;
  }
  EXPECT_TRUE(edited);
  EXPECT_TRUE(resident_told);
}

TEST_F(TicketCardFlowTest, ReplyWithArgumentsAndEnglishWords) {
  const int64_t n = ReportWithCard();
  ReplyToCard("staff-1", "/begin");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kInProgress);
  ReplyToCard("staff-1", "解决 已更换灯泡");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kResolved);
}

TEST_F(TicketCardFlowTest, ResolveWithoutTextGetsTheUsageAndChangesNothing) {
  const int64_t n = ReportWithCard();
  auto replies = ReplyToCard("staff-1", "解决");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kNew);
  EXPECT_FALSE(replies.empty());
}

TEST_F(TicketCardFlowTest, NonStaffIsRefusedAndNothingChanges) {
  const int64_t n = ReportWithCard();
  auto replies = ReplyToCard("neighbour-9", "受理");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kNew);
  ASSERT_FALSE(replies.empty());
  EXPECT_NE(DialogHarness::Text(replies).find(h_.deps().texts.Get("zh-CN", "staff.denied")),
            std::string::npos)
      << DialogHarness::Text(replies);
  for (const auto& m : h_.TakeOutbox()) EXPECT_NE(m.edit_of, "900") << m.text;
}

TEST_F(TicketCardFlowTest, WrongTierIsRefusedByTheAuthorityTable) {
  const int64_t n = ReportWithCard();
  ReplyToCard("staff-1", "转办 需要社区协调");
  ASSERT_EQ(h_.Ticket(n).tier, storage::Tier::kCommunity);
  ASSERT_EQ(h_.Ticket(n).status, storage::TicketStatus::kEscalated);
  // The escalation card went to the group.
  bool escalation_card = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.chat_id == kStaffGroup && m.edit_of.empty() && m.card_kind == "ticket") {
      escalation_card = true;
      EXPECT_EQ(m.text.find("需要社区协调"), std::string::npos) << m.text;  // internal reason
    }
  }
  EXPECT_TRUE(escalation_card);
  // The grid worker may no longer act on it.
  auto refused = ReplyToCard("staff-1", "受理");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kEscalated);
  EXPECT_NE(DialogHarness::Text(refused).find(
                "超出您的权限"),
            std::string::npos)
      << DialogHarness::Text(refused);
  // Community staff may.
  ReplyToCard("staff-2", "受理");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kAccepted);
}

TEST_F(TicketCardFlowTest, ChatterOnTheCardChangesNothing) {
  const int64_t n = ReportWithCard();
  auto replies = ReplyToCard("neighbour-9", "谢谢");
  EXPECT_TRUE(replies.empty());
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kNew);
}

TEST_F(TicketCardFlowTest, BeginDeferAndEscalateWordsOnTheCard) {
  const int64_t n = ReportWithCard();
  ReplyToCard("staff-1", "处理中");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kInProgress);
  ReplyToCard("staff-1", "暂缓 等配件|下周更换|2030-01-15");
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kDeferred);
  EXPECT_EQ(h_.Ticket(n).deferred_until, "2030-01-15");
  ReplyToCard("staff-1", "/accept@linli_bot");  // not from 暂缓: refused, nothing changes
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kDeferred);
}

TEST_F(TicketCardFlowTest, StaffGetTheHintForOtherWordsAndTheTicketForTheViewWord) {
  const int64_t n = ReportWithCard();
  auto hint = ReplyToCard("staff-1", "这个谁去看看");
  EXPECT_NE(DialogHarness::Text(hint).find(h_.deps().texts.Get("zh-CN", "ticket.card_unknown")),
            std::string::npos)
      << DialogHarness::Text(hint);
  auto view = ReplyToCard("staff-1", "工单");
  const std::string text = DialogHarness::Text(view);
  EXPECT_NE(text.find("#" + std::to_string(n)), std::string::npos) << text;
  EXPECT_NE(text.find("楼道灯坏了"), std::string::npos) << text;
  EXPECT_EQ(h_.Ticket(n).status, storage::TicketStatus::kNew);
}

// Staff 工单 N / 进度 N in the staff group: the whole ticket - description (masked), the photo
// marker, the history - but not the room, the reporter or the platform file id.
TEST_F(TicketCardFlowTest, WholeTicketInTheStaffGroup) {
  for (const std::string& s : {std::string("报事"), std::string("2"), std::string("3号楼2单元301"),
                              std::string("水管漏了，电话13812345678")}) {
    h_.Say(s, "user-3");
  }
  InboundMessage photo;
  photo.conversation = DialogHarness::Conversation("user-3");
  photo.attachments.push_back({Attachment::Kind::kPhoto, "AgACfile-9"});
  h_.Send(photo);
  h_.Say("1", "user-3");
  const int64_t n = h_.Ticket(1).number;
  ASSERT_EQ(h_.Ticket(n).photo_ref, "AgACfile-9");
  ReplyToCard("staff-1", "受理 " + std::to_string(n), "none");  // a plain command in the group
  for (const std::string& cmd : {"工单 " + std::to_string(n), "进度 " + std::to_string(n)}) {
    InboundMessage in;
    in.conversation = {"tg", "staff-1", kStaffGroup, ChatType::kGroup};
    in.text = cmd;
    const std::string text = DialogHarness::Text(h_.Send(in));
    EXPECT_NE(text.find("水管漏了"), std::string::npos) << cmd << ": " << text;
    EXPECT_NE(text.find("3号楼2单元"), std::string::npos) << text;
    EXPECT_NE(text.find(h_.deps().texts.Get("zh-CN", "ticket.status.accepted")), std::string::npos)
        << text;
    EXPECT_NE(text.find("照片：有"), std::string::npos) << text;
    for (const char* secret : {"13812345678", "301", "AgACfile-9", "user-3", "王网格"}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in: " << text;
    }
  }
}

}  // namespace
}  // namespace linli::dialogs::ticket_card_flow_test
