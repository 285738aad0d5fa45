// 积分, 兑换, 最美志愿者 and the staff points commands (dialogs/points_flow.cc).
#include <gtest/gtest.h>

#include "domain/volunteers/points_service.h"
#include "storage/identity_store.h"
#include "storage/points_store.h"
#include "storage/redemption_store.h"
#include "storage/volunteer_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::points_flow_test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

config::Config WithCatalogue() {
  config::Config c = DemoConfig();
  config::CatalogueItem soap;
  soap.id = "soap";
  soap.labels = {{"zh-CN", "洗衣皂"}, {"en", "Soap"}};
  soap.cost = 5;
  soap.stock = 10;
  c.points.catalogue.push_back(soap);
  return c;
}

class PointsFlowTest : public ::testing::Test {
 protected:
  PointsFlowTest() : h_(WithCatalogue()) {}
  void SetUp() override {
    h_.clock().SetMillis(1796875200000);  // 2026-12-10 12:00 +08:00
    ASSERT_TRUE(storage::RedemptionStore::SyncStock(h_.db(), domain::CatalogueStock(h_.config())).ok());
    h_.Say("我的数据", "staff-1");
    h_.Say("我的数据", "vol-1");
    vol_ = Person("vol-1");
  }
  int64_t Person(const std::string& user) {
    auto id = storage::IdentityStore::FindIdentity(h_.db(), "tg", user);
    return id.ok() && id->has_value() ? (*id)->person_id : 0;
  }
  std::string Staff(const std::string& text) { return DialogHarness::Text(h_.Say(text, "staff-1")); }
  std::string Vol(const std::string& text) { return DialogHarness::Text(h_.Say(text, "vol-1")); }
  std::string InGroup(const std::string& text, const std::string& user) {
    InboundMessage in;
    in.conversation = {"tg", "group-1", user, ChatType::kGroup};
    in.text = text;
    return DialogHarness::Text(h_.Send(in));
  }

  DialogHarness h_;
  int64_t vol_ = 0;
};

TEST_F(PointsFlowTest, BalanceAndRecentEntriesPrivatelyOnly) {
  EXPECT_TRUE(Has(Vol("积分"), "您的积分：0 分"));
  EXPECT_TRUE(Has(Staff("奖励积分 vol-1 8 协助搬运物资"), "奖励 8 分，当前 8 分"));
  const std::string points = Vol("积分");
  EXPECT_TRUE(Has(points, "您的积分：8 分")) << points;
  EXPECT_TRUE(Has(points, "2026-12-10 +8 奖励/调整 协助搬运物资")) << points;
  const std::string group = InGroup("积分", "vol-1");
  EXPECT_TRUE(Has(group, "请私聊我办理")) << group;
  EXPECT_FALSE(Has(group, "8 分"));
}

TEST_F(PointsFlowTest, RedeemListsTheCatalogueAndHoldsUntilTheExchangeDay) {
  const std::string list = Vol("兑换");
  EXPECT_TRUE(Has(list, "每月 15 日统一发放，下次 2026-12-15")) << list;
  EXPECT_TRUE(Has(list, "soap：洗衣皂 —— 5 分（剩 10 件）")) << list;
  EXPECT_TRUE(Has(Vol("兑换 soap"), "积分不足"));
  Staff("奖励积分 vol-1 7 活动");
  const std::string reserved = Vol("兑换 soap");
  EXPECT_TRUE(Has(reserved, "已为您预留：洗衣皂")) << reserved;
  EXPECT_TRUE(Has(reserved, "剩余 2 分")) << reserved;
  EXPECT_TRUE(Has(reserved, "请于 2026-12-15")) << reserved;
  EXPECT_TRUE(Has(Vol("兑换 caviar"), "没有这件物品"));
  EXPECT_TRUE(Has(Vol("积分"), "待领取的兑换：洗衣皂"));

  const std::string pending = Staff("兑换单");
  EXPECT_TRUE(Has(pending, "兑换单 1：洗衣皂")) << pending;
  EXPECT_TRUE(Has(Vol("发放 1"), "只有工作人员"));
  h_.TakeOutbox();
  EXPECT_TRUE(Has(Staff("发放 1"), "已标记为已发放"));
  auto told = h_.TakeOutbox();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].to.user_id, "vol-1");
  EXPECT_TRUE(Has(Staff("取消兑换 1"), "状态已变更"));
  EXPECT_TRUE(Has(Staff("兑换单"), "没有待发放的兑换"));
}

TEST_F(PointsFlowTest, CancelReleasesTheHoldAndReverseCompensates) {
  Staff("奖励积分 vol-1 5 活动");
  Vol("兑换 soap");
  EXPECT_TRUE(Has(Staff("取消兑换 1"), "积分已退回，此人当前 5 分"));
  auto entries = storage::PointsStore::Recent(h_.db(), vol_, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].reason, "redeem_release");
  const int64_t award = (*entries)[2].id;
  EXPECT_TRUE(Has(Staff("冲正 " + std::to_string(award) + " 记错了"), "此人当前 0 分"));
  EXPECT_TRUE(Has(Staff("冲正 " + std::to_string(award)), "已经冲正过了"));
  EXPECT_TRUE(Has(Staff("扣除积分 vol-1 1 测试"), "积分不足"));
  EXPECT_TRUE(Has(Staff("奖励积分 vol-1 五 x"), "用法"));
  EXPECT_TRUE(Has(Vol("奖励积分 vol-1 100 我自己"), "只有工作人员"));
  auto balance = storage::PointsStore::Balance(h_.db(), vol_);
  ASSERT_TRUE(balance.ok());
  EXPECT_EQ(*balance, 0);
}

TEST_F(PointsFlowTest, TheLeaderboardInAGroupShowsDisplayNamesOnly) {
  EXPECT_TRUE(Has(InGroup("最美志愿者", "vol-1"), "本月还没有志愿者获得积分"));
  storage::Volunteer v;
  v.person_id = vol_;
  v.display_name = "王师傅";
  v.organisation = "区税务局党支部";
  v.status = storage::VolunteerStatus::kActive;
  ASSERT_TRUE(storage::VolunteerStore::Upsert(h_.db(), v).ok());
  Staff("奖励积分 vol-1 9 帮王阿姨修水管");
  const std::string board = InGroup("最美志愿者", "someone");
  EXPECT_TRUE(Has(board, "2026-12 最美志愿者")) << board;
  EXPECT_TRUE(Has(board, "1. 王师傅 —— 9 分")) << board;
  EXPECT_FALSE(Has(board, "区税务局")) << board;
  EXPECT_FALSE(Has(board, "修水管")) << board;
  EXPECT_FALSE(Has(board, "vol-1")) << board;
}

}  // namespace
}  // namespace linli::dialogs::points_flow_test
