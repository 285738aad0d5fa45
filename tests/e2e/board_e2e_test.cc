// The public board through the real server (issue 12 point 1): a problem reported through
// the Telegram webhook is on GET /board and GET /board/tickets/<n> with its status, and
// follows staff's actions; / redirects to the board; bad parameters and unknown tickets get
// their 400 and 404 pages. And the privacy scan of the "Done when": generated residents type
// their names, phones, ID numbers, units and rooms into reports and wishes, staff write them
// into public notes, summaries and deferrals, volunteers fulfil the wish, the red/black list
// is confirmed - and no board page, in either language, shows any of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/roster_store.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::board_e2e_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr int64_t kDec1At0900 = 1796086800000;  // 2026-12-01 09:00 Asia/Shanghai
constexpr int64_t kJan1At0030 = kDec1At0900 + 31 * kDay - 510 * kMinute;  // 2027-01-01 00:30

constexpr int64_t kGrid = 7810001;
constexpr int64_t kCommunity = 7810002;
constexpr int64_t kVolunteer = 7810003;
constexpr int64_t kResidents[] = {7820001, 7820002, 7820003};
constexpr int64_t kVolunteerGroup = -1007801;

// GET `path` until `pred` holds for the answer or kWait passes (the outbox and the write
// queue are asynchronous); the last answer either way.
template <typename Pred>
HttpResult GetUntil(Harness& h, const std::string& path, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  for (;;) {
    HttpResult r = h.Get(path);
    if (pred(r) || std::chrono::steady_clock::now() > deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

class BoardE2eTest : public ::testing::Test {
 protected:
  void Say(int64_t user, const std::string& text) { ASSERT_EQ(h_.SendText(user, text), 200); }
  void Report(int64_t user, const std::string& location, const std::string& description) {
    for (const std::string& s : {std::string("报事"), std::string("2"), location, description,
                                 std::string("跳过"), std::string("1")}) {
      Say(user, s);
    }
  }
  testing::FakeClock clock_{kDec1At0900};
  Harness h_;
};

TEST_F(BoardE2eTest, AReportedTicketIsOnTheBoardWithItsStatus) {
  AppOptions options;
  options.clock = &clock_;
  ASSERT_TRUE(h_.StartApp(options, [](config::Config& c) {
    c.timezone = "Asia/Shanghai";
    c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
  }));
  const HttpResult root = h_.Get("/");
  EXPECT_EQ(root.status, 303);
  EXPECT_EQ(h_.Get("/board").status, 200);
  EXPECT_THAT(h_.Get("/board").body, HasSubstr("共 0 件"));

  Report(kResidents[0], "3号楼2单元", "楼道灯坏了，晚上很黑");
  HttpResult board = GetUntil(h_, "/board", [](const HttpResult& r) {
    return r.body.find("/board/tickets/1\"") != std::string::npos;
  });
  ASSERT_EQ(board.status, 200);
  EXPECT_EQ(board.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(board.body, HasSubstr(">#1</a> 设施维修 · 3号楼"));
  EXPECT_THAT(board.body, HasSubstr("<span class=\"tag\">待受理</span>"));
  EXPECT_THAT(board.body, HasSubstr("报于 2026-12-01"));
  EXPECT_THAT(board.body, Not(HasSubstr("楼道灯坏了")));  // the resident's words stay private
  EXPECT_THAT(board.body, Not(HasSubstr("2单元")));

  Say(kGrid, "受理 1");
  Say(kGrid, "摘要 1 3号楼楼道灯损坏，已安排更换");
  Say(kGrid, "公开备注 1 师傅明天上午到");
  const HttpResult one = GetUntil(h_, "/board/tickets/1", [](const HttpResult& r) {
    return r.body.find("师傅明天上午到") != std::string::npos;
  });
  ASSERT_EQ(one.status, 200);
  EXPECT_THAT(one.body, HasSubstr("<title>报事 #1</title>"));
  EXPECT_THAT(one.body, HasSubstr("<span class=\"tag\">已受理</span>"));
  EXPECT_THAT(one.body, HasSubstr("3号楼楼道灯损坏，已安排更换"));
  EXPECT_THAT(one.body, HasSubstr("公开处理记录"));
  EXPECT_THAT(h_.Get("/board?status=accepted").body, HasSubstr("/board/tickets/1\""));
  EXPECT_THAT(h_.Get("/board?status=new").body, Not(HasSubstr("/board/tickets/1\"")));
  EXPECT_THAT(h_.Get("/board/tickets/1?lang=en").body, HasSubstr("Repairs · Building 3"));

  const HttpResult bad = h_.Get("/board?building=99");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("building"));
  EXPECT_EQ(h_.Get("/board/tickets/2").status, 404);
  EXPECT_EQ(h_.Get("/board/tickets/abc").status, 404);
  for (const char* page : {"/board/covenants", "/board/wishes", "/board/volunteers",
                           "/board/red-black", "/board/stats"}) {
    const HttpResult r = h_.Get(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_LT(r.body.size(), 50u * 1024) << page;
  }
  EXPECT_THAT(h_.Get("/board/stats").body, HasSubstr("<title>2026-12 已受理: 1</title>"));
}

// A generated resident: what must never be on the board.
struct Resident {
  int64_t user = 0;
  std::string name;
  std::string phone;
  std::string id_number;
  std::string unit;  // "2单元"
  std::string room;  // "1502"
};

std::vector<Resident> GenerateResidents() {
  std::mt19937 rng(20261202);  // fixed: the same data on every run
  const std::vector<std::string> surnames = {"欧阳", "司马", "诸葛", "上官"};
  const std::vector<std::string> given = {"明轩", "若曦", "浩然", "静怡", "子涵", "雨桐"};
  std::vector<Resident> out;
  for (size_t i = 0; i < std::size(kResidents); ++i) {
    Resident r;
    r.user = kResidents[i];
    r.name = surnames[i % surnames.size()] + given[rng() % given.size()];
    r.phone = "1" + std::to_string(3 + rng() % 7);
    for (int d = 0; d < 9; ++d) r.phone += std::to_string(rng() % 10);
    r.id_number = "1101051990";
    for (int d = 0; d < 7; ++d) r.id_number += std::to_string(rng() % 10);
    r.id_number += (rng() % 2) ? "X" : std::to_string(rng() % 10);
    r.unit = std::to_string(1 + i) + "单元";
    r.room = std::to_string(1000 + 100 * (1 + rng() % 20) + 1 + rng() % 4);
    out.push_back(r);
  }
  return out;
}

std::string Hostile(const Resident& r, const std::string& what) {
  return what + "，我是" + r.name + "，电话" + r.phone + "，身份证" + r.id_number + "，住3号楼" +
         r.unit + r.room + "室 <script>alert(1)</script>";
}

TEST_F(BoardE2eTest, NoBoardPageShowsAGeneratedResidentsPersonalData) {
  const std::vector<Resident> residents = GenerateResidents();
  AppOptions options;
  options.clock = &clock_;
  ASSERT_TRUE(h_.StartApp(options, [](config::Config& c) {
    c.timezone = "Asia/Shanghai";
    c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
    c.staff.push_back({kChannel, std::to_string(kCommunity), "李社区", "community", "staff"});
    c.volunteers.push_back({kChannel, std::to_string(kVolunteer), "赵志愿", "区税务局党支部"});
    c.groups.push_back({"volunteers", kChannel, std::to_string(kVolunteerGroup), {"wishes"}, {}});
    c.property_companies.push_back({"sun", "阳光物业", {"1", "2", "3", "4", "5", "6"}});
    c.red_black.min_tickets = 1;
    c.red_black.min_appraisals = 0;
    c.wishes.points_per_wish = 10;
  }));
  {
    auto db = h_.OpenDb();
    ASSERT_TRUE(db);
    std::vector<storage::Household> households;
    for (const Resident& r : residents) {
      storage::Household hh;
      hh.building = "3";
      hh.unit = r.unit.substr(0, r.unit.find("单元"));
      hh.room = r.room;
      hh.area_m2 = 90;
      hh.owner_name = r.name;
      hh.phone = r.phone;
      households.push_back(hh);
    }
    ASSERT_TRUE(storage::RosterStore::Import(*db, households, false, 1, nullptr, nullptr).ok());
  }
  // Each resident reports, typing everything personal; staff write it into what is public.
  for (size_t i = 0; i < residents.size(); ++i) {
    const Resident& r = residents[i];
    const std::string n = std::to_string(i + 1);
    Report(r.user, "3号楼" + r.unit + r.room, Hostile(r, "楼道灯坏了"));
    Say(kGrid, "受理 " + n);
    Say(kGrid, "摘要 " + n + " 已联系业主" + r.name + "（" + r.phone + "）");
    Say(kGrid, "公开备注 " + n + " 师傅已联系" + r.name + "，电话" + r.phone + "，身份证" + r.id_number);
  }
  Say(kGrid, "暂缓 1 " + residents[0].name + "家需要协调|联系" + residents[0].phone + "|2027-01-31");
  Say(kGrid, "解决 2 已为" + residents[1].name + "更换灯泡");
  Say(residents[1].user, "评价 2 满意");
  // A wish with everything personal in it, approved, claimed, fulfilled and confirmed.
  const Resident& w = residents[2];
  for (const std::string& s : {std::string("心愿"), Hostile(w, "帮我买降压药"), std::string("1"),
                               std::string("跳过"), std::string("跳过"), std::string("1")}) {
    Say(w.user, s);
  }
  Say(kGrid, "通过 1");
  json claim{{"update_id", h_.NextUpdateId()},
             {"message",
              {{"message_id", 990101},
               {"from", {{"id", kVolunteer}, {"is_bot", false}, {"first_name", "志愿者"}}},
               {"chat", {{"id", kVolunteerGroup}, {"title", "志愿者群"}, {"type", "supergroup"}}},
               {"date", 1796086800},
               {"text", "认领 1"}}}};
  ASSERT_EQ(h_.PostWebhook(claim.dump()).status, 200);
  Say(kVolunteer, "完成 1 2");
  Say(w.user, "1");  // 确认完成
  // The quarter's red/black list, confirmed.
  clock_.SetMillis(kJan1At0030);
  ASSERT_TRUE(h_.app().RunDueJobs().ok());
  Say(kCommunity, "认定 红黑榜 2026-Q4");
  clock_.SetMillis(kJan1At0030 - kDay);  // back in December for the month's leaderboard

  // Every board page, in both languages, with the filters and each ticket.
  std::vector<std::string> paths = {"/board", "/board?status=deferred", "/board?building=3",
                                    "/board/covenants", "/board/wishes", "/board/volunteers",
                                    "/board/red-black", "/board/stats"};
  for (size_t i = 1; i <= residents.size(); ++i) paths.push_back("/board/tickets/" + std::to_string(i));
  // The pages show what happened (the scan is over real content, not empty pages).
  EXPECT_THAT(GetUntil(h_, "/board/wishes", [](const HttpResult& r) {
                return r.body.find("降压药") != std::string::npos;
              }).body,
              HasSubstr("降压药"));
  EXPECT_THAT(h_.Get("/board").body, HasSubstr("暂缓原因"));
  EXPECT_THAT(h_.Get("/board/tickets/2").body, HasSubstr("居民评价：满意"));
  EXPECT_THAT(h_.Get("/board/red-black").body, HasSubstr("阳光物业"));
  EXPECT_THAT(h_.Get("/board/volunteers").body, HasSubstr("赵志愿"));

  const std::regex phone("(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)");
  const std::regex id_number("[0-9]{17}[0-9Xx]");
  int scanned = 0;
  for (const std::string& lang : {std::string(""), std::string("lang=en")}) {
    for (const std::string& p : paths) {
      const std::string path =
          lang.empty() ? p : p + (p.find('?') == std::string::npos ? "?" : "&") + lang;
      const HttpResult r = h_.Get(path);
      SCOPED_TRACE(path);
      ASSERT_EQ(r.status, 200);
      ++scanned;
      EXPECT_LT(r.body.size(), 50u * 1024);
      EXPECT_FALSE(std::regex_search(r.body, phone));
      EXPECT_FALSE(std::regex_search(r.body, id_number));
      EXPECT_THAT(r.body, Not(HasSubstr("<script")));
      for (const Resident& res : residents) {
        EXPECT_THAT(r.body, Not(HasSubstr(res.name)));
        EXPECT_THAT(r.body, Not(HasSubstr(res.phone.substr(3, 4)))) << "phone middle digits";
        EXPECT_THAT(r.body, Not(HasSubstr(res.unit)));
        EXPECT_THAT(r.body, Not(HasSubstr(res.room)));
        EXPECT_THAT(r.body, Not(HasSubstr(res.id_number.substr(6, 8))));
      }
    }
  }
  EXPECT_EQ(scanned, 2 * static_cast<int>(paths.size()));
}

}  // namespace
}  // namespace linli::e2e::board_e2e_test
