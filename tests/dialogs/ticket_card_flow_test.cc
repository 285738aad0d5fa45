// Replies to new-ticket cards in a staff group (issue 11 point 3): the reply runs the declared
// ticket action on the card's ticket, with the tier authority table; non-staff are refused.
#include <gtest/gtest.h>

#include "domain/tickets/ticket_cards.h"
#include "storage/card_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs {
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

}  // namespace
}  // namespace linli::dialogs
