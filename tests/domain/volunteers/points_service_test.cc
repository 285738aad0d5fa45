#include "domain/volunteers/points_service.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/volunteers/points_actions.h"
#include "domain/volunteers/volunteers.h"
#include "storage/identity_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::points_service_test {
namespace {

// 2026-12-10 12:00 in Shanghai (04:00 UTC).
constexpr int64_t kDec10 = 1796875200000;

config::Config PointsConfig() {
  config::Config c = dialogs::DemoConfig();
  config::CatalogueItem soap;
  soap.id = "soap";
  soap.labels = {{"zh-CN", "洗衣皂"}, {"en", "Soap"}};
  soap.cost = 5;
  soap.stock = 1;
  c.points.catalogue.push_back(soap);
  return c;
}

class PointsServiceTest : public ::testing::Test {
 protected:
  PointsServiceTest() : h_(PointsConfig()) {}
  void SetUp() override {
    h_.clock().SetMillis(kDec10);
    h_.Say("我的数据", "staff-1");
    h_.Say("我的数据", "vol-1");
    staff_ = Person("staff-1");
    vol_ = Person("vol-1");
    ASSERT_TRUE(storage::RedemptionStore::SyncStock(h_.db(), CatalogueStock(h_.config())).ok());
    h_.TakeOutbox();
  }
  int64_t Person(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(h_.db(), "tg", user);
    EXPECT_TRUE(id.ok() && id->has_value());
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  int64_t Balance() {
    auto b = storage::PointsStore::Balance(h_.db(), vol_);
    return b.ok() ? *b : -1;
  }
  Actor Staff() { return Actor::Person(staff_); }
  int64_t Now() { return h_.clock().NowMillis(); }

  dialogs::DialogHarness h_;
  int64_t staff_ = 0;
  int64_t vol_ = 0;
};

TEST_F(PointsServiceTest, StaffAwardAndDeductWithAReasonAndThePersonIsTold) {
  auto award = AwardPoints(h_.db(), h_.deps(), Staff(), vol_, 8, "协助活动", Now());
  ASSERT_TRUE(award.ok()) << award.status().ToString();
  EXPECT_EQ(award->balance, 8);
  ASSERT_TRUE(award->entry.has_value());
  EXPECT_EQ(award->entry->reason, "award");
  EXPECT_EQ(award->entry->note, "协助活动");
  EXPECT_EQ(award->entry->actor, "王网格");
  auto told = h_.TakeOutbox();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].to.chat_type, ChatType::kPrivate);
  EXPECT_EQ(told[0].to.user_id, "vol-1");
  EXPECT_NE(told[0].text.find("您获得 8 积分"), std::string::npos) << told[0].text;

  auto deduct = AwardPoints(h_.db(), h_.deps(), Staff(), vol_, -3, "重复记录", Now());
  ASSERT_TRUE(deduct.ok());
  EXPECT_EQ(deduct->balance, 5);
  auto over = AwardPoints(h_.db(), h_.deps(), Staff(), vol_, -6, "x", Now());
  EXPECT_EQ(over.status().message(), "insufficient points");
  EXPECT_EQ(Balance(), 5);
}

TEST_F(PointsServiceTest, OnlyStaffMayAwardAndArgumentsAreChecked) {
  auto self = AwardPoints(h_.db(), h_.deps(), Actor::Person(vol_), vol_, 100, "自己加", Now());
  EXPECT_EQ(self.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(PointsRefusalKey(self.status()), "points.refused.staff");
  EXPECT_EQ(AwardPoints(h_.db(), h_.deps(), Staff(), vol_, 5, "", Now()).status().message(),
            "reason required");
  EXPECT_EQ(AwardPoints(h_.db(), h_.deps(), Staff(), 9999, 5, "r", Now()).status().message(),
            "no such person");
  auto api = AwardPoints(h_.db(), h_.deps(), Actor::ApiKey("ops", "community"), vol_, 2, "r", Now());
  ASSERT_TRUE(api.ok());
  EXPECT_EQ(api->entry->actor, "ops");
  EXPECT_EQ(Balance(), 2);
}

TEST_F(PointsServiceTest, AReversalIsACompensatingEntryOnce) {
  auto award = AwardPoints(h_.db(), h_.deps(), Staff(), vol_, 8, "活动", Now());
  ASSERT_TRUE(award.ok());
  const int64_t id = award->entry->id;
  auto reversed = ReverseEntry(h_.db(), h_.deps(), Staff(), id, "记错了", Now());
  ASSERT_TRUE(reversed.ok()) << reversed.status().ToString();
  EXPECT_EQ(reversed->balance, 0);
  EXPECT_EQ(reversed->entry->reason, "reversal");
  EXPECT_EQ(reversed->entry->ref, std::to_string(id));
  EXPECT_EQ(reversed->entry->amount, -8);
  EXPECT_EQ(ReverseEntry(h_.db(), h_.deps(), Staff(), id, "", Now()).status().message(),
            "already reversed");
  // The original is untouched: append-only.
  auto original = storage::PointsStore::Find(h_.db(), id);
  ASSERT_TRUE(original.ok() && original->has_value());
  EXPECT_EQ((*original)->amount, 8);
  EXPECT_EQ(ReverseEntry(h_.db(), h_.deps(), Staff(), reversed->entry->id, "", Now()).status().message(),
            "not reversible");
  EXPECT_EQ(ReverseEntry(h_.db(), h_.deps(), Staff(), 777, "", Now()).status().message(),
            "no such entry");
}

TEST_F(PointsServiceTest, RedemptionHoldsGiveAndCancel) {
  ASSERT_TRUE(AwardPoints(h_.db(), h_.deps(), Staff(), vol_, 12, "活动", Now()).ok());
  auto none = RequestRedemption(h_.db(), h_.deps(), vol_, "caviar", Now());
  EXPECT_EQ(none.status().message(), "no such item");
  auto r = RequestRedemption(h_.db(), h_.deps(), vol_, "洗衣皂", Now());  // by label
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->balance, 7);
  const int64_t id = r->redemption->id;
  EXPECT_EQ(RequestRedemption(h_.db(), h_.deps(), vol_, "soap", Now()).status().message(),
            "out of stock");  // stock 1
  EXPECT_EQ(GiveRedemption(h_.db(), h_.deps(), Actor::Person(vol_), id, Now()).status().code(),
            StatusCode::kPermissionDenied);
  h_.TakeOutbox();
  auto cancelled = CancelRedemption(h_.db(), h_.deps(), Staff(), id, Now());
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->balance, 12);
  auto told = h_.TakeOutbox();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0].text.find("洗衣皂"), std::string::npos);
  auto again = RequestRedemption(h_.db(), h_.deps(), vol_, "soap", Now());  // stock is back
  ASSERT_TRUE(again.ok());
  auto given = GiveRedemption(h_.db(), h_.deps(), Staff(), again->redemption->id, Now());
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->redemption->status, storage::RedemptionStatus::kGiven);
  EXPECT_EQ(given->balance, 7);
  EXPECT_EQ(CancelRedemption(h_.db(), h_.deps(), Staff(), again->redemption->id, Now())
                .status()
                .message(),
            "not pending");
}

TEST_F(PointsServiceTest, TheExchangeDayIsThisMonthsOrNextMonths) {
  config::Config c = h_.config();
  EXPECT_EQ(NextExchangeDate(c, kDec10), "2026-12-15");
  c.points.exchange_day = 10;
  EXPECT_EQ(NextExchangeDate(c, kDec10), "2026-12-10");  // today is the day
  c.points.exchange_day = 5;
  EXPECT_EQ(NextExchangeDate(c, kDec10), "2027-01-05");
}

TEST_F(PointsServiceTest, TheLeaderboardCountsThisMonthsEarningsByDisplayName) {
  h_.Say("我的数据", "vol-2");
  const int64_t vol2 = Person("vol-2");
  storage::Volunteer v;
  v.person_id = vol_;
  v.display_name = "王师傅";
  v.status = storage::VolunteerStatus::kActive;
  ASSERT_TRUE(storage::VolunteerStore::Upsert(h_.db(), v).ok());
  const auto [start, end] = MonthBounds(h_.config(), kDec10);
  EXPECT_EQ(start, 1796054400000);  // 2026-12-01 00:00 +08:00
  EXPECT_EQ(end, 1798732800000);    // 2027-01-01 00:00 +08:00
  ASSERT_TRUE(AwardPoints(h_.db(), h_.deps(), Staff(), vol_, 30, "上月", start - 1).ok());
  ASSERT_TRUE(AwardPoints(h_.db(), h_.deps(), Staff(), vol_, 6, "本月", start).ok());
  ASSERT_TRUE(AwardPoints(h_.db(), h_.deps(), Staff(), vol2, 6, "本月", Now()).ok());
  ASSERT_TRUE(RequestRedemption(h_.db(), h_.deps(), vol_, "soap", Now()).ok());  // not earning
  auto rows = MonthlyLeaderboard(h_.db(), h_.deps(), Now());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].display_name, "王师傅");
  EXPECT_EQ((*rows)[0].points, 6);
  EXPECT_EQ((*rows)[0].rank, 1);
  EXPECT_EQ((*rows)[1].display_name, "志愿者" + std::to_string(vol2));
  EXPECT_EQ((*rows)[1].rank, 1);  // a tie shares the rank
}

TEST(PointsActionsTest, TheListIsUniqueAndArgumentsReadAlikeFromChatAndJson) {
  std::set<std::string> names, flows, words, paths;
  for (const auto& a : PointsActions()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    EXPECT_TRUE(flows.insert(a.flow).second) << a.flow;
    EXPECT_TRUE(paths.insert(a.api_path).second) << a.api_path;
    for (const auto& w : a.words) EXPECT_TRUE(words.insert(w).second) << w;
    EXPECT_TRUE(a.run) << a.name;
    EXPECT_NE(a.api_path.find("{id}"), std::string::npos) << a.name;
  }
  EXPECT_EQ(FindPointsAction("award")->api_path, "/api/admin/points/{id}");
  EXPECT_EQ(FindPointsAction("nope"), nullptr);
  const PointsAction& award = *FindPointsAction("award");
  auto chat = PointsArgsFromChat(award, "5 协助搬运物资");
  auto body = PointsArgsFromJson(award, nlohmann::json{{"amount", 5}, {"reason", "协助搬运物资"}});
  ASSERT_TRUE(chat.ok() && body.ok());
  EXPECT_EQ(*chat, *body);
  EXPECT_EQ(PointsArgsFromChat(award, "五 理由").status().message(), "points.usage.award");
  EXPECT_EQ(PointsArgsFromChat(award, "5").status().message(), "points.usage.award");
  EXPECT_EQ(PointsArgsFromJson(award, nlohmann::json{{"amount", -1}, {"reason", "x"}}).status().message(),
            "missing field: amount");
  EXPECT_EQ(PointsArgsFromJson(award, nlohmann::json{{"amount", 1}}).status().message(),
            "missing field: reason");
  const PointsAction& reverse = *FindPointsAction("reverse");
  auto note = PointsArgsFromChat(reverse, "");
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(note->text.empty());
}

}  // namespace
}  // namespace linli::domain::points_service_test
