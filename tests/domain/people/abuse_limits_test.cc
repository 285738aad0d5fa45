#include "domain/people/abuse_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/people/invite_code.h"
#include "domain/people/roster_import.h"
#include "storage/roster_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::abuse_limits_test {
namespace {

using dialogs::DialogHarness;

InboundMessage From(const std::string& user, InboundKind kind = InboundKind::kMessage) {
  InboundMessage in;
  in.conversation = {"tg", user, user, ChatType::kPrivate};
  in.kind = kind;
  in.text = "你好";
  return in;
}

Admission Admit(DialogHarness& h, const InboundMessage& in) {
  auto a = AdmitTurn(h.db(), h.config().limits, in, h.clock().NowMillis());
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? *a : Admission::kAdmit;
}

TEST(AbuseLimitsTest, TwentyTurnsAMinuteThenOneWarningThenSilence) {
  DialogHarness h;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Admit(h, From("a")), Admission::kAdmit) << i;
  EXPECT_EQ(Admit(h, From("a")), Admission::kSlowDown);
  EXPECT_EQ(Admit(h, From("a")), Admission::kSilent);
  EXPECT_EQ(Admit(h, From("b")), Admission::kAdmit);  // per identity
  // Platform events (follow, menu clicks) are not counted.
  EXPECT_EQ(Admit(h, From("a", InboundKind::kEvent)), Admission::kAdmit);
  h.clock().Advance(std::chrono::seconds(59));
  EXPECT_EQ(Admit(h, From("a")), Admission::kSilent);
  h.clock().Advance(std::chrono::seconds(1));  // the window that began with the first turn ends
  EXPECT_EQ(Admit(h, From("a")), Admission::kAdmit);
}

TEST(AbuseLimitsTest, TheLimitComesFromTheConfig) {
  config::Config c = dialogs::DemoConfig();
  c.limits.messages_per_minute = 2;
  DialogHarness h(c);
  EXPECT_EQ(Admit(h, From("a")), Admission::kAdmit);
  EXPECT_EQ(Admit(h, From("a")), Admission::kAdmit);
  EXPECT_EQ(Admit(h, From("a")), Admission::kSlowDown);
}

TEST(AbuseLimitsTest, UnboundResidentsOpenThreeTicketsADay) {
  DialogHarness h;
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(h.Report("u"), i);
  // The fourth report is refused at confirmation and creates nothing.
  for (const char* s : {"报事", "2", "3号楼2单元", "楼道灯又坏了", "跳过"}) h.Say(s, "u");
  EXPECT_THAT(DialogHarness::Text(h.Say("1", "u")), ::testing::HasSubstr("上限（3件）"));
  EXPECT_EQ(*storage::TicketStore::Count(h.db()), 3);
  // Another resident is not affected; staff are never limited.
  EXPECT_EQ(h.Report("other"), 4);
  for (int i = 0; i < 4; ++i) h.Report("staff-1");
  EXPECT_EQ(*storage::TicketStore::Count(h.db()), 8);
  // A day later the resident may report again.
  h.clock().Advance(std::chrono::hours(24) + std::chrono::minutes(1));
  EXPECT_EQ(h.Report("u"), 9);
}

TEST(AbuseLimitsTest, HouseholdMembersShareTheirCap) {
  config::Config c = dialogs::DemoConfig();
  c.limits.tickets_per_household_per_day = 2;
  c.limits.tickets_per_unbound_per_day = 5;
  DialogHarness h(c);
  ASSERT_TRUE(ImportRoster(h.db(),
                           "building,unit,room,area_m2,owner_name,phone\n3,2,301,90,张三,13800000000\n",
                           c.compound, false, 1000)
                  .ok());
  auto codes = storage::RosterStore::EnsureCodes(h.db(), "", 1000, DrawInviteCode);
  ASSERT_TRUE(codes.ok() && !codes->empty());
  const std::string code = (*codes)[0].code;
  h.Say("绑定 " + code, "wife");
  auto second = storage::RosterStore::EnsureCodes(h.db(), "", 2000, DrawInviteCode);  // a new code for the husband
  ASSERT_TRUE(second.ok() && !second->empty());
  h.Say("绑定 " + (*second)[0].code, "husband");
  EXPECT_EQ(h.Report("wife"), 1);
  EXPECT_EQ(h.Report("husband"), 2);
  for (const char* s : {"报事", "2", "3号楼2单元", "电梯异响", "跳过"}) h.Say(s, "wife");
  EXPECT_THAT(DialogHarness::Text(h.Say("1", "wife")), ::testing::HasSubstr("上限（2件）"));
  EXPECT_EQ(*storage::TicketStore::Count(h.db()), 2);
}

}  // namespace
}  // namespace linli::domain::abuse_limits_test
