// Micro-wishes through the chat flows (issue 9): post (and 代许愿), approve / reject, the group
// card (no unit, room, name or phone), claims (volunteers only, the helper count, the claimer's
// private contact), done -> confirm -> points once, the jobs (auto-confirm, reminder,
// release), 放弃, and the lists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "domain/wishes/wish_service.h"
#include "storage/card_store.h"
#include "tests/dialogs/wish_harness.h"

namespace linli::dialogs::wish_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using storage::WishStatus;
using namespace std::chrono_literals;

constexpr char kStaff[] = "staff-1";
constexpr char kResident[] = "res-1";
constexpr char kVol1[] = "vol-1";
constexpr char kVol2[] = "vol-2";
constexpr char kVol3[] = "vol-3";
constexpr char kStranger[] = "stranger";
constexpr char kWishText[] = "帮我买降压药，我叫张三丰，电话13812345678，住3号楼2单元301";

void ExpectGroupSafe(const std::string& text) {
  EXPECT_THAT(text, Not(HasSubstr("张三丰"))) << text;
  EXPECT_THAT(text, Not(HasSubstr("13812345678"))) << text;
  EXPECT_THAT(text, Not(HasSubstr("2单元"))) << text;
  EXPECT_THAT(text, Not(HasSubstr("301"))) << text;
}

class WishFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.BindResident(kResident);
    h_.MakeVolunteer(kVol1, "李志愿");
    h_.MakeVolunteer(kVol2, "王志愿");
    h_.MakeVolunteer(kVol3, "赵志愿");
    h_.PersonOf(kStranger);
    h_.TakeOutbox();
  }
  // Posts and approves a wish; returns its number (the card is in the outbox).
  int64_t Approved(const std::string& helpers = "跳过") {
    const int64_t n = h_.PostWish(kResident, kWishText, helpers);
    EXPECT_GT(n, 0);
    h_.Say("通过 " + std::to_string(n), kStaff);
    return n;
  }
  // Claims by `user` with 认领 N in the group; returns the group reply.
  std::string Claim(const std::string& user, int64_t n) {
    return DialogHarness::Text(h_.SayInGroup("认领 " + std::to_string(n), user));
  }
  WishHarness h_;
};

TEST_F(WishFlowTest, APostedWishWaitsForApprovalThenItsCardGoesToTheGroupWithoutPersonalData) {
  h_.PersonOf(kStaff);  // staff who have written to the bot are told of wishes to review
  h_.TakeOutbox();
  const int64_t n = h_.PostWish(kResident, kWishText);
  ASSERT_GT(n, 0);
  {
    int to_staff = 0;
    for (const auto& m : h_.TakeOutbox()) {
      if (m.to.user_id != kStaff) continue;
      ++to_staff;
      EXPECT_EQ(m.to.chat_type, ChatType::kPrivate);
      EXPECT_THAT(m.text, HasSubstr("心愿 #" + std::to_string(n)));
      EXPECT_THAT(m.text, HasSubstr("待审核"));
      EXPECT_THAT(m.text, HasSubstr("通过 " + std::to_string(n)));
      EXPECT_THAT(m.text, Not(HasSubstr(kOwnerPhone)));
    }
    EXPECT_EQ(to_staff, 1);
  }
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kPending);
  EXPECT_EQ(h_.Wish(n).building, "3");
  EXPECT_EQ(h_.Wish(n).contact_phone, kOwnerPhone);  // from the roster, for the helper
  EXPECT_TRUE(h_.GroupPosts().empty());               // nothing before approval

  // Only staff approve.
  EXPECT_THAT(DialogHarness::Text(h_.Say("通过 " + std::to_string(n), kStranger)), HasSubstr("只有工作人员"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kPending);
  EXPECT_THAT(DialogHarness::Text(h_.Say("通过 " + std::to_string(n), kStaff)), HasSubstr("已通过"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kOpen);
  const auto posts = h_.GroupPosts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].card_kind, "wish");
  EXPECT_EQ(posts[0].card_ref, std::to_string(n));
  EXPECT_EQ(posts[0].to.chat_type, ChatType::kGroup);
  EXPECT_THAT(posts[0].text, HasSubstr("微心愿 #" + std::to_string(n)));
  EXPECT_THAT(posts[0].text, HasSubstr("生活帮扶"));
  EXPECT_THAT(posts[0].text, HasSubstr("3号楼"));
  EXPECT_THAT(posts[0].text, HasSubstr("认领"));
  ExpectGroupSafe(posts[0].text);
}

TEST_F(WishFlowTest, WithoutApprovalTheCardGoesOutAtOnce) {
  WishHarness h(WishConfig(/*require_approval=*/false));
  h.BindResident(kResident);
  h.TakeOutbox();
  const int64_t n = h.PostWish(kResident, "帮忙修一下水龙头");
  EXPECT_EQ(h.Wish(n).status, WishStatus::kOpen);
  EXPECT_EQ(h.GroupPosts().size(), 1u);
}

TEST_F(WishFlowTest, ARejectionReachesTheRequesterPrivatelyWithItsReason) {
  const int64_t n = h_.PostWish(kResident, kWishText);
  h_.TakeOutbox();
  EXPECT_THAT(DialogHarness::Text(h_.Say("驳回 " + std::to_string(n), kStaff)), HasSubstr("驳回 编号 原因"));
  h_.Say("驳回 " + std::to_string(n) + " 请到社区服务站办理", kStaff);
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kRejected);
  const auto out = h_.TakeOutbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to.user_id, kResident);
  EXPECT_EQ(out[0].to.chat_type, ChatType::kPrivate);
  EXPECT_THAT(out[0].text, HasSubstr("请到社区服务站办理"));
}

TEST_F(WishFlowTest, OnlyVolunteersClaimAndTheClaimerAloneGetsTheContact) {
  const int64_t n = Approved();
  h_.TakeOutbox();
  // Not a volunteer: told how to register, nothing changes.
  EXPECT_THAT(Claim(kStranger, n), HasSubstr("报到"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kOpen);
  auto claims = storage::WishStore::Claims(h_.db(), n);
  ASSERT_TRUE(claims.ok());
  EXPECT_TRUE(claims->empty());
  EXPECT_TRUE(h_.TakeOutbox().empty());

  const std::string reply = Claim(kVol1, n);
  EXPECT_THAT(reply, HasSubstr("认领成功"));
  EXPECT_THAT(reply, HasSubstr("李志愿"));
  ExpectGroupSafe(reply);
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kClaimed);
  bool contact = false, told = false, card = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.chat_id == kWishGroup) {
      card = true;
      ExpectGroupSafe(m.text);
      EXPECT_THAT(m.text, HasSubstr("李志愿"));
    } else if (m.to.user_id == kVol1) {
      contact = true;
      EXPECT_EQ(m.to.chat_type, ChatType::kPrivate);
      EXPECT_THAT(m.text, HasSubstr(kOwnerPhone));
      EXPECT_THAT(m.text, HasSubstr(kOwnerName));
      EXPECT_THAT(m.text, HasSubstr("3号楼2单元301"));
    } else if (m.to.user_id == kResident) {
      told = true;
      EXPECT_THAT(m.text, HasSubstr("李志愿"));
    }
  }
  EXPECT_TRUE(contact);
  EXPECT_TRUE(told);
  EXPECT_TRUE(card);  // no card recorded yet: the follow-up post

  // A later claimer is told by whom, nothing changes.
  const std::string taken = Claim(kVol2, n);
  EXPECT_THAT(taken, HasSubstr("李志愿"));
  EXPECT_THAT(taken, HasSubstr("已被"));
  claims = storage::WishStore::Claims(h_.db(), n);
  EXPECT_EQ(claims->size(), 1u);
}

TEST_F(WishFlowTest, AReplyToTheCardClaimsAndTheCardIsEdited) {
  const int64_t n = Approved();
  // The outbox sent the card as message 555 (what the router's outbox records).
  ASSERT_TRUE(storage::CardStore::Record(h_.db(), {"tg", kWishGroup, "555", "wish", std::to_string(n), 1}).ok());
  h_.TakeOutbox();
  // Chatter replying to the card: no answer, no claim.
  EXPECT_TRUE(h_.SayInGroup("加油", kVol1, "555").empty());
  const std::string reply = DialogHarness::Text(h_.SayInGroup("认领", kVol1, "555"));
  EXPECT_THAT(reply, HasSubstr("认领成功"));
  bool edited = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.chat_id != kWishGroup) continue;
    EXPECT_EQ(m.edit_of, "555");
    EXPECT_THAT(m.text, HasSubstr("已认领"));
    EXPECT_THAT(m.follow_up, HasSubstr("已认领"));
    EXPECT_TRUE(m.card_kind.empty());
    ExpectGroupSafe(m.text);
    edited = true;
  }
  EXPECT_TRUE(edited);
}

TEST_F(WishFlowTest, AWishForTwoHelpersIsTakenByTheFirstTwoOfThree) {
  const int64_t n = Approved("2");
  EXPECT_EQ(h_.Wish(n).helpers_needed, 2);
  EXPECT_THAT(Claim(kVol1, n), HasSubstr("认领成功"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kOpen);  // one place left
  EXPECT_THAT(Claim(kVol2, n), HasSubstr("认领成功"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kClaimed);
  const std::string third = Claim(kVol3, n);
  EXPECT_THAT(third, HasSubstr("李志愿、王志愿"));
  auto claims = storage::WishStore::Claims(h_.db(), n);
  ASSERT_EQ(claims->size(), 2u);
}

TEST_F(WishFlowTest, DoneThenConfirmCreditsPointsOnce) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  h_.TakeOutbox();
  // Only the claimer completes.
  EXPECT_THAT(DialogHarness::Text(h_.Say("完成 " + std::to_string(n), kVol2)), HasSubstr("没有认领中"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("完成 " + std::to_string(n) + " 1.5", kVol1)), HasSubstr("等待许愿人确认"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kDone);
  // The requester got the question: a bare "1" answers it.
  bool asked = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.user_id == kResident) {
      asked = true;
      EXPECT_THAT(m.text, HasSubstr("回复 1 确认完成"));
      ASSERT_EQ(m.choices.size(), 2u);
    }
  }
  EXPECT_TRUE(asked);
  EXPECT_THAT(DialogHarness::Text(h_.Say("1", kResident)), HasSubstr("已确认完成"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kConfirmed);
  EXPECT_EQ(h_.Balance(kVol1), 10 + 6);  // per wish + 1.5 h x 4
  // A second confirmation (the button again) changes nothing.
  EXPECT_THAT(DialogHarness::Text(h_.Tap("/wishconfirm " + std::to_string(n) + " yes", kResident)),
              HasSubstr("已完成"));
  EXPECT_EQ(h_.Balance(kVol1), 16);
  auto events = domain::WishService::History(h_.db(), n);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> kinds;
  for (const auto& e : *events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"posted", "approved", "claimed", "done", "confirmed",
                                             "credited"}));
}

TEST_F(WishFlowTest, AfterConfirmingTheRequesterRatesOnceAndTheHelperIsToldPrivately) {
  const int64_t n = Approved();
  const std::string num = std::to_string(n);
  Claim(kVol1, n);
  h_.Say("完成 " + num, kVol1);
  h_.TakeOutbox();
  // The thanks carries the rating question: 1..5 and 跳过, the typed number is the score.
  const auto replies = h_.Say("1", kResident);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_THAT(replies[0].text, HasSubstr("已确认完成"));
  EXPECT_THAT(replies[0].text, HasSubstr("打分"));
  ASSERT_EQ(replies[0].choices.size(), 6u);
  EXPECT_EQ(replies[0].choices[4].payload, "/wishrate " + num + " 5");
  // Staff cannot rate for the requester.
  EXPECT_THAT(DialogHarness::Text(h_.Say("/wishrate " + num + " 1", kStaff)), HasSubstr("只有许愿人"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("4", kResident)), HasSubstr("4 分"));
  auto claim = storage::WishStore::FindClaim(h_.db(), n, h_.PersonOf(kVol1));
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->rating, 4);
  bool told = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.user_id == kVol1 && m.text.find("4 分") != std::string::npos) {
      told = true;
      EXPECT_EQ(m.to.chat_type, ChatType::kPrivate);
    }
  }
  EXPECT_TRUE(told);
  // A second rating (the button again) is refused and changes nothing.
  EXPECT_THAT(DialogHarness::Text(h_.Tap("/wishrate " + num + " 1", kResident)), HasSubstr("已经评价过"));
  claim = storage::WishStore::FindClaim(h_.db(), n, h_.PersonOf(kVol1));
  EXPECT_EQ((*claim)->rating, 4);
}

TEST_F(WishFlowTest, WhenStaffConfirmTheRequesterIsAskedToRatePrivately) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  h_.Say("完成 " + std::to_string(n), kVol1);
  h_.TakeOutbox();
  EXPECT_THAT(DialogHarness::Text(h_.Say("确认心愿 " + std::to_string(n), kStaff)), Not(HasSubstr("打分")));
  bool asked = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.user_id == kResident && m.text.find("打分") != std::string::npos) {
      asked = true;
      EXPECT_EQ(m.to.chat_type, ChatType::kPrivate);
      EXPECT_EQ(m.choices.size(), 6u);
    }
  }
  EXPECT_TRUE(asked);
  EXPECT_THAT(DialogHarness::Text(h_.Say("5", kResident)), HasSubstr("5 分"));
  auto claim = storage::WishStore::FindClaim(h_.db(), n, h_.PersonOf(kVol1));
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->rating, 5);
}

TEST_F(WishFlowTest, TheRatingCanBeSkipped) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  h_.Say("完成 " + std::to_string(n), kVol1);
  h_.Say("1", kResident);
  EXPECT_THAT(DialogHarness::Text(h_.Say("6", kResident)), HasSubstr("不评价"));
  auto claim = storage::WishStore::FindClaim(h_.db(), n, h_.PersonOf(kVol1));
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->rating, 0);
  // The question is gone: a later bare "5" rates nothing.
  h_.Say("5", kResident);
  claim = storage::WishStore::FindClaim(h_.db(), n, h_.PersonOf(kVol1));
  EXPECT_EQ((*claim)->rating, 0);
}

TEST_F(WishFlowTest, NotDoneYetPutsTheClaimBackToWork) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  h_.Say("完成 " + std::to_string(n), kVol1);
  EXPECT_THAT(DialogHarness::Text(h_.Say("2", kResident)), HasSubstr("还没完成"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kClaimed);
  EXPECT_EQ(h_.Balance(kVol1), 0);
}

TEST_F(WishFlowTest, AnUnconfirmedWishIsConfirmedByTheJob) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  h_.Say("完成 " + std::to_string(n), kVol1);
  auto tick = [&] {
    EXPECT_TRUE(h_.db().Begin().ok());
    auto r = domain::WishService::Tick(h_.db(), h_.deps(), h_.clock().NowMillis());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(h_.db().Commit().ok());
    return r.ok() ? *r : domain::WishTickResult{};
  };
  h_.clock().Advance(std::chrono::hours(24 * 3 - 1));
  EXPECT_EQ(tick().auto_confirmed, 0);
  h_.clock().Advance(std::chrono::hours(2));
  EXPECT_EQ(tick().auto_confirmed, 1);
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kConfirmed);
  EXPECT_EQ(h_.Balance(kVol1), 10);
  EXPECT_EQ(tick().auto_confirmed, 0);
  EXPECT_EQ(h_.Balance(kVol1), 10);
}

TEST_F(WishFlowTest, AClaimWithoutProgressIsRemindedThenReleased) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  h_.TakeOutbox();
  auto tick = [&] {
    EXPECT_TRUE(h_.db().Begin().ok());
    auto r = domain::WishService::Tick(h_.db(), h_.deps(), h_.clock().NowMillis());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(h_.db().Commit().ok());
    return r.ok() ? *r : domain::WishTickResult{};
  };
  h_.clock().Advance(std::chrono::hours(24 * 2 + 1));
  EXPECT_EQ(tick().reminded, 1);
  EXPECT_EQ(tick().reminded, 0);  // once
  auto out = h_.TakeOutbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to.user_id, kVol1);
  EXPECT_THAT(out[0].text, HasSubstr("还没有完成"));
  h_.clock().Advance(std::chrono::hours(24 * 2));
  EXPECT_EQ(tick().released, 1);
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kOpen);
  bool group = false;
  for (const auto& m : h_.TakeOutbox()) {
    if (m.to.chat_id == kWishGroup) {
      group = true;
      EXPECT_THAT(m.text, HasSubstr("重新开放"));
    }
  }
  EXPECT_TRUE(group);
  EXPECT_THAT(Claim(kVol2, n), HasSubstr("认领成功"));
}

TEST_F(WishFlowTest, ReleaseOpensTheWishAgain) {
  const int64_t n = Approved();
  Claim(kVol1, n);
  EXPECT_THAT(DialogHarness::Text(h_.Say("放弃 " + std::to_string(n), kVol2)), HasSubstr("没有认领中"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("放弃 " + std::to_string(n), kVol1)), HasSubstr("已放弃"));
  EXPECT_EQ(h_.Wish(n).status, WishStatus::kOpen);
  EXPECT_THAT(Claim(kVol2, n), HasSubstr("认领成功"));
}

TEST_F(WishFlowTest, StaffPostForAResidentOfTheRoster) {
  EXPECT_THAT(DialogHarness::Text(h_.Say("代许愿", kStaff)), HasSubstr("为谁许愿"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("9-9-999", kStaff)), HasSubstr("找不到"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("3-2-301", kStaff)), HasSubstr("心愿"));
  for (const char* s : {"陪老人去医院复查", "2", "跳过", "跳过"}) h_.Say(s, kStaff);
  EXPECT_THAT(DialogHarness::Text(h_.Say("1", kStaff)), HasSubstr("编号"));
  storage::WishFilter f;
  auto list = storage::WishStore::List(h_.db(), f);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const storage::Wish w = (*list)[0];
  EXPECT_EQ(w.category, "medical");
  EXPECT_EQ(w.posted_by_person_id, h_.PersonOf(kStaff));
  EXPECT_NE(w.requester_household_id, 0);
  EXPECT_EQ(w.contact_name, kOwnerName);
  EXPECT_TRUE(w.acted_for());
  // Residents cannot post for others: refused at the trigger, and the flow does not start (the
  // next message is an ordinary one, not an answer to "为谁许愿").
  const std::string refused = DialogHarness::Text(h_.Say("代许愿", kStranger));
  EXPECT_THAT(refused, HasSubstr("只有工作人员"));
  EXPECT_THAT(refused, Not(HasSubstr("为谁许愿")));
  EXPECT_THAT(DialogHarness::Text(h_.Say("3-2-301", kStranger)), Not(HasSubstr("只有工作人员")));
}

TEST_F(WishFlowTest, TheWishFlowIsPrivateOnlyAndListsShowOnlyWhatGroupsMay) {
  EXPECT_THAT(DialogHarness::Text(h_.SayInGroup("心愿", kResident)), HasSubstr("请私聊我办理"));
  const int64_t n = Approved();
  const std::string list = DialogHarness::Text(h_.SayInGroup("心愿列表", kVol1));
  EXPECT_THAT(list, HasSubstr("#" + std::to_string(n)));
  ExpectGroupSafe(list);
  EXPECT_THAT(DialogHarness::Text(h_.Say("我的心愿", kResident)), HasSubstr("待认领"));
  const std::string admin = DialogHarness::Text(h_.Say("心愿管理 待认领", kStaff));
  EXPECT_THAT(admin, HasSubstr("#" + std::to_string(n)));
  EXPECT_THAT(DialogHarness::Text(h_.Say("心愿管理 待审核", kStaff)), HasSubstr("目前没有心愿"));
  EXPECT_THAT(DialogHarness::Text(h_.Say("心愿管理", kStranger)), HasSubstr("只有工作人员"));
}

}  // namespace
}  // namespace linli::dialogs::wish_flow_test

namespace linli::dialogs::wish_flow_test {
namespace {

// 代许愿 by a building head (config building_heads): for a household of their building it is
// posted with the head as the actor; another building's household is refused at the "for whom"
// step; a resident who is no head is refused at the trigger.
TEST(WishFlowBuildingHeadTest, AHeadPostsForTheirBuildingOnly) {
  config::Config c = WishConfig();
  config::BuildingHead head;
  head.channel = "tg";
  head.user_id = "head-3";
  head.buildings = {"3"};
  head.name = "王楼长";
  c.building_heads.push_back(head);
  WishHarness h(c);
  h.BindResident("res-1");  // household 3-2-301
  storage::Household other;
  other.building = "4";
  other.unit = "1";
  other.room = "101";
  other.owner_name = "李四";
  ASSERT_TRUE(storage::RosterStore::Import(h.db(), {other}, false, 1, nullptr, nullptr).ok());
  const int64_t head_person = h.PersonOf("head-3");
  h.PersonOf("stranger");
  h.TakeOutbox();

  EXPECT_THAT(DialogHarness::Text(h.Say("代许愿", "head-3")), HasSubstr("为谁许愿"));
  EXPECT_THAT(DialogHarness::Text(h.Say("4-1-101", "head-3")), HasSubstr("本楼栋"));
  EXPECT_THAT(DialogHarness::Text(h.Say("3-2-301", "head-3")), HasSubstr("心愿"));
  for (const char* s : {"陪老人去医院复查", "2", "跳过", "跳过"}) h.Say(s, "head-3");
  EXPECT_THAT(DialogHarness::Text(h.Say("1", "head-3")), HasSubstr("编号"));
  storage::WishFilter f;
  auto list = storage::WishStore::List(h.db(), f);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const storage::Wish w = (*list)[0];
  EXPECT_EQ(w.posted_by_person_id, head_person);
  EXPECT_EQ(w.building, "3");
  EXPECT_EQ(w.contact_name, kOwnerName);
  EXPECT_TRUE(w.acted_for());
  auto events = storage::WishStore::Events(h.db(), w.number);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  EXPECT_EQ((*events)[0].kind, "posted");
  EXPECT_EQ((*events)[0].actor_name, "王楼长");
  EXPECT_EQ((*events)[0].note, "acting_for");

  const std::string refused = DialogHarness::Text(h.Say("代许愿", "stranger"));
  EXPECT_THAT(refused, HasSubstr("只有工作人员"));
  EXPECT_THAT(refused, Not(HasSubstr("为谁许愿")));
}

}  // namespace
}  // namespace linli::dialogs::wish_flow_test
