// The statistics page (web/board_stats.h, web/svg_chart.h): every number drawn in a chart is
// the number in the table beside it; charts are inline SVG without scripts or links; hostile
// labels are escaped; the page stays under 50 KB.
#include "web/board_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "tests/web/board_fixture.h"
#include "web/svg_chart.h"

namespace linli::web::board_stats_test {
namespace {

namespace dr = domain::reports;
using ::testing::HasSubstr;
using ::testing::Not;

dr::BoardStats SampleStats() {
  dr::BoardStats s;
  const char* months[] = {"2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"};
  for (int i = 0; i < 6; ++i) {
    dr::MonthFigures m;
    m.month = months[i];
    m.by_status[0] = i;          // new
    m.by_status[4] = 2 * i + 1;  // closed
    m.by_status[5] = i % 2;      // deferred
    m.tickets = m.by_status[0] + m.by_status[4] + m.by_status[5];
    m.ratings = i;
    m.good_ratings = i / 2;
    if (m.ratings > 0) m.satisfaction_rate = static_cast<double>(m.good_ratings) / m.ratings;
    m.wishes_fulfilled = 3 * i;
    m.hours_centi = 150 * i;
    s.months.push_back(m);
  }
  s.by_tier = {{"compound", 4, 12.5}, {"community", 1, 30.0}, {"street", 0, std::nullopt}};
  s.by_category = {{"repair", 3, 8.0}, {"noise", 2, 2.4}};
  return s;
}

// The <title> texts of the bars in the svg charts and the cell texts of each table row
// (th then tds).
std::vector<std::string> BarTitles(const std::string& html) {
  std::vector<std::string> out;
  static const std::regex re("<rect [^>]*><title>([^<]*)</title></rect>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

std::vector<std::vector<std::string>> TableRows(const std::string& html) {
  std::vector<std::vector<std::string>> rows;
  static const std::regex row("<tr>(.*?)</tr>");
  static const std::regex cell("<t[hd][^>]*>([^<]*)</t[hd]>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), row); it != std::sregex_iterator(); ++it) {
    std::vector<std::string> r;
    const std::string inner = (*it)[1];
    for (auto c = std::sregex_iterator(inner.begin(), inner.end(), cell); c != std::sregex_iterator(); ++c) {
      r.push_back((*c)[1]);
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

bool RowHas(const std::vector<std::vector<std::string>>& rows, const std::string& first,
            const std::string& value) {
  for (const auto& r : rows) {
    if (r.empty() || r[0] != first) continue;
    for (size_t i = 1; i < r.size(); ++i) {
      if (r[i] == value) return true;
    }
  }
  return false;
}

class BoardStatsTest : public BoardFixture {};

TEST_F(BoardStatsTest, EveryBarsNumberIsInTheTableBesideIt) {
  const std::string html = RenderStats(View(), SampleStats());
  const auto titles = BarTitles(html);
  const auto rows = TableRows(html);
  ASSERT_GT(titles.size(), 30u);
  // Each bar's title is "<label>[ <series>]: <text>"; the table row of <label> has <text>.
  for (const std::string& t : titles) {
    const size_t colon = t.rfind(": ");
    ASSERT_NE(colon, std::string::npos) << t;
    const std::string text = t.substr(colon + 2);
    std::string label = t.substr(0, colon);
    if (label.size() > 7 && label[4] == '-') label = label.substr(0, 7);  // "2026-11 待受理"
    EXPECT_TRUE(RowHas(rows, label, text)) << t;
  }
  // Spot checks of specific figures in chart and table alike.
  EXPECT_THAT(html, HasSubstr("<title>2026-12 已关闭: 11</title>"));
  EXPECT_TRUE(RowHas(rows, "2026-12", "11"));
  EXPECT_THAT(html, HasSubstr("<title>2026-11: 50%</title>"));   // 2 of 4 good
  EXPECT_TRUE(RowHas(rows, "2026-11", "50%"));
  EXPECT_THAT(html, HasSubstr("<title>2026-12: 7.5</title>"));   // 750 centi-hours
  EXPECT_TRUE(RowHas(rows, "2026-12", "7.5"));
  EXPECT_THAT(html, HasSubstr("<title>社区: 30.0</title>"));
  EXPECT_TRUE(RowHas(rows, "社区", "30.0"));
  EXPECT_TRUE(RowHas(rows, "街道", "-"));  // nothing solved: no bar, "-" in the table
  EXPECT_THAT(html, Not(HasSubstr("<title>街道")));
  EXPECT_TRUE(RowHas(rows, "噪音扰民", "2.4"));
  // Statuses that never occur get no series and no column.
  EXPECT_THAT(html, Not(HasSubstr("已受理")));
  // Totals above the stacked columns.
  EXPECT_TRUE(RowHas(rows, "2026-12", "17"));  // 5 + 11 + 1
  EXPECT_THAT(html, HasSubstr(">17</text>"));
}

TEST_F(BoardStatsTest, ChartsAreInlineSvgWithoutScriptsAndEscapeTheirLabels) {
  ChartSeries s{"<b>x</b>", "#123456\" onload=\"alert(1)", {1, 2}, {"1", "<2>"}};
  const std::string svg = ColumnChart("t<script>", {"a&b", "c"}, {s, s}, {"2", "4"});
  EXPECT_EQ(svg.rfind("<svg role=\"img\"", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("<title>t&lt;script&gt;</title>"));
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, Not(HasSubstr("\" onload=\"")));
  EXPECT_THAT(svg, HasSubstr("a&amp;b &lt;b&gt;x&lt;/b&gt;: 1"));
  EXPECT_THAT(svg, HasSubstr("&lt;2&gt;"));
  const std::string bars = BarChart("h", {"x"}, {"", "#000", {3}, {"3.0"}});
  EXPECT_THAT(bars, HasSubstr("<title>x: 3.0</title>"));
  // Nothing to draw: no bar at all, the text still written.
  const std::string empty = BarChart("h", {"x"}, {"", "#000", {-1}, {"-"}});
  EXPECT_THAT(empty, Not(HasSubstr("<rect")));
  EXPECT_THAT(empty, HasSubstr(">-</text>"));
}

TEST_F(BoardStatsTest, PageFromTheDatabaseIsSmallAndSelfContained) {
  AddTicket("repair", "3", storage::TicketStatus::kNew, 60);
  const HttpResponse r = Get(BoardStats, "/board/stats", {{"lang", "en"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("Tickets per month by status"));
  EXPECT_THAT(r.body, HasSubstr("<title>2026-11 new: 1</title>"));
  EXPECT_THAT(r.body, HasSubstr("<th scope=\"row\">2026-06</th>"));  // six months
  EXPECT_THAT(r.body, Not(HasSubstr("<script")));
  EXPECT_THAT(r.body, Not(HasSubstr("http")));
  EXPECT_LT(r.body.size(), 50u * 1024);
  EXPECT_LT(RenderBoardPage(View(), BoardSection::kStats, "统计", RenderStats(View(), SampleStats())).size(),
            50u * 1024);
}

}  // namespace
}  // namespace linli::web::board_stats_test
