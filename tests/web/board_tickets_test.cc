// The board's ticket pages (web/board_tickets.h): hostile staff text is escaped, the filters
// and paging work as links and a plain GET form, deferred and closed tickets show their
// details, bad parameters are a 400 page naming them, unknown tickets a 404 page, and a full
// page of long tickets stays under 50 KB.
#include "web/board_tickets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/web/board_fixture.h"

namespace linli::web::board_tickets_test {
namespace {

using storage::TicketStatus;
using ::testing::HasSubstr;
using ::testing::Not;

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class BoardTicketsTest : public BoardFixture {};

TEST_F(BoardTicketsTest, HostileStaffTextIsEscapedEverywhere) {
  domain::PublicTicket t;
  t.number = 7;
  t.category = "repair";
  t.building = "3\"><script>alert(1)</script>";
  t.status = TicketStatus::kDeferred;
  t.created_at_ms = clock_.NowMillis();
  t.public_summary = "<script>alert('x')</script>";
  t.public_notes.push_back({clock_.NowMillis(), "note", "<img src=x onerror=alert(1)>", ""});
  t.deferral = domain::PublicDeferral{"<b>预算</b>", "\"><iframe>", "2027-03-01"};
  for (bool whole : {false, true}) {
    const std::string html = RenderTicketCard(View(), t, whole);
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<img")));
    EXPECT_THAT(html, Not(HasSubstr("<iframe")));
    EXPECT_THAT(html, Not(HasSubstr("<b>")));
    EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  }
}

TEST_F(BoardTicketsTest, RootRedirectsToTheBoard) {
  const HttpResponse r = Get(BoardHome, "/");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(HeaderOf(r, "Location"), "/board");
  EXPECT_EQ(HeaderOf(Get(BoardHome, "/", {{"lang", "en"}}), "Location"), "/board?lang=en");
}

TEST_F(BoardTicketsTest, ListsNewestFirstWithTheFilterFormAndNavigation) {
  AddTicket("repair", "3", TicketStatus::kNew, 30, "楼道灯已报修");
  AddTicket("noise", "1", TicketStatus::kAccepted, 20, "夜间施工噪音");
  const HttpResponse r = Get(BoardTickets, "/board");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  const std::string& html = r.body;
  EXPECT_LT(html.find("#2"), html.find("#1"));  // newest first
  EXPECT_THAT(html, HasSubstr("夜间施工噪音"));
  EXPECT_THAT(html, HasSubstr("<form method=\"get\" action=\"/board\""));
  EXPECT_THAT(html, HasSubstr("<select name=\"status\">"));
  EXPECT_THAT(html, HasSubstr("<select name=\"category\">"));
  EXPECT_THAT(html, HasSubstr("<select name=\"building\">"));
  EXPECT_THAT(html, HasSubstr("href=\"/board/tickets/2\""));
  for (const char* nav : {"/board/covenants", "/board/wishes", "/board/volunteers",
                          "/board/red-black", "/board/stats"}) {
    EXPECT_THAT(html, HasSubstr(std::string("href=\"") + nav + "\"")) << nav;
  }
  EXPECT_THAT(html, HasSubstr("共 2 件"));
  EXPECT_THAT(html, Not(HasSubstr("1502")));        // the resident's words never
  EXPECT_THAT(html, Not(HasSubstr("3号楼2单元")));  // nor the unit
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST_F(BoardTicketsTest, FiltersByStatusCategoryAndBuilding) {
  AddTicket("repair", "3", TicketStatus::kNew, 50, "甲");
  AddTicket("repair", "1", TicketStatus::kDeferred, 40, "乙");
  AddTicket("noise", "3", TicketStatus::kDeferred, 30, "丙");
  auto shown = [&](std::map<std::string, std::string> q) {
    const HttpResponse r = Get(BoardTickets, "/board", q);
    EXPECT_EQ(r.status, 200);
    std::string got;
    for (const char* s : {"甲", "乙", "丙"}) {
      if (r.body.find(std::string("<p>") + s + "</p>") != std::string::npos) got += s;
    }
    return got;
  };
  EXPECT_EQ(shown({}), "甲乙丙");
  EXPECT_EQ(shown({{"status", "deferred"}}), "乙丙");
  EXPECT_EQ(shown({{"category", "repair"}}), "甲乙");
  EXPECT_EQ(shown({{"building", "3"}}), "甲丙");
  EXPECT_EQ(shown({{"status", "deferred"}, {"building", "3"}}), "丙");
  EXPECT_EQ(shown({{"status", ""}, {"category", ""}, {"building", ""}}), "甲乙丙");  // "all"
  // The form shows the choice.
  const std::string html = Get(BoardTickets, "/board", {{"status", "deferred"}}).body;
  EXPECT_THAT(html, HasSubstr("<option value=\"deferred\" selected>"));
  EXPECT_THAT(html, HasSubstr("共 2 件"));
}

TEST_F(BoardTicketsTest, BadParametersAreA400PageNamingThem) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"status", "bogus"}, {"category", "<x>"}, {"building", "99"}, {"page", "0"},
           {"page", "-1"}, {"page", "abc"}, {"page", "99999999"}}) {
    const HttpResponse r = Get(BoardTickets, "/board", {{name, value}});
    EXPECT_EQ(r.status, 400) << name << "=" << value;
    EXPECT_THAT(r.body, HasSubstr("参数“" + name + "”的值无效")) << name;
    EXPECT_THAT(r.body, Not(HasSubstr("<x>")));
  }
  const HttpResponse en = Get(BoardTickets, "/board", {{"building", "9"}, {"lang", "en"}});
  EXPECT_EQ(en.status, 400);
  EXPECT_THAT(en.body, HasSubstr("The value of &quot;building&quot; is not valid."));
}

TEST_F(BoardTicketsTest, PagesOfTwentyWithLinksThatKeepTheFilter) {
  for (int i = 0; i < 25; ++i) AddTicket("repair", "2", TicketStatus::kNew, 100 - i);
  const std::string first = Get(BoardTickets, "/board", {{"building", "2"}}).body;
  EXPECT_EQ(Count(first, "<article class=\"card\">"), 20u);
  EXPECT_THAT(first, HasSubstr(">#25</a>"));
  EXPECT_THAT(first, Not(HasSubstr(">#5</a>")));
  EXPECT_THAT(first, HasSubstr("第 1/2 页"));
  EXPECT_THAT(first, HasSubstr("rel=\"next\" href=\"/board?building=2&amp;page=2\""));
  EXPECT_THAT(first, Not(HasSubstr("rel=\"prev\"")));
  const std::string second = Get(BoardTickets, "/board", {{"building", "2"}, {"page", "2"}}).body;
  EXPECT_EQ(Count(second, "<article class=\"card\">"), 5u);
  EXPECT_THAT(second, HasSubstr(">#5</a>"));
  EXPECT_THAT(second, HasSubstr(">#1</a>"));
  EXPECT_THAT(second, HasSubstr("rel=\"prev\" href=\"/board?building=2\""));
  EXPECT_THAT(second, Not(HasSubstr("rel=\"next\"")));
  // Beyond the last page: nothing, and a way back.
  const std::string third = Get(BoardTickets, "/board", {{"page", "3"}}).body;
  EXPECT_EQ(Count(third, "<article class=\"card\">"), 0u);
  EXPECT_THAT(third, HasSubstr("rel=\"prev\""));
  // English links keep the language.
  const std::string en = Get(BoardTickets, "/board", {{"lang", "en"}}).body;
  EXPECT_THAT(en, HasSubstr("href=\"/board?page=2&amp;lang=en\""));
  EXPECT_THAT(en, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(en, HasSubstr("<input type=\"hidden\" name=\"lang\" value=\"en\">"));
}

TEST_F(BoardTicketsTest, DeferredAndClosedTicketsShowTheirDetails) {
  storage::Ticket d = AddTicket("property", "4", TicketStatus::kDeferred, 60, "外墙渗水");
  d.deferred_reason = "需要维修基金审批";
  d.deferred_plan = "业主大会表决后施工";
  d.deferred_until = "2027-03-31";
  ASSERT_TRUE(storage::TicketStore::Update(*db_, d).ok());
  storage::Ticket c = AddTicket("repair", "5", TicketStatus::kClosed, 50, "路灯已修好");
  c.resolved_at_ms = clock_.NowMillis() - 40 * 60000;
  c.rating = "basic";
  c.rating_comment = "修得慢 我是住户本人";
  c.rated_at_ms = clock_.NowMillis() - 30 * 60000;
  ASSERT_TRUE(storage::TicketStore::Update(*db_, c).ok());
  AddPublicNote(c, "已更换灯泡", clock_.NowMillis() - 45 * 60000);

  const std::string html = Get(BoardTickets, "/board").body;
  EXPECT_THAT(html, HasSubstr("暂缓原因：需要维修基金审批"));
  EXPECT_THAT(html, HasSubstr("计划：业主大会表决后施工"));
  EXPECT_THAT(html, HasSubstr("预计 2027-03-31 前"));
  EXPECT_THAT(html, HasSubstr("居民评价：基本满意（2026-11-30）"));
  EXPECT_THAT(html, HasSubstr("解决于 2026-11-30"));
  EXPECT_THAT(html, HasSubstr("已更换灯泡"));
  EXPECT_THAT(html, Not(HasSubstr("修得慢")));  // the resident's comment is theirs

  const HttpResponse one = Get(BoardTicket, "/board/tickets/2", {}, {{"n", "2"}});
  ASSERT_EQ(one.status, 200);
  EXPECT_THAT(one.body, HasSubstr("<title>报事 #2</title>"));
  EXPECT_THAT(one.body, HasSubstr("公开处理记录"));
  EXPECT_THAT(one.body, HasSubstr("已更换灯泡"));
  EXPECT_THAT(one.body, HasSubstr("居民评价：基本满意"));
  const std::string en = Get(BoardTicket, "/board/tickets/1", {{"lang", "en"}}, {{"n", "1"}}).body;
  EXPECT_THAT(en, HasSubstr("Deferred because: 需要维修基金审批"));
  EXPECT_THAT(en, HasSubstr("Expected by 2027-03-31"));
  EXPECT_THAT(en, HasSubstr("Property service"));
}

TEST_F(BoardTicketsTest, UnknownOrMalformedTicketIsA404Page) {
  AddTicket("repair", "3", TicketStatus::kNew, 10);
  for (const std::string n : {"2", "0", "abc", "1x", "99999999999999999999"}) {
    const HttpResponse r = Get(BoardTicket, "/board/tickets/" + n, {}, {{"n", n}});
    EXPECT_EQ(r.status, 404) << n;
    EXPECT_THAT(r.body, HasSubstr("没有这个页面或编号"));
  }
}

TEST_F(BoardTicketsTest, AFullPageOfLongTicketsStaysUnder50KB) {
  std::string long_text;
  while (long_text.size() < 2000) long_text += "因管道老化需整体更换，物业已联系施工队，";
  for (int i = 0; i < 30; ++i) {
    storage::Ticket t = AddTicket("property", std::to_string(1 + i % 6),
                                  i % 2 ? TicketStatus::kDeferred : TicketStatus::kClosed, 100 - i,
                                  long_text);
    t.deferred_reason = long_text;
    t.deferred_plan = long_text;
    t.deferred_until = "2027-06-30";
    t.rating = "satisfied";
    t.rated_at_ms = clock_.NowMillis();
    ASSERT_TRUE(storage::TicketStore::Update(*db_, t).ok());
    for (int k = 0; k < 8; ++k) AddPublicNote(t, long_text, clock_.NowMillis() - k);
  }
  for (const std::string lang : {"zh-CN", "en"}) {
    const std::string html = Get(BoardTickets, "/board", {{"lang", lang}}).body;
    EXPECT_EQ(Count(html, "<article class=\"card\">"), 20u);
    EXPECT_LT(html.size(), 50u * 1024) << lang;
    // The card's last 3 of 8 notes.
    EXPECT_THAT(html, HasSubstr(lang == "en" ? "5 more notes" : "另有 5 条记录"));
  }
  // One ticket's whole history of 8 long notes too.
  const std::string one = Get(BoardTicket, "/board/tickets/3", {}, {{"n", "3"}}).body;
  EXPECT_EQ(Count(one, long_text), 11u);  // summary, reason, plan, 8 notes
  EXPECT_LT(one.size(), 50u * 1024);
}

}  // namespace
}  // namespace linli::web::board_tickets_test
