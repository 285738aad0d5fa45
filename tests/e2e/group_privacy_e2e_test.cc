// Issue 8, done when: a Telegram group with a resident, a stranger and a staff member, through
// the real server and the fake Bot API. 关联 is refused in the group and no code is ever posted
// there; the resident reports privately; no message the bot sends to the group carries a room,
// unit, phone or the description; the stranger can neither see nor act on the resident's
// ticket; staff 进度 1 in the group shows only the public view.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "storage/ticket_store.h"
#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::group_privacy_e2e_test {
namespace {

constexpr int64_t kResident = 5550001;
constexpr int64_t kStranger = 5550002;
constexpr int64_t kStaff = 5550003;
constexpr int64_t kGroup = -1001234567890;
constexpr char kDescription[] = "301门口楼道灯坏了，电话13812345678";
constexpr char kInternalNote[] = "已联系业主 13912345678";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class GroupPrivacyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(h_.StartApp({}, [](config::Config& c) {
      c.channels[0].fields["bot_username"] = "linli_bot";
      c.staff.push_back({kChannel, std::to_string(kStaff), "王网格", "grid", "staff"});
    }));
  }

  // A text from `user` in the group, as Telegram sends it for a supergroup.
  int SayInGroup(int64_t user, const std::string& text) {
    json update{{"update_id", h_.NextUpdateId()},
                {"message",
                 {{"message_id", next_group_message_id_++},
                  {"from",
                   {{"id", user}, {"is_bot", false}, {"first_name", "邻居"}, {"language_code", "zh-hans"}}},
                  {"chat", {{"id", kGroup}, {"title", "幸福里3号楼"}, {"type", "supergroup"}}},
                  {"date", 1795568400},
                  {"text", text}}}};
    return h_.PostWebhook(update.dump()).status;
  }
  // The group's next message from the bot.
  std::string GroupReply(int64_t user, const std::string& text) {
    EXPECT_EQ(SayInGroup(user, text), 200);
    return h_.NextReplyText(kGroup);
  }
  std::string PrivateReply(int64_t user, const std::string& text) {
    EXPECT_EQ(h_.SendText(user, text), 200);
    return h_.NextReplyText(user);
  }

  Harness h_;
  int64_t next_group_message_id_ = 900000;
};

TEST_F(GroupPrivacyE2eTest, AGroupIsNoWayToAnyonesPersonalData) {
  // 关联 in the group: refused with the way to the private chat; no code.
  for (int64_t who : {kResident, kStranger}) {
    const std::string refused = GroupReply(who, "关联");
    EXPECT_TRUE(Contains(refused, "请私聊我办理")) << refused;
    EXPECT_TRUE(Contains(refused, "https://t.me/linli_bot?start=link")) << refused;
  }
  // Privately the resident gets a code (to be sure one exists and never reached the group).
  const std::string code_reply = PrivateReply(kResident, "关联");
  std::smatch code;
  ASSERT_TRUE(std::regex_search(code_reply, code, std::regex("[0-9]{8}"))) << code_reply;
  const std::string link_code = code.str();

  // The resident's report, privately (numbered answers, as on a platform without buttons).
  EXPECT_TRUE(Contains(PrivateReply(kResident, "报事"), "请选择问题类别"));
  EXPECT_TRUE(Contains(PrivateReply(kResident, "2"), "问题在哪里"));
  EXPECT_TRUE(Contains(PrivateReply(kResident, "4号楼3单元"), "请简单描述"));
  EXPECT_TRUE(Contains(PrivateReply(kResident, kDescription), "跳过"));
  const std::string confirm = PrivateReply(kResident, "跳过");
  EXPECT_TRUE(Contains(confirm, "楼道灯坏了")) << confirm;  // privately it is echoed
  const std::string created = PrivateReply(kResident, "1");
  EXPECT_TRUE(Contains(created, "#1")) << created;
  // The report flow in the group ends before its confirmation (which echoes the description).
  EXPECT_TRUE(Contains(GroupReply(kResident, "报事"), "请选择问题类别"));
  EXPECT_TRUE(Contains(GroupReply(kResident, "2"), "问题在哪里"));
  EXPECT_TRUE(Contains(GroupReply(kResident, "5号楼"), "请简单描述"));
  EXPECT_TRUE(Contains(GroupReply(kResident, "楼梯扶手松了"), "跳过"));
  EXPECT_TRUE(Contains(GroupReply(kResident, "跳过"), "请私聊我办理"));
  // So are the resident's own 进度 (list and one ticket) and 我的信息.
  for (const char* cmd : {"进度", "进度 1", "我的信息", "我的数据"}) {
    EXPECT_TRUE(Contains(GroupReply(kResident, cmd), "请私聊我办理")) << cmd;
  }

  // The stranger can neither see nor act on ticket 1.
  EXPECT_TRUE(Contains(GroupReply(kStranger, "进度 1"), "请私聊我办理"));
  EXPECT_TRUE(Contains(GroupReply(kStranger, "评价 1 满意"), "请私聊我办理"));
  EXPECT_TRUE(Contains(GroupReply(kStranger, "受理 1"), "只有工作人员"));
  EXPECT_TRUE(Contains(PrivateReply(kStranger, "进度 1"), "没有找到"));
  EXPECT_TRUE(Contains(PrivateReply(kStranger, "评价 1 满意"), "没有找到"));
  EXPECT_TRUE(Contains(PrivateReply(kStranger, "受理 1"), "只有工作人员"));

  // Staff: an internal note privately; 进度 1 in the group shows the public view only.
  EXPECT_EQ(h_.SendText(kStaff, std::string("备注 1 ") + kInternalNote), 200);
  h_.WaitForReplies(kStaff, 1);
  const std::string public_view = GroupReply(kStaff, "进度 1");
  EXPECT_TRUE(Contains(public_view, "#1")) << public_view;
  EXPECT_TRUE(Contains(public_view, "4号楼")) << public_view;
  EXPECT_TRUE(Contains(public_view, "待受理")) << public_view;
  const std::string full_view = PrivateReply(kStaff, "进度 1");
  EXPECT_TRUE(Contains(full_view, "4号楼3单元")) << full_view;
  EXPECT_TRUE(Contains(full_view, kInternalNote)) << full_view;
  // Staff work in the group: 受理 runs there.
  EXPECT_TRUE(Contains(GroupReply(kStaff, "受理 1"), "#1"));
  EXPECT_TRUE(h_.NoMoreReplies(kGroup));

  // Every message the fake Bot API received for the group chat.
  size_t group_messages = 0;
  for (const auto& r : h_.api().requests()) {
    if (!IsToChat(r, kGroup)) continue;
    ++group_messages;
    const std::string text = r.body.dump();  // text, buttons and all, as JSON (UTF-8 kept)
    for (const std::string& secret :
         // (not "2单元": the location prompt's example "3号楼2单元" is no one's home)
         {std::string("3单元"), std::string("301"), std::string("13812345678"),
          std::string("13912345678"), std::string("楼道灯"), std::string("已联系业主"), link_code}) {
      EXPECT_FALSE(Contains(text, secret)) << secret << " in " << text;
    }
    EXPECT_FALSE(std::regex_search(TextOf(r), std::regex("[0-9]{8}"))) << TextOf(r);
  }
  EXPECT_EQ(group_messages, 16u);  // one answer per message sent in the group

  h_.StopApp();
  auto db = h_.OpenDb();
  ASSERT_NE(db, nullptr);
  auto ticket = storage::TicketStore::FindByNumber(*db, 1);
  ASSERT_TRUE(ticket.ok() && ticket->has_value());
  EXPECT_EQ((*ticket)->status, storage::TicketStatus::kAccepted);  // by staff, not the stranger
  EXPECT_EQ((*ticket)->rating, "");  // never rated
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM tickets"), 1);  // none from the group
  // Only the resident's private request made a link code.
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM link_codes"), 1);
  // No dialog state for anyone in the group.
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM conversations WHERE key LIKE ?",
                      {storage::Value(std::string("%") + std::to_string(kGroup) + "%")}),
            0);
}

}  // namespace
}  // namespace linli::e2e::group_privacy_e2e_test
