// The red/black list's pure parts (domain/reports/red_black.h): the median, the rates, the
// score, the minimums that leave a company unranked, the top/bottom rule, the rendering (with
// the method) and the CSV.
#include "domain/reports/red_black.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace linli::domain::reports::red_black_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kHour = int64_t{3600} * 1000;

config::Config Companies() {
  config::Config c;
  c.compound.name = "幸福里小区";
  c.property_companies = {{"alpha", "阳光物业", {"1", "2"}},
                          {"beta", "安居物业", {"3"}},
                          {"gamma", "宜家物业", {"4"}}};
  c.red_black.min_tickets = 2;
  c.red_black.min_appraisals = 2;
  c.red_black.top_n = 1;
  c.red_black.bottom_n = 1;
  return c;
}

TicketFact Ticket(const std::string& building, int64_t solved_after_h, int64_t deadline_h,
                  bool reopened = false) {
  TicketFact t;
  t.building = building;
  t.created_at_ms = 1000 * kHour;
  t.first_resolved_at_ms = solved_after_h > 0 ? t.created_at_ms + solved_after_h * kHour : 0;
  t.deadline_ms = t.created_at_ms + deadline_h * kHour;
  t.reopened = reopened;
  return t;
}

const CompanyFigures& Find(const RedBlackList& l, const std::string& id) {
  for (const auto& f : l.companies) {
    if (f.id == id) return f;
  }
  ADD_FAILURE() << "no company " << id;
  static CompanyFigures none;
  return none;
}

TEST(RedBlackTest, MedianOfOddEvenAndNone) {
  EXPECT_FALSE(Median({}).has_value());
  EXPECT_DOUBLE_EQ(*Median({5, 1, 3}), 3);
  EXPECT_DOUBLE_EQ(*Median({10, 2, 4, 8}), 6);  // (4 + 8) / 2
}

TEST(RedBlackTest, FiguresPerCompanyFromTheirBuildings) {
  QuarterFacts f;
  f.quarter = "2026-Q3";
  // alpha (buildings 1 and 2): 4 received, 3 solved (10 h, 20 h on time; 100 h late), one of
  // them reopened; 3 ratings, 2 good; 2 households 5.0 and 4.0.
  f.tickets = {Ticket("1", 10, 72), Ticket("2", 20, 72, true), Ticket("1", 100, 72),
               Ticket("2", 0, 72), Ticket("9", 1, 72) /* no company */};
  f.ratings = {{"1", "satisfied"}, {"2", "basic"}, {"1", "unsatisfied"}, {"9", "satisfied"}};
  f.appraisals = {{"1", 5.0}, {"2", 4.0}};
  const RedBlackList l = ComputeRedBlack(Companies(), f);
  const CompanyFigures& a = Find(l, "alpha");
  EXPECT_EQ(a.name, "阳光物业");
  EXPECT_EQ(a.received, 4);
  EXPECT_EQ(a.solved, 3);
  EXPECT_EQ(a.on_time, 2);
  EXPECT_EQ(a.reopened, 1);
  EXPECT_DOUBLE_EQ(*a.median_hours, 20);
  EXPECT_DOUBLE_EQ(*a.on_time_rate, 0.5);
  EXPECT_DOUBLE_EQ(*a.satisfaction_rate, 2.0 / 3);
  EXPECT_DOUBLE_EQ(*a.reopen_rate, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*a.appraisal_mean, 4.5);
  EXPECT_EQ(a.appraisals, 2);
  ASSERT_TRUE(a.ranked);
  // 100 x (40 x 0.875 + 30 x 0.5 + 20 x 2/3 + 10 x 2/3) / 100 = 70.0
  EXPECT_DOUBLE_EQ(a.score, 70.0);
  EXPECT_EQ(a.rank, 1);
}

TEST(RedBlackTest, TooFewTicketsOrAppraisalsLeavesACompanyUnrankedWithTheReason) {
  QuarterFacts f;
  f.quarter = "2026-Q3";
  f.tickets = {Ticket("1", 5, 72), Ticket("1", 5, 72), Ticket("3", 5, 72), Ticket("4", 5, 72),
               Ticket("4", 5, 72)};
  f.appraisals = {{"1", 5}, {"1", 4}, {"4", 3}};
  const RedBlackList l = ComputeRedBlack(Companies(), f);
  EXPECT_TRUE(Find(l, "alpha").ranked);
  EXPECT_FALSE(Find(l, "beta").ranked);
  EXPECT_EQ(Find(l, "beta").unranked_reason, "tickets");  // 1 < 2 (and no appraisal)
  EXPECT_EQ(Find(l, "beta").list, "");
  EXPECT_FALSE(Find(l, "gamma").ranked);
  EXPECT_EQ(Find(l, "gamma").unranked_reason, "appraisals");  // 2 tickets, 1 household
  // The ranked come first.
  ASSERT_EQ(l.companies.size(), 3u);
  EXPECT_EQ(l.companies[0].id, "alpha");
  // One ranked company: it is red; the black list does not take it too.
  EXPECT_EQ(Find(l, "alpha").list, "red");
}

TEST(RedBlackTest, TopAndBottomByScoreNeverOverlap) {
  config::Config c = Companies();
  c.red_black.min_tickets = 1;
  c.red_black.min_appraisals = 1;
  QuarterFacts f;
  f.quarter = "2026-Q3";
  f.tickets = {Ticket("1", 5, 72), Ticket("3", 100, 72), Ticket("4", 5, 72)};
  f.appraisals = {{"1", 5}, {"3", 1}, {"4", 3}};
  RedBlackList l = ComputeRedBlack(c, f);
  EXPECT_EQ(Find(l, "alpha").list, "red");
  EXPECT_EQ(Find(l, "gamma").list, "");
  EXPECT_EQ(Find(l, "beta").list, "black");
  EXPECT_EQ(Find(l, "beta").rank, 3);
  EXPECT_DOUBLE_EQ(Find(l, "beta").score, 12.5);  // only "not reopened": 10 of 80 (no ratings)
  // top 2 and bottom 2 of three: the black list gets what the red one left.
  c.red_black.top_n = 2;
  c.red_black.bottom_n = 2;
  l = ComputeRedBlack(c, f);
  EXPECT_EQ(Find(l, "alpha").list, "red");
  EXPECT_EQ(Find(l, "gamma").list, "red");
  EXPECT_EQ(Find(l, "beta").list, "black");
  c.red_black.top_n = 0;
  c.red_black.bottom_n = 0;
  l = ComputeRedBlack(c, f);
  for (const auto& x : l.companies) EXPECT_EQ(x.list, "") << x.id;
}

TEST(RedBlackTest, APartWithoutDataIsLeftOutOfTheScore) {
  config::Config c = Companies();
  c.red_black.min_tickets = 1;
  c.red_black.min_appraisals = 0;
  QuarterFacts f;
  f.quarter = "2026-Q3";
  f.tickets = {Ticket("3", 0, 72)};  // nothing solved, no rating, no appraisal
  const RedBlackList l = ComputeRedBlack(c, f);
  const CompanyFigures& b = Find(l, "beta");
  ASSERT_TRUE(b.ranked);
  EXPECT_FALSE(b.median_hours.has_value());
  EXPECT_FALSE(b.reopen_rate.has_value());
  EXPECT_DOUBLE_EQ(b.score, 0.0);  // on time 0 / 1 is the only part
}

config::Texts Shipped() {
  auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : config::Texts();
}

RedBlackList Sample() {
  QuarterFacts f;
  f.quarter = "2026-Q3";
  f.tickets = {Ticket("1", 10, 72), Ticket("1", 30, 72), Ticket("3", 100, 72),
               Ticket("3", 100, 72), Ticket("4", 5, 72)};
  f.ratings = {{"1", "satisfied"}, {"3", "unsatisfied"}};
  f.appraisals = {{"1", 5}, {"2", 4}, {"3", 2}, {"3", 2}};
  return ComputeRedBlack(Companies(), f);
}

TEST(RedBlackTest, RenderedWithListsFiguresUnrankedAndTheMethod) {
  const std::string text = RenderRedBlack(Shipped(), "zh-CN", "幸福里小区", Sample(), true);
  EXPECT_THAT(text, HasSubstr("【红黑榜】幸福里小区 2026-Q3"));
  EXPECT_THAT(text, HasSubstr("红榜：阳光物业（"));
  EXPECT_THAT(text, HasSubstr("黑榜：安居物业（"));
  EXPECT_THAT(text, HasSubstr("1. 阳光物业"));
  EXPECT_THAT(text, HasSubstr("办结用时中位 20.0 小时"));
  EXPECT_THAT(text, HasSubstr("满意率 100%（1 条评价）"));
  EXPECT_THAT(text, HasSubstr("民主评议 4.50 分（2 户）"));
  EXPECT_THAT(text, HasSubstr("未排名：宜家物业——本季度受理 1 件，少于 2 件"));
  EXPECT_THAT(text, HasSubstr("评分方法"));
  EXPECT_THAT(text, HasSubstr("民主评议（1-5 分折算）占 40%"));
  EXPECT_THAT(text, Not(HasSubstr("草稿")));
  const std::string draft = RenderRedBlack(Shipped(), "zh-CN", "幸福里小区", Sample(), false);
  EXPECT_THAT(draft, HasSubstr("认定 红黑榜 2026-Q3"));
  const std::string en = RenderRedBlack(Shipped(), "en", "Xingfu", Sample(), true);
  EXPECT_THAT(en, HasSubstr("Red list: 阳光物业"));
  EXPECT_THAT(en, HasSubstr("Method"));
  EXPECT_THAT(en, Not(HasSubstr("[red_black.")));  // every key exists in en
  EXPECT_THAT(text, Not(HasSubstr("[red_black.")));
}

TEST(RedBlackTest, JsonRoundTripsAndCsvHasOneRowPerCompany) {
  const RedBlackList l = Sample();
  auto back = RedBlackFromJson(ToJson(l));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToJson(*back), ToJson(l));
  EXPECT_FALSE(RedBlackFromJson(nlohmann::json::array()).ok());
  const std::string csv = RedBlackCsv(l);
  EXPECT_THAT(csv, HasSubstr("quarter,company_id,company,rank,list,score"));
  EXPECT_THAT(csv, HasSubstr("2026-Q3,alpha,阳光物业,1,red,"));
  EXPECT_THAT(csv, HasSubstr("2026-Q3,gamma,宜家物业,,,,no,tickets,1,"));
  size_t lines = 0;
  for (size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 1)) ++lines;
  EXPECT_EQ(lines, 4u);  // header + 3 companies
}

TEST(RedBlackTest, QuarterRangeAndPreviousQuarter) {
  auto q = QuarterRange("2026-Q4", "Asia/Shanghai");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->first, 1790812800000 - 8 * kHour);   // 2026-10-01 00:00 +08:00
  EXPECT_EQ(q->second, 1798761600000 - 8 * kHour);  // 2027-01-01 00:00 +08:00
  for (const char* bad : {"2026-Q5", "2026-Q0", "2026Q1", "2026-q1", "2026-Q1x", ""}) {
    EXPECT_EQ(QuarterRange(bad, "Asia/Shanghai").status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto prev = PreviousQuarter(q->first, "Asia/Shanghai");
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(*prev, "2026-Q3");
  EXPECT_EQ(*PreviousQuarter(q->first - 1, "Asia/Shanghai"), "2026-Q2");
  EXPECT_EQ(*PreviousQuarter(q->second + kHour, "Asia/Shanghai"), "2026-Q4");
}

}  // namespace
}  // namespace linli::domain::reports::red_black_test
