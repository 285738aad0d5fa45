// The board's other pages (web/board_covenants.h, board_wishes.h, board_volunteers.h,
// board_red_black.h): what each shows, hostile text escaped, nothing personal from the
// stores, and the shared navigation and language switch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/report_store.h"
#include "storage/wish_store.h"
#include "tests/web/board_fixture.h"
#include "web/board_covenants.h"
#include "web/board_red_black.h"
#include "web/board_volunteers.h"
#include "web/board_wishes.h"

namespace linli::web::board_pages_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class BoardPagesTest : public BoardFixture {};

TEST_F(BoardPagesTest, NavigationMarksTheSectionAndSwitchesLanguage) {
  const HttpResponse r = Get(BoardWishes, "/board/wishes");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("<a href=\"/board/wishes\" aria-current=\"page\">微心愿</a>"));
  EXPECT_THAT(r.body, HasSubstr("<a href=\"/board\">报事</a>"));
  EXPECT_THAT(r.body, HasSubstr("href=\"/board/wishes?lang=en\" hreflang=\"en\">English</a>"));
  const HttpResponse en = Get(BoardWishes, "/board/wishes", {{"lang", "en"}});
  EXPECT_THAT(en.body, HasSubstr("<a href=\"/board/wishes?lang=en\" aria-current=\"page\">Wishes</a>"));
  EXPECT_THAT(en.body, HasSubstr("hreflang=\"zh-CN\">中文</a>"));
}

TEST_F(BoardPagesTest, CovenantsShowOpenAndClosedWithResultsEscaped) {
  std::vector<domain::decisions::PublicDecision> ds(2);
  ds[0].id = 4;
  ds[0].kind = "covenant";
  ds[0].matter = "informal";
  ds[0].status = "open";
  ds[0].title = "<script>养犬公约</script>";
  ds[0].body = "第一条\n第二条";
  ds[0].closes_at_ms = clock_.NowMillis();
  ds[1].id = 3;
  ds[1].kind = "covenant";
  ds[1].matter = "ordinary";
  ds[1].status = "closed";
  ds[1].title = "停车公约";
  ds[1].has_result = true;
  ds[1].adopted = true;
  ds[1].result_text = "#3 “停车公约”已通过。\n参与：10/12 户";
  ds[1].closed_at_ms = clock_.NowMillis();
  const std::string html = RenderCovenants(View(), ds);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;养犬公约&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("投票中"));
  EXPECT_THAT(html, HasSubstr("投票截止 2026-11-30"));
  EXPECT_THAT(html, HasSubstr("第一条<br>第二条"));
  EXPECT_THAT(html, HasSubstr("已通过"));
  EXPECT_THAT(html, HasSubstr("参与：10/12 户"));
  EXPECT_THAT(RenderCovenants(View(), {}), HasSubstr("还没有付诸表决的公约"));
  // From the database: nothing yet.
  EXPECT_EQ(Get(BoardCovenants, "/board/covenants").status, 200);
}

TEST_F(BoardPagesTest, WishWallHasNoContactAndMasksTheText) {
  storage::Wish w;
  w.category = "shopping";
  w.text = "帮忙买菜 <b>急</b>，找王秀兰 13912345678，2单元301室";
  w.building = "5";
  w.contact_name = "王秀兰";
  w.contact_phone = "13912345678";
  w.contact_unit = "5-2-301";
  w.status = storage::WishStatus::kOpen;
  w.deadline = "2026-12-05";
  w.created_at_ms = clock_.NowMillis();
  ASSERT_TRUE(storage::WishStore::Create(*db_, w).ok());
  w.status = storage::WishStatus::kPending;
  w.text = "待审核的心愿";
  ASSERT_TRUE(storage::WishStore::Create(*db_, w).ok());
  const std::string html = Get(BoardWishes, "/board/wishes").body;
  EXPECT_THAT(html, HasSubstr("#1 代购 · 5号楼"));
  EXPECT_THAT(html, HasSubstr("帮忙买菜 &lt;b&gt;急&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("期限 2026-12-05"));
  EXPECT_THAT(html, Not(HasSubstr("王秀兰")));
  EXPECT_THAT(html, Not(HasSubstr("13912345678")));
  EXPECT_THAT(html, Not(HasSubstr("301")));
  EXPECT_THAT(html, Not(HasSubstr("待审核的心愿")));
}

TEST_F(BoardPagesTest, LeaderboardRowsAndEmptyMonth) {
  const std::string html = RenderVolunteers(View("en"), "2026-11",
                                            {{1, "赵志愿", 30}, {2, "<i>Li</i>", 10}});
  EXPECT_THAT(html, HasSubstr("<td>1</td><td>赵志愿</td><td>30</td>"));
  EXPECT_THAT(html, HasSubstr("&lt;i&gt;Li&lt;/i&gt;"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"col\">Points</th>"));
  EXPECT_THAT(Get(BoardVolunteers, "/board/volunteers").body, HasSubstr("本月还没有志愿者获得积分"));
}

TEST_F(BoardPagesTest, RedBlackShowsOnlyConfirmedLists) {
  EXPECT_THAT(Get(BoardRedBlack, "/board/red-black").body, HasSubstr("还没有认定的红黑榜"));
  domain::reports::RedBlackList list;
  list.quarter = "2026-Q3";
  domain::reports::CompanyFigures a;
  a.id = "sun";
  a.name = "阳光<物业>";
  a.received = 12;
  a.solved = 10;
  a.ranked = true;
  a.score = 81.34;
  a.rank = 1;
  a.list = "red";
  a.satisfaction_rate = 0.75;
  a.median_hours = 6.5;
  list.companies.push_back(a);
  storage::ReportDraft d;
  d.kind = "red_black";
  d.period = "2026-Q3";
  d.body = domain::reports::ToJson(list).dump();
  d.created_at_ms = clock_.NowMillis();
  ASSERT_TRUE(*storage::ReportStore::CreateDraftIfAbsent(*db_, d));
  EXPECT_THAT(Get(BoardRedBlack, "/board/red-black").body, HasSubstr("还没有认定的红黑榜"));  // a draft
  ASSERT_TRUE(*storage::ReportStore::Confirm(*db_, "red_black", "2026-Q3", 0, "key", clock_.NowMillis()));
  const std::string html = Get(BoardRedBlack, "/board/red-black").body;
  EXPECT_THAT(html, HasSubstr("2026-Q3 季度"));
  EXPECT_THAT(html, HasSubstr("阳光&lt;物业&gt;"));
  EXPECT_THAT(html, HasSubstr("<td>81.3</td>"));
  EXPECT_THAT(html, HasSubstr("<td>75%</td>"));
  EXPECT_THAT(html, HasSubstr("<td>6.5</td>"));
  EXPECT_EQ(Get(BoardRedBlack, "/board/red-black", {{"quarter", "2026-Q3"}}).status, 200);
  EXPECT_EQ(Get(BoardRedBlack, "/board/red-black", {{"quarter", "2026-Q2"}}).status, 404);
  const HttpResponse bad = Get(BoardRedBlack, "/board/red-black", {{"quarter", "2026-Q9"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("quarter"));
}

}  // namespace
}  // namespace linli::web::board_pages_test
