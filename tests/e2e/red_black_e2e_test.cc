// The quarterly red/black list (红黑榜, issue 11 point 7) through the real server: a resident's
// report is handled; at quarter end (the fake clock) the job drafts the list and sends it to
// the community worker privately; the draft is not public; a resident's and a grid worker's
// 认定 are refused; the community worker's confirms it, the list reaches the staff group and
// the public API returns it; confirming again posts nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::red_black_e2e_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

constexpr int64_t kResident = 101;
constexpr int64_t kGrid = 9000;
constexpr int64_t kCommunity = 9001;
constexpr int64_t kGroup = -1001;
constexpr int64_t kSept20 = 1789869600000;         // 2026-09-20 10:00 +08:00
constexpr int64_t kOct1At0030 = 1790785800000;     // 2026-10-01 00:30 +08:00

TEST(RedBlackE2eTest, DraftedAtQuarterEndConfirmedByCommunityStaffThenPublished) {
  testing::FakeClock clock(kSept20);
  Harness h;
  AppOptions options;
  options.clock = &clock;
  ASSERT_TRUE(h.StartApp(options, [](config::Config& c) {
    c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
    c.staff.push_back({kChannel, std::to_string(kCommunity), "李社区", "community", "staff"});
    c.property_companies = {{"sun", "阳光物业", {"3"}}, {"home", "安居物业", {"1", "2"}}};
    c.red_black.min_tickets = 1;
    c.red_black.min_appraisals = 0;
    c.groups.push_back({"work", kChannel, std::to_string(kGroup), {"reports"}, {}});
  }));

  // A report in building 3, accepted and solved by the grid worker.
  for (const char* step : {"报事", "2", "3号楼2单元", "楼道灯坏了，晚上很黑", "跳过", "1"}) {
    ASSERT_EQ(h.SendText(kResident, step), 200);
    ASSERT_FALSE(h.NextReplyText(kResident).empty()) << step;
  }
  ASSERT_EQ(h.SendText(kGrid, "受理 1"), 200);
  h.WaitForReplies(kGrid, 1);
  ASSERT_EQ(h.WaitForReplies(kResident, 1).size(), 1u);  // 已受理
  ASSERT_EQ(h.SendText(kGrid, "解决 1 已更换灯泡"), 200);
  h.WaitForReplies(kGrid, 1);
  ASSERT_EQ(h.WaitForReplies(kResident, 1).size(), 1u);  // 已解决, please rate
  ASSERT_TRUE(h.NoMoreReplies(kResident));

  // Quarter end: the job drafts 2026-Q3 and tells the community worker.
  clock.SetMillis(kOct1At0030);
  auto ran = h.app().RunDueJobs();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  const std::string draft = h.NextReplyText(kCommunity);
  EXPECT_THAT(draft, HasSubstr("【红黑榜】幸福里小区 2026-Q3"));
  EXPECT_THAT(draft, HasSubstr("认定 红黑榜 2026-Q3"));
  EXPECT_THAT(draft, HasSubstr("阳光物业"));
  EXPECT_TRUE(h.NoMoreReplies(kGroup));
  ASSERT_EQ(h.WaitForReplies(kResident, 1).size(), 1u);  // the same jump closed #1 unrated
  auto before = h.Get("/api/public/red-black?quarter=2026-Q3");
  EXPECT_EQ(before.status, 404) << before.body;

  // Refused to a resident and to a grid worker.
  ASSERT_EQ(h.SendText(kResident, "认定 红黑榜 2026-Q3"), 200);
  EXPECT_THAT(h.NextReplyText(kResident), HasSubstr("只有社区或街道工作人员可以认定红黑榜"));
  ASSERT_EQ(h.SendText(kGrid, "认定 红黑榜 2026-Q3"), 200);
  EXPECT_THAT(h.NextReplyText(kGrid), HasSubstr("只有社区或街道工作人员可以认定红黑榜"));
  EXPECT_TRUE(h.NoMoreReplies(kGroup));

  // The community worker confirms: the group gets it, the board serves it.
  ASSERT_EQ(h.SendText(kCommunity, "认定 红黑榜 2026-Q3"), 200);
  EXPECT_THAT(h.NextReplyText(kCommunity), HasSubstr("已认定 2026-Q3 红黑榜"));
  const std::string posted = h.NextReplyText(kGroup);
  EXPECT_THAT(posted, HasSubstr("【红黑榜】幸福里小区 2026-Q3"));
  EXPECT_THAT(posted, HasSubstr("红榜：阳光物业"));
  EXPECT_THAT(posted, HasSubstr("评分方法"));
  for (const char* secret : {"楼道灯坏了", "2单元", "王网格", "李社区", "101"}) {
    EXPECT_THAT(posted, Not(HasSubstr(secret))) << secret;
  }
  auto one = h.Get("/api/public/red-black?quarter=2026-Q3");
  ASSERT_EQ(one.status, 200) << one.body;
  const json j = json::parse(one.body, nullptr, false);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.value("quarter", ""), "2026-Q3");
  ASSERT_TRUE(j.contains("companies") && j["companies"].size() == 2);
  EXPECT_EQ(j["companies"][0].value("name", ""), "阳光物业");
  EXPECT_EQ(j["companies"][0].value("received", 0), 1);
  EXPECT_EQ(j["companies"][0].value("solved", 0), 1);
  EXPECT_EQ(j["companies"][0].value("list", ""), "red");
  EXPECT_EQ(j["companies"][1].value("unranked_reason", ""), "tickets");
  EXPECT_THAT(one.body, Not(HasSubstr("楼道灯坏了")));
  auto all = h.Get("/api/public/red-black");
  ASSERT_EQ(all.status, 200);
  const json lists = json::parse(all.body, nullptr, false);
  ASSERT_TRUE(lists.contains("lists"));
  ASSERT_EQ(lists["lists"].size(), 1u);
  EXPECT_EQ(h.Get("/api/public/red-black?quarter=2026-Q9").status, 400);

  // Confirming twice does nothing the second time.
  ASSERT_EQ(h.SendText(kCommunity, "认定 红黑榜 2026-Q3"), 200);
  EXPECT_THAT(h.NextReplyText(kCommunity), HasSubstr("已认定过"));
  EXPECT_TRUE(h.NoMoreReplies(kGroup));
}

}  // namespace
}  // namespace linli::e2e::red_black_e2e_test
