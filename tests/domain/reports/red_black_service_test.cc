// The red/black list over the stores (domain/reports/red_black_service.h): facts gathered from
// tickets, ratings and the quarter's closed appraisal; the draft made once at quarter end and
// sent to community staff; 认定 by community staff confirms once and posts to the "reports"
// groups; grid staff and residents are refused.
#include "domain/reports/red_black_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/decision_store.h"
#include "storage/report_store.h"
#include "storage/roster_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::reports::red_black_service_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

config::Config RedBlackConfig() {
  config::Config c = dialogs::DemoConfig();
  c.staff.push_back({"tg", "staff-c", "李社区", "community", "staff"});
  c.property_companies = {{"alpha", "阳光物业", {"3"}}, {"beta", "安居物业", {"1"}}};
  c.red_black.min_tickets = 1;
  c.red_black.min_appraisals = 2;
  c.groups.push_back({"work", "tg", "-100", {"reports"}, {}});
  c.groups.push_back({"vol", "tg", "-200", {"wishes"}, {}});
  return c;
}

// A closed appraisal of `period` with two scale questions, answered by households of
// building 3 (5+4 and 3+3) and building 1 (2+2).
void CloseAppraisal(storage::Database& db, const std::string& period, int64_t now_ms) {
  std::vector<storage::Household> hs;
  for (const auto& [b, room] : std::vector<std::pair<std::string, std::string>>{
           {"3", "301"}, {"3", "302"}, {"1", "101"}}) {
    storage::Household h;
    h.building = b;
    h.unit = "1";
    h.room = room;
    h.area_centi = 8000;
    hs.push_back(h);
  }
  ASSERT_TRUE(storage::RosterStore::Import(db, hs, false, now_ms, nullptr, nullptr).ok());
  storage::Decision d;
  d.kind = "appraisal";
  d.title = "评议";
  d.period = period;
  d.questions = {{"scale", "服务", {}}, {"scale", "保洁", {}}};
  d.closes_at_ms = now_ms + 1000;
  auto id = storage::DecisionStore::Create(db, d);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(*storage::DecisionStore::Open(db, *id, "sha", "salt", now_ms));
  const std::vector<std::pair<std::string, std::vector<std::string>>> votes = {
      {"301", {"5", "4"}}, {"302", {"3", "3"}}, {"101", {"2", "2"}}};
  for (const auto& [room, answers] : votes) {
    const std::string building = room == "101" ? "1" : "3";
    auto h = storage::RosterStore::FindHousehold(db, building, "1", room);
    ASSERT_TRUE(h.ok() && h->has_value());
    storage::Ballot b;
    b.decision_id = *id;
    b.household_id = (*h)->id;
    b.voter_key = "h:" + std::to_string((*h)->id);
    b.answers = {{answers[0]}, {answers[1]}};
    b.cast_at_ms = now_ms;
    ASSERT_TRUE(*storage::DecisionStore::Cast(db, b));
  }
  ASSERT_TRUE(*storage::DecisionStore::Close(db, *id, now_ms + 1000));
}

TEST(RedBlackServiceTest, FactsFromTicketsRatingsAndTheQuartersAppraisal) {
  dialogs::DialogHarness h(RedBlackConfig());  // 2026-11-25 09:00 Asia/Shanghai: 2026-Q4
  h.Report("user-1");                                // #1 building 3
  h.Report("user-2", "2", "1号楼1单元");              // #2 building 1
  h.Say("受理 1", "staff-1");
  h.clock().Advance(std::chrono::hours(10));
  h.Say("解决 1 已更换灯泡", "staff-1");
  h.Say("评价 1 满意", "user-1");
  CloseAppraisal(h.db(), "2026-Q4", h.clock().NowMillis());

  auto list = ComputeQuarter(h.db(), h.config(), "2026-Q4");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->companies.size(), 2u);
  const CompanyFigures& a = list->companies[0];
  EXPECT_EQ(a.id, "alpha");
  EXPECT_EQ(a.received, 1);
  EXPECT_EQ(a.on_time, 1);
  EXPECT_DOUBLE_EQ(*a.median_hours, 10.0);
  EXPECT_DOUBLE_EQ(*a.satisfaction_rate, 1.0);
  EXPECT_EQ(a.appraisals, 2);
  EXPECT_DOUBLE_EQ(*a.appraisal_mean, 3.75);  // (4.5 + 3) / 2
  EXPECT_TRUE(a.ranked);
  const CompanyFigures& b = list->companies[1];
  EXPECT_EQ(b.id, "beta");
  EXPECT_EQ(b.received, 1);
  EXPECT_EQ(b.solved, 0);
  EXPECT_FALSE(b.ranked);
  EXPECT_EQ(b.unranked_reason, "appraisals");  // one household < 2

  // Another quarter sees none of it.
  auto q3 = ComputeQuarter(h.db(), h.config(), "2026-Q3");
  ASSERT_TRUE(q3.ok());
  EXPECT_EQ(q3->companies[0].received, 0);
  EXPECT_EQ(q3->companies[0].appraisals, 0);
  EXPECT_EQ(q3->companies[0].unranked_reason, "tickets");
  EXPECT_EQ(ComputeQuarter(h.db(), h.config(), "2026-Q9").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RedBlackServiceTest, DraftOnceAtQuarterEndThenConfirmedOnceByCommunityStaff) {
  dialogs::DialogHarness h(RedBlackConfig());
  h.Report("user-1");
  h.Say("你好", "staff-c");  // the community worker has written to the bot
  h.TakeOutbox();
  // At 2027-01-01 00:30 local the quarter just ended is Q4.
  h.clock().Advance(std::chrono::hours(24 * 37 - 9) + std::chrono::minutes(30));
  auto made = EnsureQuarterDraft(h.db(), h.deps(), h.clock().NowMillis());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_TRUE(*made);
  auto again = EnsureQuarterDraft(h.db(), h.deps(), h.clock().NowMillis());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto draft = storage::ReportStore::Get(h.db(), kRedBlackKind, "2026-Q4");
  ASSERT_TRUE(draft.ok() && draft->has_value());
  EXPECT_EQ((*draft)->state, "draft");
  // The draft went to the community worker privately, not to the grid worker nor a group.
  auto out = h.TakeOutbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to.user_id, "staff-c");
  EXPECT_EQ(out[0].to.chat_type, ChatType::kPrivate);
  EXPECT_THAT(out[0].text, HasSubstr("认定 红黑榜 2026-Q4"));

  // Not on the public list while a draft.
  auto confirmed = storage::ReportStore::ListConfirmed(h.db(), kRedBlackKind, 10);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_TRUE(confirmed->empty());

  // A resident and a grid worker are refused; nothing is posted.
  EXPECT_THAT(dialogs::DialogHarness::Text(h.Say("认定 红黑榜 2026-Q4", "user-1")),
              HasSubstr("只有社区或街道工作人员可以认定红黑榜"));
  EXPECT_THAT(dialogs::DialogHarness::Text(h.Say("认定 红黑榜 2026-Q4", "staff-1")),
              HasSubstr("只有社区或街道工作人员可以认定红黑榜"));
  EXPECT_TRUE(h.TakeOutbox().empty());
  EXPECT_EQ((*storage::ReportStore::Get(h.db(), kRedBlackKind, "2026-Q4"))->state, "draft");
  EXPECT_THAT(dialogs::DialogHarness::Text(h.Say("认定 红黑榜 2025-Q1", "staff-c")),
              HasSubstr("该季度还没有红黑榜草稿"));
  EXPECT_THAT(dialogs::DialogHarness::Text(h.Say("认定 红黑榜", "staff-c")),
              HasSubstr("用法：认定 红黑榜 2026-Q3"));

  // The community worker confirms: posted to the "reports" group only.
  EXPECT_THAT(dialogs::DialogHarness::Text(h.Say("认定 红黑榜 2026-Q4", "staff-c")),
              HasSubstr("已认定 2026-Q4 红黑榜，已发布到 1 个群"));
  out = h.TakeOutbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to.chat_id, "-100");
  EXPECT_THAT(out[0].text, HasSubstr("【红黑榜】幸福里小区 2026-Q4"));
  EXPECT_THAT(out[0].text, Not(HasSubstr("草稿")));
  for (const char* secret : {"user-", "楼道灯坏了", "2单元", "王网格", "李社区"}) {
    EXPECT_THAT(out[0].text, Not(HasSubstr(secret))) << secret;
  }
  auto row = storage::ReportStore::Get(h.db(), kRedBlackKind, "2026-Q4");
  EXPECT_EQ((*row)->state, "confirmed");
  EXPECT_EQ((*row)->confirmed_by_name, "李社区");

  // A second confirmation changes nothing and posts nothing.
  EXPECT_THAT(dialogs::DialogHarness::Text(h.Say("认定 红黑榜 2026-Q4", "staff-c")),
              HasSubstr("已认定过，未重复发布"));
  EXPECT_TRUE(h.TakeOutbox().empty());
  EXPECT_EQ((*storage::ReportStore::Get(h.db(), kRedBlackKind, "2026-Q4"))->confirmed_at_ms,
            (*row)->confirmed_at_ms);
}

TEST(RedBlackServiceTest, NoDraftForAQuarterLongGone) {
  dialogs::DialogHarness h(RedBlackConfig());  // 2026-11-25: Q3 ended 55 days ago
  auto made = EnsureQuarterDraft(h.db(), h.deps(), h.clock().NowMillis());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_FALSE(*made);
  EXPECT_FALSE(storage::ReportStore::Get(h.db(), kRedBlackKind, "2026-Q3")->has_value());
}

TEST(RedBlackServiceTest, NoCompaniesNoDraft) {
  config::Config c = RedBlackConfig();
  c.property_companies.clear();
  dialogs::DialogHarness h(c);
  h.clock().Advance(std::chrono::hours(24 * 37));  // 2027-01-01: Q4 just ended
  auto made = EnsureQuarterDraft(h.db(), h.deps(), h.clock().NowMillis());
  ASSERT_TRUE(made.ok());
  EXPECT_FALSE(*made);
}

}  // namespace
}  // namespace linli::domain::reports::red_black_service_test
