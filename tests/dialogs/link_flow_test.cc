#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "storage/identity_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::link_flow_test {
namespace {

using ::testing::HasSubstr;

InboundMessage From(const std::string& channel, const std::string& user, const std::string& text) {
  InboundMessage in;
  in.conversation = {channel, user, user, ChatType::kPrivate};
  in.text = text;
  return in;
}

std::string CodeIn(const std::vector<OutboundMessage>& replies) {
  std::smatch m;
  const std::string text = DialogHarness::Text(replies);
  return std::regex_search(text, m, std::regex("([0-9]{8})")) ? m[1].str() : "";
}

TEST(LinkFlowTest, CodeFromOneChannelMakesOnePerson) {
  DialogHarness h;
  // A report made on WeChat before linking.
  for (const char* s : {"报事", "2", "3-2", "电梯异响", "跳过", "1"}) h.Send(From("wx", "openid-1", s));
  const std::string code = CodeIn(h.Send(From("tg", "tg-1", "关联")));
  ASSERT_EQ(code.size(), 8u);

  auto r = h.Send(From("wx", "openid-1", "关联 " + code));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("关联成功"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("2 个平台"));
  // The ticket reported on WeChat is now visible from Telegram.
  r = h.Send(From("tg", "tg-1", "进度"));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("#1 设施维修"));
  auto tg = storage::IdentityStore::FindIdentity(h.db(), "tg", "tg-1");
  auto wx = storage::IdentityStore::FindIdentity(h.db(), "wx", "openid-1");
  ASSERT_TRUE(tg.ok() && wx.ok() && tg->has_value() && wx->has_value());
  EXPECT_EQ((*tg)->person_id, (*wx)->person_id);

  // A code works once.
  r = h.Send(From("fs", "ou-1", "关联 " + code));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("无效或已过期"));
}

TEST(LinkFlowTest, ReadingAFollowedTicketMovesItsPushesToThatChannel) {
  DialogHarness h;
  for (const char* s : {"报事", "2", "3-2", "电梯异响", "跳过", "1"}) h.Send(From("wx", "openid-1", s));
  const std::string code = CodeIn(h.Send(From("wx", "openid-1", "关联")));
  h.Send(From("tg", "tg-1", "关联 " + code));
  h.Send(From("tg", "tg-1", "进度 1"));
  auto t = storage::TicketStore::FindByNumber(h.db(), 1);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->channel, "wx");         // where it was reported
  EXPECT_EQ((*t)->notify_channel, "tg");  // where the reporter follows it now
}

TEST(LinkFlowTest, CodesExpire) {
  DialogHarness h;
  const std::string code = CodeIn(h.Send(From("tg", "tg-1", "/link")));
  h.clock().Advance(std::chrono::minutes(11));
  auto r = h.Send(From("wx", "openid-1", "/link " + code));
  EXPECT_THAT(DialogHarness::Text(r), HasSubstr("无效或已过期"));
}

TEST(LinkFlowTest, GuessingIsLimited) {
  DialogHarness h;
  const std::string code = CodeIn(h.Send(From("tg", "tg-1", "关联")));
  for (int i = 0; i < 5; ++i) {
    const std::string wrong = code == "12345678" ? "87654321" : "12345678";
    EXPECT_THAT(DialogHarness::Text(h.Send(From("wx", "attacker", "关联 " + wrong))),
                HasSubstr("无效"));
  }
  // Even the right code is refused now, and it stays usable for its owner's other channel.
  EXPECT_THAT(DialogHarness::Text(h.Send(From("wx", "attacker", "关联 " + code))), HasSubstr("次数过多"));
  EXPECT_THAT(DialogHarness::Text(h.Send(From("fs", "owner", "关联 " + code))), HasSubstr("关联成功"));
  // The lock lifts after an hour.
  h.clock().Advance(std::chrono::minutes(61));
  EXPECT_THAT(DialogHarness::Text(h.Send(From("wx", "attacker", "关联 00000000"))), HasSubstr("无效"));
}

TEST(LinkFlowTest, SamePersonAndMalformedCodes) {
  DialogHarness h;
  const std::string code = CodeIn(h.Send(From("tg", "tg-1", "关联")));
  EXPECT_THAT(DialogHarness::Text(h.Send(From("tg", "tg-1", "关联 " + code))), HasSubstr("已经是同一个人"));
  EXPECT_THAT(DialogHarness::Text(h.Send(From("tg", "tg-1", "关联 12"))), HasSubstr("无效"));
}

InboundMessage InGroup(const std::string& user, const std::string& text) {
  InboundMessage in;
  in.conversation = {"tg", user, "-100200", ChatType::kGroup};
  in.text = text;
  return in;
}

// Regression (issue 8, account takeover through 关联): a code requested in a group was posted
// there, and anyone in the group who typed it became that person.
TEST(LinkFlowTest, CodesAreNeverShownOrAcceptedInAGroup) {
  DialogHarness h;
  const std::string asked = DialogHarness::Text(h.Send(InGroup("victim", "关联")));
  EXPECT_THAT(asked, HasSubstr("请私聊"));
  EXPECT_EQ(CodeIn(h.Send(InGroup("victim", "关联"))), "");
  auto codes = h.db().Query("SELECT COUNT(*) FROM link_codes");
  ASSERT_TRUE(codes.ok());
  EXPECT_EQ((*codes)[0].Int(0), 0);

  // A code shown privately and then typed in a group is refused there and not consumed.
  const std::string code = CodeIn(h.Send(From("tg", "victim", "关联")));
  ASSERT_EQ(code.size(), 8u);
  EXPECT_THAT(DialogHarness::Text(h.Send(InGroup("stranger", "关联 " + code))), HasSubstr("请私聊"));
  auto victim = storage::IdentityStore::FindIdentity(h.db(), "tg", "victim");
  auto stranger = storage::IdentityStore::FindIdentity(h.db(), "tg", "stranger");
  ASSERT_TRUE(victim.ok() && stranger.ok() && victim->has_value() && stranger->has_value());
  EXPECT_NE((*victim)->person_id, (*stranger)->person_id);
  EXPECT_THAT(DialogHarness::Text(h.Send(From("wx", "victim-wx", "关联 " + code))),
              HasSubstr("关联成功"));
}

// Regression (issue 8): linking with a staff member's code made a stranger staff.
TEST(LinkFlowTest, StaffIdentitiesAreNeverLinked) {
  DialogHarness h;  // tg:staff-1 is staff in the demo config
  EXPECT_THAT(DialogHarness::Text(h.Send(From("tg", "staff-1", "关联"))), HasSubstr("工作人员"));
  EXPECT_EQ(CodeIn(h.Send(From("tg", "staff-1", "关联"))), "");

  // The other way round: staff entering a resident's code is refused too.
  const std::string code = CodeIn(h.Send(From("wx", "resident", "关联")));
  ASSERT_EQ(code.size(), 8u);
  EXPECT_THAT(DialogHarness::Text(h.Send(From("tg", "staff-1", "关联 " + code))), HasSubstr("工作人员"));
  auto staff = storage::IdentityStore::FindIdentity(h.db(), "tg", "staff-1");
  auto resident = storage::IdentityStore::FindIdentity(h.db(), "wx", "resident");
  ASSERT_TRUE(staff.ok() && resident.ok() && staff->has_value() && resident->has_value());
  EXPECT_NE((*staff)->person_id, (*resident)->person_id);
  auto person = storage::IdentityStore::FindPerson(h.db(), (*resident)->person_id);
  ASSERT_TRUE(person.ok() && person->has_value());
  EXPECT_EQ((*person)->role, "resident");
  EXPECT_THAT(DialogHarness::Text(h.Send(From("wx", "resident", "我的信息"))),
              ::testing::Not(HasSubstr("工作人员")));
}

// Regression (issue 8, roles survive removal): a merge copied the stronger role into the
// merged person without its source, so it outlived the staff entry's removal.
TEST(LinkFlowTest, AMergeNeverChangesARole) {
  DialogHarness h;
  h.Say("你好", "a");
  h.Say("你好", "b");
  auto a = storage::IdentityStore::FindIdentity(h.db(), "tg", "a");
  auto b = storage::IdentityStore::FindIdentity(h.db(), "tg", "b");
  ASSERT_TRUE(a.ok() && b.ok() && a->has_value() && b->has_value());
  ASSERT_TRUE(storage::IdentityStore::SetRole(h.db(), (*a)->person_id, "staff", "grid").ok());
  ASSERT_TRUE(storage::IdentityStore::MergeInto(h.db(), (*a)->person_id, (*b)->person_id).ok());
  auto merged = storage::IdentityStore::FindPerson(h.db(), (*b)->person_id);
  ASSERT_TRUE(merged.ok() && merged->has_value());
  EXPECT_EQ((*merged)->role, "resident");
  EXPECT_EQ((*merged)->tier, "");
}

}  // namespace
}  // namespace linli::dialogs::link_flow_test
