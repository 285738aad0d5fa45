#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/people/invite_code.h"
#include "domain/people/roles.h"
#include "domain/people/roster_import.h"
#include "storage/identity_store.h"
#include "storage/roster_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::bind_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kRoster =
    "building,unit,room,area_m2,owner_name,phone\n"
    "3,2,301,98.5,张三,13812341234\n"
    "3,2,302,88,李四,13900001111\n";

InboundMessage From(const std::string& channel, const std::string& user, const std::string& text) {
  InboundMessage in;
  in.conversation = {channel, user, user, ChatType::kPrivate};
  in.text = text;
  return in;
}

class BindFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = domain::ImportRoster(h_.db(), kRoster, DemoConfig().compound, false, 1000);
    ASSERT_TRUE(r.ok() && r->errors.empty());
    auto codes = storage::RosterStore::EnsureCodes(h_.db(), "", 1000, domain::DrawInviteCode);
    ASSERT_TRUE(codes.ok());
    for (const auto& c : *codes) code_[c.household.room] = c.code;
  }

  int64_t PersonOf(const std::string& channel, const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(h_.db(), channel, user);
    EXPECT_TRUE(id.ok() && id->has_value());
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  std::vector<storage::Binding> BindingsOf(const std::string& channel, const std::string& user) {
    auto b = storage::RosterStore::BindingsOf(h_.db(), PersonOf(channel, user));
    EXPECT_TRUE(b.ok());
    return b.ok() ? *b : std::vector<storage::Binding>{};
  }
  int64_t Count(const std::string& sql) {
    auto rows = h_.db().Query(sql);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }
  // A code no household has.
  std::string WrongCode() const {
    return code_.at("301") == "ZZZZZZZZ" || code_.at("302") == "ZZZZZZZZ" ? "YYYYYYYY" : "ZZZZZZZZ";
  }

  DialogHarness h_;
  std::map<std::string, std::string> code_;  // room -> invite code
};

TEST_F(BindFlowTest, ResidentBindsWithACodeOnce) {
  std::string reply = DialogHarness::Text(h_.Say("绑定 " + code_["301"]));
  EXPECT_THAT(reply, HasSubstr("绑定成功：3号楼2单元301室"));
  // Never the owner's name or phone.
  EXPECT_THAT(reply, Not(HasSubstr("张")));
  EXPECT_THAT(reply, Not(HasSubstr("1234")));
  auto bindings = BindingsOf("tg", "user-1");
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].household.room, "301");
  EXPECT_EQ(bindings[0].bound_by_person_id, 0);  // self
  auto verified = storage::RosterStore::IsVerified(h_.db(), PersonOf("tg", "user-1"));
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(*verified);

  // The code is used up: a second person cannot use it.
  reply = DialogHarness::Text(h_.Say("/bind " + code_["301"], "user-2"));
  EXPECT_THAT(reply, HasSubstr("无效或已被使用"));
  EXPECT_TRUE(BindingsOf("tg", "user-2").empty());
  auto unverified = storage::RosterStore::IsVerified(h_.db(), PersonOf("tg", "user-2"));
  ASSERT_TRUE(unverified.ok());
  EXPECT_FALSE(*unverified);
}

TEST_F(BindFlowTest, LowercaseAndEnglish) {
  InboundMessage in = From("tg", "user-1", "bind " + code_["302"]);
  in.language = "en";
  std::string lower = in.text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  in.text = lower;
  EXPECT_THAT(DialogHarness::Text(h_.Send(in)), HasSubstr("Bound: Building 3, unit 2, room 302"));
}

TEST_F(BindFlowTest, UsageAndBadFormatChangeNothing) {
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定")), HasSubstr("邀请码"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 12345")), HasSubstr("8 位字母和数字"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_households"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bind_failures"), 0);  // a typo is not a guess
}

TEST_F(BindFlowTest, AlreadyBoundKeepsTheSecondCode) {
  h_.Say("绑定 " + code_["301"]);
  auto again = storage::RosterStore::EnsureCodes(h_.db(), "3", 2000, domain::DrawInviteCode);
  ASSERT_TRUE(again.ok());
  std::string fresh;
  for (const auto& c : *again) {
    if (c.household.room == "301") fresh = c.code;
  }
  ASSERT_FALSE(fresh.empty());
  EXPECT_NE(fresh, code_["301"]);  // the used code was replaced by a new one
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + fresh)), HasSubstr("已绑定 3号楼2单元301室"));
  // Still unused: a family member can take it.
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + fresh, "user-2")), HasSubstr("绑定成功"));
}

TEST_F(BindFlowTest, GuessingIsLimited) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + WrongCode(), "attacker")), HasSubstr("无效"));
  }
  // Even the right code is refused now, and it stays usable for its household.
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + code_["301"], "attacker")), HasSubstr("次数过多"));
  EXPECT_TRUE(BindingsOf("tg", "attacker").empty());
  // Another identity is not affected.
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + code_["301"], "user-1")), HasSubstr("绑定成功"));
  // An hour later the attacker may try again.
  h_.clock().Advance(std::chrono::minutes(61));
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + code_["302"], "attacker")), HasSubstr("绑定成功"));
}

TEST_F(BindFlowTest, UnbindOneAndSeveral) {
  EXPECT_THAT(DialogHarness::Text(h_.Say("解绑")), HasSubstr("还没有绑定"));
  h_.Say("绑定 " + code_["301"]);
  EXPECT_THAT(DialogHarness::Text(h_.Say("解绑")), HasSubstr("已解除与 3号楼2单元301室 的绑定"));
  EXPECT_TRUE(BindingsOf("tg", "user-1").empty());

  // Two households: the user picks one by number.
  auto codes = storage::RosterStore::EnsureCodes(h_.db(), "", 3000, domain::DrawInviteCode);
  ASSERT_TRUE(codes.ok());
  for (const auto& c : *codes) h_.Say("绑定 " + c.code);
  ASSERT_EQ(BindingsOf("tg", "user-1").size(), 2u);
  std::string reply = DialogHarness::Text(h_.Say("/unbind"));
  EXPECT_THAT(reply, HasSubstr("1. 3号楼2单元"));
  EXPECT_THAT(reply, HasSubstr("2. 3号楼2单元"));
  EXPECT_EQ(BindingsOf("tg", "user-1").size(), 2u);  // nothing removed without a choice
  const std::string second = BindingsOf("tg", "user-1")[1].household.room;
  EXPECT_THAT(DialogHarness::Text(h_.Say("解绑 2")), HasSubstr(second + "室 的绑定"));
  auto left = BindingsOf("tg", "user-1");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].household.room, second);
}

TEST_F(BindFlowTest, StaffBindsForAnElderlyResident) {
  h_.Say("你好", "grandma");  // she has written to the bot once (her family helped)
  h_.Say("你好", "staff-1");  // config staff (DemoConfig)
  std::string reply =
      DialogHarness::Text(h_.Say("代绑 " + code_["302"] + " tg:grandma", "staff-1"));
  EXPECT_THAT(reply, HasSubstr("已为 tg:grandma 绑定 3号楼2单元302室"));
  auto bindings = BindingsOf("tg", "grandma");
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].bound_by_person_id, PersonOf("tg", "staff-1"));  // who acted for whom
  auto code = h_.db().Query("SELECT used_by_person_id FROM invite_codes WHERE code = ?", {code_["302"]});
  ASSERT_TRUE(code.ok() && !code->empty());
  EXPECT_EQ((*code)[0].Int(0), PersonOf("tg", "grandma"));
  // She is told, through the outbox, on her channel.
  auto notice = h_.db().Query("SELECT user_id, payload FROM outbox");
  ASSERT_TRUE(notice.ok());
  ASSERT_EQ(notice->size(), 1u);
  EXPECT_EQ((*notice)[0].Text(0), "grandma");
  EXPECT_THAT((*notice)[0].Text(1), HasSubstr("工作人员已为您绑定房屋：3号楼2单元302室"));
  // And /me shows it was done for her.
  EXPECT_THAT(DialogHarness::Text(h_.Say("我的信息", "grandma")), HasSubstr("3号楼2单元302室（工作人员代绑）"));
}

// Regression (issue 8, personal data into groups): 代绑's notice "已为您绑定房屋：…" went to the
// resident's last conversation, which may be a group; and 代绑 typed in a group posted the room.
TEST_F(BindFlowTest, BindForNoticeGoesToThePrivateChatOnly) {
  InboundMessage in_group = From("tg", "grandma", "你好");
  in_group.conversation.chat_id = "-100777";
  in_group.conversation.chat_type = ChatType::kGroup;
  h_.Send(in_group);  // she last wrote in the building's group
  h_.Say("你好", "staff-1");
  InboundMessage staff_group = From("tg", "staff-1", "代绑 " + code_["302"] + " tg:grandma");
  staff_group.conversation.chat_id = "-100777";
  staff_group.conversation.chat_type = ChatType::kGroup;
  const std::string refused = DialogHarness::Text(h_.Send(staff_group));
  EXPECT_THAT(refused, HasSubstr("请私聊"));
  EXPECT_THAT(refused, Not(HasSubstr("302")));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_households"), 0);

  h_.Say("代绑 " + code_["302"] + " tg:grandma", "staff-1");  // privately: bound
  ASSERT_EQ(BindingsOf("tg", "grandma").size(), 1u);
  auto outbox = h_.Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_THAT(outbox[0].text, HasSubstr("3号楼2单元302室"));
  EXPECT_EQ(outbox[0].to.chat_type, ChatType::kPrivate);
  EXPECT_EQ(outbox[0].to.chat_id, "grandma");
  EXPECT_EQ(outbox[0].to.user_id, "grandma");
}

TEST_F(BindFlowTest, ResidentCannotBindForOthers) {
  h_.Say("你好", "grandma");
  const std::string reply =
      DialogHarness::Text(h_.Say("/bindfor " + code_["302"] + " tg:grandma", "user-1"));
  EXPECT_THAT(reply, HasSubstr("只有工作人员可以代绑"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_households"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invite_codes WHERE used_at IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bind_failures"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), 0);
  // The code still works for its household.
  EXPECT_THAT(DialogHarness::Text(h_.Say("绑定 " + code_["302"], "grandma")), HasSubstr("绑定成功"));
}

TEST_F(BindFlowTest, DatabaseStaffRoleIsEnoughAndBadInputIsExplained) {
  h_.Say("你好", "tg-property");
  ASSERT_TRUE(storage::IdentityStore::SetRole(h_.db(), PersonOf("tg", "tg-property"), "staff", "property").ok());
  EXPECT_THAT(DialogHarness::Text(h_.Say("代绑 " + code_["301"], "tg-property")), HasSubstr("用法"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("代绑 " + code_["301"] + " tg:nobody", "tg-property")),
              HasSubstr("找不到 tg:nobody"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invite_codes WHERE used_at IS NOT NULL"), 0);
  h_.Say("hi", "neighbour");
  EXPECT_THAT(DialogHarness::Text(h_.Say("代绑 " + WrongCode() + " tg:neighbour", "tg-property")),
              HasSubstr("无效"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("代绑 " + code_["301"] + " tg:neighbour", "tg-property")),
              HasSubstr("已为 tg:neighbour 绑定 3号楼2单元301室"));
}

TEST_F(BindFlowTest, GroupChatsNeverShowAHousehold) {
  InboundMessage in = From("tg", "user-1", "绑定 " + code_["301"]);
  in.conversation.chat_id = "group-9";
  in.conversation.chat_type = ChatType::kGroup;
  EXPECT_THAT(DialogHarness::Text(h_.Send(in)), HasSubstr("私聊"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_households"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invite_codes WHERE used_at IS NOT NULL"), 0);
  h_.Say("绑定 " + code_["301"]);  // privately: bound
  in.text = "我的信息";
  const std::string reply = DialogHarness::Text(h_.Send(in));
  EXPECT_THAT(reply, HasSubstr("私聊"));
  EXPECT_THAT(reply, Not(HasSubstr("301")));
}

// Regression: IdentityStore::MergeInto (关联) did not move person_households, so the
// merged-away person's bindings were deleted with it (ON DELETE CASCADE).
TEST_F(BindFlowTest, BindingSurvivesLinkingAccounts) {
  h_.Send(From("wx", "openid-1", "绑定 " + code_["301"]));  // bound on WeChat
  const std::string text = DialogHarness::Text(h_.Send(From("tg", "tg-1", "关联")));
  const size_t at = text.find_first_of("0123456789");
  ASSERT_NE(at, std::string::npos);
  h_.Send(From("wx", "openid-1", "关联 " + text.substr(at, 8)));  // WeChat joins the Telegram person
  ASSERT_EQ(PersonOf("wx", "openid-1"), PersonOf("tg", "tg-1"));
  auto verified = storage::RosterStore::IsVerified(h_.db(), PersonOf("tg", "tg-1"));
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(*verified);
}

TEST_F(BindFlowTest, MeShowsRoleAndBindings) {
  std::string reply = DialogHarness::Text(h_.Say("/me"));
  EXPECT_THAT(reply, HasSubstr("身份：居民"));
  EXPECT_THAT(reply, HasSubstr("未绑定"));
  h_.Say("绑定 " + code_["301"]);
  reply = DialogHarness::Text(h_.Say("我的信息"));
  EXPECT_THAT(reply, HasSubstr("1. 3号楼2单元301室（本人绑定）"));
  EXPECT_THAT(reply, HasSubstr("已关联平台：1 个"));
  // Config staff, before and after the start-up sync.
  EXPECT_THAT(DialogHarness::Text(h_.Say("/me", "staff-1")), HasSubstr("身份：工作人员（网格）"));
  ASSERT_TRUE(domain::SyncStaffFromConfig(h_.db(), DemoConfig(), 5000).ok());
  EXPECT_THAT(DialogHarness::Text(h_.Say("/me", "staff-1")), HasSubstr("身份：工作人员（网格）"));
}

}  // namespace
}  // namespace linli::dialogs::bind_flow_test
