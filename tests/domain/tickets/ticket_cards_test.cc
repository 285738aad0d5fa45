// New-ticket and escalation cards routed to staff groups (issue 11 points 2 and 3).
#include <gtest/gtest.h>

#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs {
namespace {

config::GroupConfig Group(const std::string& chat, std::vector<std::string> posts) {
  config::GroupConfig g;
  g.name = chat;
  g.channel = chat == "robot" ? "wecom_robot" : "tg";
  g.chat_id = chat;
  g.posts = std::move(posts);
  return g;
}

config::Config RoutedConfig() {
  config::Config c = DemoConfig();
  c.groups.push_back(Group("all", {"tickets"}));
  auto b1 = Group("b1", {"tickets"});
  b1.buildings = {"1"};
  c.groups.push_back(b1);
  auto noise = Group("noise", {"tickets"});
  noise.categories = {"noise"};
  c.groups.push_back(noise);
  auto repair = Group("repair", {"tickets"});
  repair.categories = {c.categories.at(1)};  // the report's category (menu 2)
  c.groups.push_back(repair);
  c.groups.push_back(Group("robot", {"tickets"}));
  c.groups.push_back(Group("wishes", {"wishes"}));
  auto street = Group("street", {"escalations"});
  street.tiers = {"street"};
  c.groups.push_back(street);
  auto community = Group("community", {"escalations"});
  community.tiers = {"community"};
  c.groups.push_back(community);
  return c;
}

std::vector<std::string> CardChats(const std::vector<OutboundMessage>& msgs) {
  std::vector<std::string> chats;
  for (const auto& m : msgs) {
    if (m.card_kind == "ticket") chats.push_back(m.to.chat_id);
  }
  return chats;
}

TEST(TicketCardsTest, NewTicketCardGoesToEveryMatchingGroupOnly) {
  DialogHarness h(RoutedConfig());
  const int64_t n = h.Report("user-1", "2", "3号楼2单元");
  auto out = h.TakeOutbox();
  EXPECT_EQ(CardChats(out), (std::vector<std::string>{"all", "repair", "robot"}));
  for (const auto& m : out) {
    if (m.card_kind != "ticket") continue;
    EXPECT_EQ(m.card_ref, std::to_string(n));
    EXPECT_EQ(m.to.type, ChatType::kGroup);
    EXPECT_NE(m.text.find("#" + std::to_string(n)), std::string::npos) << m.text;
    EXPECT_NE(m.text.find("3号楼2单元"), std::string::npos) << m.text;  // staff see the unit
    EXPECT_NE(m.text.find("楼道灯坏了"), std::string::npos) << m.text;
    EXPECT_NE(m.text.find("受理"), std::string::npos) << m.text;
  }
}

TEST(TicketCardsTest, CardMasksPhoneAndKnownNamesInTheDescription) {
  DialogHarness h(RoutedConfig());
  for (const std::string& s : {std::string("报事"), std::string("2"), std::string("1号楼1单元"),
                              std::string("王网格说水管漏了，打13812345678"),
                              std::string("跳过"), std::string("1")}) {
    h.Say(s, "user-7");
  }
  auto out = h.TakeOutbox();
  const auto chats = CardChats(out);
  EXPECT_EQ(chats, (std::vector<std::string>{"all", "b1", "repair", "robot"}));
  for (const auto& m : out) {
    if (m.card_kind != "ticket") continue;
    EXPECT_EQ(m.text.find("13812345678"), std::string::npos) << m.text;
    EXPECT_EQ(m.text.find("王网格"), std::string::npos) << m.text;
    EXPECT_NE(m.text.find("水管漏了"), std::string::npos) << m.text;
  }
}

TEST(TicketCardsTest, EscalationCardGoesToGroupsOfTheNewTier) {
  DialogHarness h(RoutedConfig());
  const int64_t n = h.Report();
  h.TakeOutbox();
  h.Say("转办 " + std::to_string(n) + " 需要社区", "staff-1");
  auto out = h.TakeOutbox();
  std::vector<std::string> escalation;
  for (const auto& m : out) {
    if (m.card_kind == "ticket") escalation.push_back(m.to.chat_id);
  }
  EXPECT_EQ(escalation, (std::vector<std::string>{"community"}));
  // The new-ticket groups got the card update (a short line: no card was recorded as sent).
  int updates = 0;
  for (const auto& m : out) {
    if (m.to.type == ChatType::kGroup && m.card_kind.empty()) {
      ++updates;
      EXPECT_NE(m.text.find("#" + std::to_string(n)), std::string::npos) << m.text;
    }
  }
  EXPECT_EQ(updates, 3);  // all, repair, robot
}

TEST(TicketCardsTest, NoGroupsNoCards) {
  DialogHarness h;
  h.Report();
  EXPECT_TRUE(CardChats(h.TakeOutbox()).empty());
}

}  // namespace
}  // namespace linli::dialogs
