// New-ticket and escalation cards routed to staff groups (issue 11 points 2 and 3).
#include "domain/tickets/ticket_cards.h"

#include <gtest/gtest.h>

#include "domain/common/masking.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::ticket_cards_test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The pure rendering: what a card shows and what it never shows.
class RenderTicketCardTest : public ::testing::Test {
 protected:
  RenderTicketCardTest() {
    auto texts = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales",
                                     {"zh-CN", "en"});
    EXPECT_TRUE(texts.ok()) << texts.status().ToString();
    texts_ = std::move(texts).value();
    ticket_.number = 42;
    ticket_.category = "repair";
    ticket_.building = "3";
    ticket_.unit = "2";
    ticket_.location_text = "3号楼2单元301";
    ticket_.description = "水管漏了，我是张三，电话13812345678";
    ticket_.photo_ref = "AgACfile-id";
    ticket_.status = storage::TicketStatus::kNew;
    ticket_.tier = storage::Tier::kCompound;
  }
  config::Texts texts_;
  storage::Ticket ticket_;
};

TEST_F(RenderTicketCardTest, ShowsNumberCategoryUnitMaskedTextPhotoMarkerAndReplyHint) {
  config::Config c = DemoConfig();
  domain::TicketCard card;
  card.location = domain::CardLocation(c, "zh-CN", ticket_);
  card.description = domain::MaskFreeText(ticket_.description, {"张三"}).text;
  card.photo_ref = ticket_.photo_ref;
  const std::string text = domain::RenderTicketCard(texts_, "zh-CN", ticket_, card, true);
  EXPECT_TRUE(Has(text, "工单 #42")) << text;
  EXPECT_TRUE(Has(text, "设施维修")) << text;
  EXPECT_TRUE(Has(text, "3号楼2单元")) << text;
  EXPECT_FALSE(Has(text, "301")) << text;  // never the room
  EXPECT_TRUE(Has(text, "水管漏了")) << text;
  EXPECT_FALSE(Has(text, "13812345678")) << text;
  EXPECT_FALSE(Has(text, "张三")) << text;
  EXPECT_TRUE(Has(text, "照片：有")) << text;
  EXPECT_FALSE(Has(text, "AgACfile-id")) << text;  // the marker, not the platform id
  EXPECT_TRUE(Has(text, "待受理")) << text;
  EXPECT_TRUE(Has(text, "回复本消息")) << text;
}

TEST_F(RenderTicketCardTest, RobotCardsTellTheCommandWithTheNumber) {
  domain::TicketCard card;
  card.location = "3号楼";
  const std::string text = domain::RenderTicketCard(texts_, "zh-CN", ticket_, card, false);
  EXPECT_FALSE(Has(text, "回复本消息")) << text;
  EXPECT_TRUE(Has(text, "受理 42")) << text;
  EXPECT_TRUE(Has(text, "照片：无")) << text;
  const std::string en = domain::RenderTicketCard(texts_, "en", ticket_, card, false);
  EXPECT_TRUE(Has(en, "Ticket #42")) << en;
  EXPECT_TRUE(Has(en, "/accept 42")) << en;
}

TEST_F(RenderTicketCardTest, ARobotCardWithAPhotoSaysItFollowsNotACommandNobodyCanSend) {
  domain::TicketCard card;
  card.location = "3号楼";
  card.photo_ref = ticket_.photo_ref;
  const std::string robot = domain::RenderTicketCard(texts_, "zh-CN", ticket_, card, false);
  EXPECT_TRUE(Has(robot, "照片：有（随后发送")) << robot;
  EXPECT_FALSE(Has(robot, "发送“工单 42”查看")) << robot;  // a robot group cannot send it
  const std::string chat = domain::RenderTicketCard(texts_, "zh-CN", ticket_, card, true);
  EXPECT_TRUE(Has(chat, "发送“工单 42”查看")) << chat;
  const std::string en = domain::RenderTicketCard(texts_, "en", ticket_, card, false);
  EXPECT_TRUE(Has(en, "yes (sent next")) << en;
}

TEST_F(RenderTicketCardTest, PlaceTicketsShowTheConfiguredPlaceOnly) {
  config::Config c = DemoConfig();
  c.compound.places.push_back({"south_gate", "南门"});
  storage::Ticket t = ticket_;
  t.building.clear();
  t.unit.clear();
  t.location_text = "南门";
  EXPECT_EQ(domain::CardLocation(c, "zh-CN", t), "南门");
  t.location_text = "张三家门口";  // not a configured place: never shown
  EXPECT_EQ(domain::CardLocation(c, "zh-CN", t), "-");
}

TEST(TicketCardRoutingTest, GroupsTakeByCategoryBuildingAndTier) {
  config::GroupConfig g;
  g.posts = {"tickets"};
  g.categories = {"repair"};
  g.buildings = {"3"};
  storage::Ticket t;
  t.category = "repair";
  t.building = "3";
  t.tier = storage::Tier::kCommunity;
  EXPECT_TRUE(domain::TakesTicketCard(g, t));
  EXPECT_FALSE(domain::TakesEscalationCard(g, t));  // posts no escalations
  t.category = "noise";
  EXPECT_FALSE(domain::TakesTicketCard(g, t));
  t.category = "repair";
  t.building = "4";
  EXPECT_FALSE(domain::TakesTicketCard(g, t));
  config::GroupConfig e;
  e.posts = {"escalations"};
  e.tiers = {"street"};
  EXPECT_FALSE(domain::TakesEscalationCard(e, t));
  t.tier = storage::Tier::kStreet;
  EXPECT_TRUE(domain::TakesEscalationCard(e, t));
  EXPECT_FALSE(domain::TakesTicketCard(e, t));
}

TEST(TicketCardRoutingTest, RobotChannelsAreSendOnly) {
  config::Config c;
  config::ChannelConfig tg;
  tg.name = "tg";
  tg.type = "telegram";
  config::ChannelConfig robot;
  robot.name = "street_robot";
  robot.type = "wecom_robot";
  c.channels = {tg, robot};
  EXPECT_FALSE(domain::SendOnlyChannel(c, "tg"));
  EXPECT_TRUE(domain::SendOnlyChannel(c, "street_robot"));
  EXPECT_TRUE(domain::SendOnlyChannel(c, "unknown"));
}

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
    EXPECT_EQ(m.to.chat_type, ChatType::kGroup);
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
    if (m.to.chat_type == ChatType::kGroup && m.card_kind.empty()) {
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
}  // namespace linli::dialogs::ticket_cards_test
