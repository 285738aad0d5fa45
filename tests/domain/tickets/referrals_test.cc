// The referral service's pure parts and rules (issue 11 point 8): finding a department by id or
// name, the department's message (public parts only), the tier rule from the authority table,
// and each referral event's wording for residents and staff.
#include "domain/tickets/referrals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/tickets/authority.h"
#include "domain/tickets/ticket_history.h"

namespace linli::domain::referrals_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

config::Texts ShippedTexts() {
  auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : config::Texts();
}

config::Config Departments() {
  config::Config c;
  c.compound.name = "幸福里小区";
  c.departments.push_back({"chengguan", "城管", "robot", "robot", 24});
  c.departments.push_back({"police", "派出所", "tg", "-100", 12});
  return c;
}

TEST(ReferralsTest, FindDepartmentByNameOrId) {
  const config::Config c = Departments();
  EXPECT_EQ(FindDepartment(c, "城管"), &c.departments[0]);
  EXPECT_EQ(FindDepartment(c, "chengguan"), &c.departments[0]);
  EXPECT_EQ(FindDepartment(c, "Police"), &c.departments[1]);
  EXPECT_EQ(FindDepartment(c, " 派出所 "), &c.departments[1]);
  EXPECT_EQ(FindDepartment(c, "消防"), nullptr);
  EXPECT_EQ(FindDepartment(c, ""), nullptr);
}

TEST(ReferralsTest, TheMessageCarriesThePublicPartsInBothLocales) {
  const config::Texts texts = ShippedTexts();
  const config::Config c = Departments();
  ReferralCard card{12, "环境卫生", "3号楼", "占道经营", "请执法"};
  for (const char* l : {"zh-CN", "en"}) {
    const std::string m = RenderReferral(texts, l, c, c.departments[0], card);
    EXPECT_THAT(m, HasSubstr("#12")) << l;
    EXPECT_THAT(m, HasSubstr("环境卫生")) << l;
    EXPECT_THAT(m, HasSubstr("3号楼")) << l;
    EXPECT_THAT(m, HasSubstr("占道经营")) << l;
    EXPECT_THAT(m, HasSubstr("请执法")) << l;
    EXPECT_THAT(m, HasSubstr("城管")) << l;
    EXPECT_THAT(m, Not(HasSubstr("{"))) << l;
  }
  card.description = "";
  card.note = "";
  EXPECT_THAT(RenderReferral(texts, "zh-CN", c, c.departments[0], card), HasSubstr("情况：-"));
}

TEST(ReferralsTest, ActsOnTierFollowsTheAuthorityTable) {
  for (StaffTier who : kAllStaffTiers) {
    for (storage::Tier tier : storage::kAllTiers) {
      EXPECT_EQ(ActsOnTier(who, tier), MayAct(who, tier, "accept")) << Name(who) << " " << tier;
    }
  }
  EXPECT_TRUE(ActsOnTier(StaffTier::kGrid, storage::Tier::kCompound));
  EXPECT_FALSE(ActsOnTier(StaffTier::kGrid, storage::Tier::kCommunity));
  EXPECT_TRUE(ActsOnTier(StaffTier::kCommunity, storage::Tier::kCommunity));
  EXPECT_FALSE(ActsOnTier(StaffTier::kCommunity, storage::Tier::kStreet));
}

TEST(ReferralsTest, EachEventHasItsWordingAndTheNoteStaysInternal) {
  const config::Texts texts = ShippedTexts();
  storage::TicketEvent e;
  e.kind = "referred";
  e.note = "城管\n摊主是王五";
  EXPECT_EQ(DescribeEvent(texts, "zh-CN", e, HistoryAudience::kResident), "已转交城管部门协同处理");
  EXPECT_THAT(DescribeEvent(texts, "en", e, HistoryAudience::kResident), Not(HasSubstr("王五")));
  EXPECT_THAT(DescribeEvent(texts, "zh-CN", e, HistoryAudience::kStaff), HasSubstr("摊主是王五"));
  e.kind = "department_answered";
  e.note = "城管\n已清理";
  EXPECT_EQ(DescribeEvent(texts, "zh-CN", e, HistoryAudience::kResident), "城管部门答复：已清理");
  EXPECT_THAT(DescribeEvent(texts, "en", e, HistoryAudience::kStaff), HasSubstr("已清理"));
  e.kind = "referral_reminder";
  e.note = "城管";
  EXPECT_EQ(DescribeEvent(texts, "zh-CN", e, HistoryAudience::kResident), "");
  EXPECT_THAT(DescribeEvent(texts, "zh-CN", e, HistoryAudience::kStaff), HasSubstr("城管"));
}

}  // namespace
}  // namespace linli::domain::referrals_test
