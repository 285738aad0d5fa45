// Issue 11 points 2-3, done when (new-ticket cards): through the real server on loopback and
// the fake Telegram Bot API, with a Telegram staff group configured for "tickets". A resident
// reports a problem with a photo -> within a second the card reaches the staff group (number,
// category, building and unit, the masked description, the photo marker - never the phone or
// a name) -> a grid worker replies 受理 to the card -> the card is edited and the resident is
// told privately. After 转办 (by reply) the ticket is the community's: the grid worker's next
// reply is refused by the tier table and changes nothing; a resident's reply in the group is
// refused too. The fake clock drives the service.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::ticket_card_e2e_test {
namespace {

constexpr int64_t kResident = 5560001;
constexpr int64_t kGrid = 5560003;
constexpr int64_t kCommunity = 5560004;
constexpr int64_t kNeighbour = 5560009;
constexpr int64_t kGroup = -1008888;
constexpr char kDescription[] = "楼道灯坏了，王网格说找物业，电话13812345678";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class TicketCardE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [](config::Config& c) {
      c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
      c.staff.push_back({kChannel, std::to_string(kCommunity), "李社区", "community", "staff"});
      config::GroupConfig g;
      g.name = "property";
      g.channel = kChannel;
      g.chat_id = std::to_string(kGroup);
      g.posts = {"tickets"};
      c.groups.push_back(g);
    }));
  }

  std::string Private(int64_t user, const std::string& text) {
    EXPECT_EQ(h_.SendText(user, text), 200);
    return h_.NextReplyText(user);
  }

  // A photo message in the resident's private chat (the report's photo step).
  int SendPhoto(int64_t user) {
    json update{{"update_id", h_.NextUpdateId()},
                {"message",
                 {{"message_id", 700001},
                  {"from", {{"id", user}, {"is_bot", false}, {"first_name", "小张"}}},
                  {"chat", {{"id", user}, {"first_name", "小张"}, {"type", "private"}}},
                  {"date", 1795568400},
                  {"photo",
                   json::array({{{"file_id", "AgACphoto-small"}, {"file_unique_id", "s"},
                                 {"width", 90}, {"height", 90}},
                                {{"file_id", "AgACphoto-large"}, {"file_unique_id", "l"},
                                 {"width", 1280}, {"height", 960}}})}}}};
    return h_.PostWebhook(update.dump()).status;
  }

  // A message in the staff group, replying to the bot's message `reply_to` (0: none).
  json GroupReply(int64_t user, const std::string& text, int64_t reply_to) {
    json msg{{"message_id", next_group_message_id_++},
             {"from", {{"id", user}, {"is_bot", false}, {"first_name", "同事"}}},
             {"chat", {{"id", kGroup}, {"title", "物业工作群"}, {"type", "supergroup"}}},
             {"date", 1795568400},
             {"text", text}};
    if (reply_to > 0) {
      msg["reply_to_message"] = {{"message_id", reply_to},
                                 {"from", {{"id", 123}, {"is_bot", true}, {"first_name", "Linli"}}},
                                 {"chat", {{"id", kGroup}, {"type", "supergroup"}}},
                                 {"date", 1795568400},
                                 {"text", "【工单】"}};
    }
    return json{{"update_id", h_.NextUpdateId()}, {"message", msg}};
  }
  // Replies `text` to the card and returns the bot's answer in the group.
  std::string ReplyToCard(int64_t user, const std::string& text, int64_t card) {
    EXPECT_EQ(h_.PostWebhook(GroupReply(user, text, card).dump()).status, 200);
    return h_.NextReplyText(kGroup);
  }

  std::string Query(const std::string& sql) {
    auto db = h_.OpenDb();
    auto rows = db->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : "";
  }

  // The card's Telegram message id, as the outbox recorded it after the send.
  int64_t CardMessageId(int64_t number) {
    auto db = h_.OpenDb();
    const std::string sql =
        "SELECT COALESCE(MAX(CAST(platform_message_id AS INTEGER)), 0) FROM card_refs WHERE "
        "kind = 'ticket' AND ref = '" + std::to_string(number) + "'";
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    int64_t id = 0;
    while ((id = CountRows(*db, sql)) <= 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return id;
  }

  testing::FakeClock clock_;
  Harness h_;
  int64_t next_group_message_id_ = 920000;
};

TEST_F(TicketCardE2eTest, CardReachesTheGroupAndAReplyActsOnIt) {
  // The resident reports, with a photo.
  EXPECT_TRUE(Contains(Private(kResident, "报事"), "请选择问题类别"));
  EXPECT_TRUE(Contains(Private(kResident, "2"), "问题在哪里"));
  EXPECT_TRUE(Contains(Private(kResident, "3号楼2单元"), "请简单描述"));
  EXPECT_TRUE(Contains(Private(kResident, kDescription), "跳过"));
  ASSERT_EQ(SendPhoto(kResident), 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "3号楼2单元"));  // the confirmation
  const auto confirmed_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(Contains(Private(kResident, "1"), "#1"));

  // The card in the staff group, within a second of the report.
  auto card = h_.WaitForReplies(kGroup, 1, 1000ms);
  ASSERT_EQ(card.size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - confirmed_at, 1000ms);
  const std::string text = TextOf(card[0]);
  EXPECT_TRUE(Contains(text, "工单 #1")) << text;
  EXPECT_TRUE(Contains(text, "设施维修")) << text;
  EXPECT_TRUE(Contains(text, "3号楼2单元")) << text;  // staff groups may see the unit
  EXPECT_TRUE(Contains(text, "楼道灯坏了")) << text;
  EXPECT_TRUE(Contains(text, "照片：有")) << text;
  EXPECT_TRUE(Contains(text, "待受理")) << text;
  EXPECT_TRUE(Contains(text, "回复本消息")) << text;
  for (const char* secret : {"13812345678", "王网格", "小张", "AgACphoto", "5560001"}) {
    EXPECT_FALSE(Contains(text, secret)) << secret << " in: " << text;
  }
  const int64_t card_id = CardMessageId(1);
  ASSERT_GT(card_id, 0);

  // A grid worker replies 受理 to the card: accepted, the card edited, the resident told.
  const std::string accepted = ReplyToCard(kGrid, "受理", card_id);
  EXPECT_TRUE(Contains(accepted, "#1")) << accepted;
  EXPECT_EQ(Query("SELECT status FROM tickets WHERE number = 1"), "accepted");
  auto edits = h_.WaitForCalls("editMessageText", 1);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].body["message_id"], card_id);
  EXPECT_TRUE(IsToChat(edits[0], kGroup));
  EXPECT_TRUE(Contains(TextOf(edits[0]), "已受理")) << TextOf(edits[0]);
  EXPECT_FALSE(Contains(TextOf(edits[0]), "13812345678"));
  const std::string told = h_.NextReplyText(kResident);
  EXPECT_TRUE(Contains(told, "#1")) << told;
  EXPECT_TRUE(Contains(told, "已受理")) << told;

  // 转办 by reply: the ticket is the community's now (the card edited again).
  const std::string escalated = ReplyToCard(kGrid, "转办 需要社区协调", card_id);
  EXPECT_TRUE(Contains(escalated, "#1")) << escalated;
  EXPECT_EQ(Query("SELECT tier FROM tickets WHERE number = 1"), "community");
  ASSERT_EQ(h_.WaitForCalls("editMessageText", 2).size(), 2u);
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "#1"));  // told of the transfer

  // The grid worker's next reply is refused by the tier table and changes nothing.
  const std::string refused = ReplyToCard(kGrid, "解决 已修好", card_id);
  EXPECT_TRUE(Contains(refused, "超出您的权限")) << refused;
  EXPECT_EQ(Query("SELECT status FROM tickets WHERE number = 1"), "escalated");
  // A neighbour in the group is refused as well.
  const std::string denied = ReplyToCard(kNeighbour, "受理", card_id);
  EXPECT_TRUE(Contains(denied, "只有工作人员")) << denied;
  EXPECT_EQ(Query("SELECT status FROM tickets WHERE number = 1"), "escalated");
  EXPECT_TRUE(h_.NoMoreReplies(kResident));
  EXPECT_EQ(h_.api().requests("editMessageText").size(), 2u);

  // Community staff may act: 受理 from them is accepted.
  const std::string ok = ReplyToCard(kCommunity, "受理", card_id);
  EXPECT_TRUE(Contains(ok, "#1")) << ok;
  EXPECT_EQ(Query("SELECT status FROM tickets WHERE number = 1"), "accepted");

  // 工单 1 in the group: the whole ticket as the card shows it, with the history.
  EXPECT_EQ(h_.PostWebhook(GroupReply(kGrid, "工单 1", 0).dump()).status, 200);
  const std::string view = h_.NextReplyText(kGroup);
  EXPECT_TRUE(Contains(view, "楼道灯坏了")) << view;
  EXPECT_TRUE(Contains(view, "照片：有")) << view;
  EXPECT_FALSE(Contains(view, "13812345678")) << view;
  EXPECT_FALSE(Contains(view, "AgACphoto")) << view;
}

}  // namespace
}  // namespace linli::e2e::ticket_card_e2e_test
