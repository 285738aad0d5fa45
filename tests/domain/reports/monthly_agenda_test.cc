// The monthly agenda post (一月一议, issue 11 point 6): its schedule, its month, and the agenda
// plus the month's wishes and decisions, with nothing personal.
#include "domain/reports/monthly_agenda.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/decision_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/wish_store.h"

namespace linli::domain::monthly_agenda_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kDay = 24 * 3600'000LL;
constexpr int64_t kDec1At0830 = 1796085000000;  // 2026-12-01 08:30 Asia/Shanghai

TEST(AgendaPostScheduleTest, DaysBeforeTheMeetingDayAtTheConfiguredTime) {
  EXPECT_EQ(AgendaPostSchedule(config::AgendaConfig{}), Schedule::Monthly(12, 9, 0));
  EXPECT_EQ(AgendaPostSchedule(config::AgendaConfig{1, 0, "07:45"}), Schedule::Monthly(1, 7, 45));
  EXPECT_EQ(AgendaPostSchedule(config::AgendaConfig{28, 27, "23:59"}), Schedule::Monthly(1, 23, 59));
}

TEST(AgendaPostScheduleTest, PreviousMonthInTheZone) {
  EXPECT_EQ(PreviousMonth(kDec1At0830, "Asia/Shanghai"), "2026-11");
  // 2026-01-01 02:00 in Shanghai is still 2025-12-31 in UTC.
  const int64_t jan1_0200 = 1767204000000;
  EXPECT_EQ(PreviousMonth(jan1_0200, "Asia/Shanghai"), "2025-12");
  EXPECT_EQ(PreviousMonth(jan1_0200, "UTC"), "2025-11");
}

TEST(AgendaPostTest, TheAgendaWithTheMonthsWishesAndDecisions) {
  auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(storage::Migrate(**db).ok());
  auto texts = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  ASSERT_TRUE(texts.ok());
  config::Config c;
  c.compound.name = "幸福里小区";
  c.compound.buildings.push_back({"3", {"1", "2"}});
  c.staff.push_back({"tg", "staff-1", "王网格", "grid", "staff"});
  const int64_t nov10 = kDec1At0830 - 21 * kDay;
  auto wish = [&](storage::WishStatus status, int64_t at) {
    storage::Wish w;
    w.requester_person_id = 1;
    w.channel = "tg";
    w.category = "medical";
    w.text = "张三丰 13812345678 需要陪诊";
    w.building = "3";
    w.contact_name = "张三丰";
    w.contact_phone = "13812345678";
    w.contact_unit = "2单元301";
    w.status = status;
    w.created_at_ms = at;
    w.updated_at_ms = at;
    auto made = storage::WishStore::Create(**db, w);
    EXPECT_TRUE(made.ok());
    return made.ok() ? made->number : 0;
  };
  const int64_t confirmed = wish(storage::WishStatus::kConfirmed, nov10);
  wish(storage::WishStatus::kPending, nov10);            // never public: not listed
  const int64_t october = wish(storage::WishStatus::kOpen, nov10 - 30 * kDay);
  storage::Decision d;
  d.title = "王网格：3-2-301 门口禁放电动车";
  d.closes_at_ms = nov10 + 5 * kDay;
  auto id = storage::DecisionStore::Create(**db, d);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(storage::DecisionStore::Open(**db, *id, "sha", "salt", nov10).ok());
  storage::Decision later;
  later.title = "十二月的表决";
  auto later_id = storage::DecisionStore::Create(**db, later);
  ASSERT_TRUE(later_id.ok());
  ASSERT_TRUE(storage::DecisionStore::Open(**db, *later_id, "sha", "salt", kDec1At0830).ok());

  auto md = RenderAgendaPost(**db, c, *texts, "2026-11", "zh-CN");
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  const std::string& t = *md;
  EXPECT_THAT(t, HasSubstr("2026-12-15 联席会议"));
  EXPECT_THAT(t, HasSubstr("# 幸福里小区 2026-11 月度联席会议议题"));
  EXPECT_THAT(t, HasSubstr("## 本月微心愿\n\n- 心愿 " + std::to_string(confirmed) + " 就医陪护 · 3号楼 · 已完成\n\n"));
  EXPECT_THAT(t, Not(HasSubstr("心愿 " + std::to_string(october) + " ")));
  EXPECT_THAT(t, HasSubstr("- #" + std::to_string(*id) + "【公约】"));
  EXPECT_THAT(t, HasSubstr("投票中 · 已参与 0/0"));
  EXPECT_THAT(t, Not(HasSubstr("十二月的表决")));
  for (const char* secret : {"张三", "13812345678", "王网格", "301", "2单元", "陪诊"}) {
    EXPECT_THAT(t, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_FALSE(RenderAgendaPost(**db, c, *texts, "2026-13", "zh-CN").ok());
}

}  // namespace
}  // namespace linli::domain::monthly_agenda_test
