// The staff-group posts of issue 11 under the real scheduler and a fake clock: the daily digest
// at digest.time local time and not before, once per day also across restarts, a missed one
// sent once after a restart covering the whole gap; the monthly agenda on its day; and the
// split of long texts within each platform's limit.
#include "bot/server/staff_posts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "adapters/telegram/telegram_codec.h"
#include "bot/server/group_text.h"
#include "bot/server/jobs.h"
#include "bot/server/scheduler.h"
#include "config/texts.h"
#include "domain/common/time_zone.h"
#include "domain/deps.h"
#include "storage/migrations.h"
#include "storage/outbox_store.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"
#include "tests/fakes/fake_clock.h"

namespace linli::staff_posts_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kDec1At0830 = 1796085000000;  // 2026-12-01 08:30 Asia/Shanghai

class StaffPostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto texts = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
    ASSERT_TRUE(texts.ok()) << texts.status().ToString();
    texts_ = std::move(texts).value();
    auto db = storage::OpenSqlite(storage::SqliteOptions{":memory:"});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::Migrate(**db).ok());
    queue_ = std::make_unique<storage::WriteQueue>(std::move(db).value(), 16);
    auto zone = domain::LoadTimeZone("Asia/Shanghai");
    ASSERT_TRUE(zone.ok());
    zone_ = *zone;
    config_.compound.name = "幸福里小区";
    config_.compound.buildings.push_back({"3", {"1", "2"}});
    config::ChannelConfig tg;
    tg.name = "tg";
    tg.type = "telegram";
    config_.channels.push_back(tg);
    config::GroupConfig g;
    g.name = "staff";
    g.channel = "tg";
    g.chat_id = "-100900";
    g.posts = {"digest", "agenda"};
    config_.groups.push_back(g);
  }
  void TearDown() override { queue_->Stop(); }

  // A new process over the same database at `at`: a fresh job list and scheduler, RunDue.
  int RestartAt(int64_t at) {
    clock_.SetMillis(at);
    boost::asio::io_context io;
    Scheduler scheduler(io, *queue_, clock_, zone_);
    for (Job& j : ServerJobs(JobDeps{deps_, [] {}})) {
      if (j.name == kDigestJobName || j.name == kAgendaJobName) {
        EXPECT_TRUE(scheduler.Add(std::move(j)).ok());
      }
    }
    auto n = scheduler.RunDue(at);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  // The texts enqueued for the staff group so far, oldest first.
  std::vector<std::string> Posted() {
    std::vector<std::string> out;
    Status st = queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto items, storage::OutboxStore::ListByStatus(db, "pending", 1000));
      for (const auto& i : items) {
        if (i.message.to.chat_id == "-100900") out.push_back(i.message.text);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  void AddTicket(int64_t created) {
    Status st = queue_->Run([&](storage::Database& db) -> Status {
      storage::Ticket t;
      t.reporter_person_id = 1;
      t.channel = "tg";
      t.category = "repair";
      t.building = "3";
      t.unit = "2";
      t.location_text = "3号楼2单元";
      t.description = "漏水";
      t.created_at_ms = created;
      return storage::TicketStore::Create(db, t).status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  config::Config config_;
  config::Texts texts_;
  testing::FakeClock clock_;
  domain::Deps deps_{config_, texts_, clock_};
  std::shared_ptr<const domain::TimeZone> zone_;
  std::unique_ptr<storage::WriteQueue> queue_;
};

TEST_F(StaffPostsTest, TheJobsAreListedOnlyForGroupsThatTakeThem) {
  auto names = [&] {
    std::vector<std::string> out;
    for (const Job& j : ServerJobs(JobDeps{deps_, [] {}})) out.push_back(j.name);
    return out;
  };
  EXPECT_THAT(names(), ::testing::Contains("digest"));
  EXPECT_THAT(names(), ::testing::Contains("agenda"));
  for (const Job& j : ServerJobs(JobDeps{deps_, [] {}})) {
    if (j.name == "digest") { EXPECT_EQ(j.schedule, domain::Schedule::Daily(8, 30)); }
    if (j.name == "agenda") { EXPECT_EQ(j.schedule, domain::Schedule::Monthly(12, 9, 0)); }
  }
  config_.digest.time = "07:15";
  config_.agenda = {20, 5, "18:00"};
  for (const Job& j : ServerJobs(JobDeps{deps_, [] {}})) {
    if (j.name == "digest") { EXPECT_EQ(j.schedule, domain::Schedule::Daily(7, 15)); }
    if (j.name == "agenda") { EXPECT_EQ(j.schedule, domain::Schedule::Monthly(15, 18, 0)); }
  }
  config_.groups[0].posts = {"wishes"};
  EXPECT_THAT(names(), Not(::testing::Contains("digest")));
  EXPECT_THAT(names(), Not(::testing::Contains("agenda")));
}

TEST_F(StaffPostsTest, TheDigestGoesAtTheConfiguredLocalTimeAndNotBefore) {
  config_.groups[0].posts = {"digest"};
  // First start on November 30 at 09:00: that day's digest (its period began at 08:30).
  EXPECT_EQ(RestartAt(kDec1At0830 - kDay + 30 * kMinute), 1);
  ASSERT_EQ(Posted().size(), 1u);
  AddTicket(kDec1At0830 - 10 * kHour);
  EXPECT_EQ(RestartAt(kDec1At0830 - kMinute), 0);  // 08:29 on December 1: not yet
  EXPECT_EQ(RestartAt(kDec1At0830 - 1), 0);
  ASSERT_EQ(Posted().size(), 1u);
  EXPECT_EQ(RestartAt(kDec1At0830), 1);  // 08:30 local (00:30 UTC)
  auto posted = Posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_THAT(posted[1], HasSubstr("幸福里小区 每日简报 2026-12-01"));
  EXPECT_THAT(posted[1], HasSubstr("**新报事 1 件**\n- 工单 1 · "));
  EXPECT_THAT(posted[1], Not(HasSubstr("漏水")));
  // Again the same day, in this process or after a restart: nothing.
  EXPECT_EQ(RestartAt(kDec1At0830 + kHour), 0);
  EXPECT_EQ(Posted().size(), 2u);
  // The next day: nothing new since, ticket 1 still open.
  EXPECT_EQ(RestartAt(kDec1At0830 + kDay), 1);
  posted = Posted();
  ASSERT_EQ(posted.size(), 3u);
  EXPECT_THAT(posted[2], Not(HasSubstr("新报事")));  // #1 was in yesterday's digest
  EXPECT_THAT(posted[2], HasSubstr("**在办工单 1 件**"));
}

TEST_F(StaffPostsTest, ADigestMissedWhileDownGoesOnceAfterRestartNeverTwice) {
  config_.groups[0].posts = {"digest"};
  EXPECT_EQ(RestartAt(kDec1At0830), 1);
  // Down from December 1 noon to December 3 10:00: tickets came meanwhile.
  AddTicket(kDec1At0830 + 5 * kHour);
  AddTicket(kDec1At0830 + kDay + 5 * kHour);
  EXPECT_EQ(RestartAt(kDec1At0830 + 2 * kDay + 90 * kMinute), 1);  // once, not once per day
  auto posted = Posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_THAT(posted[1], HasSubstr("2026-12-03"));
  EXPECT_THAT(posted[1], HasSubstr("**新报事 2 件**"));  // the whole gap since the last digest
  EXPECT_THAT(posted[1], HasSubstr("- 工单 1 · "));
  EXPECT_THAT(posted[1], HasSubstr("- 工单 2 · "));
  // Restarted again the same morning, and again: the period is recorded, nothing is sent.
  EXPECT_EQ(RestartAt(kDec1At0830 + 2 * kDay + 2 * kHour), 0);
  EXPECT_EQ(RestartAt(kDec1At0830 + 2 * kDay + 3 * kHour), 0);
  EXPECT_EQ(Posted().size(), 2u);
}

TEST_F(StaffPostsTest, AQuietDayStillSendsItsOneLine) {
  config_.groups[0].posts = {"digest"};
  EXPECT_EQ(RestartAt(kDec1At0830), 1);
  auto posted = Posted();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(std::count(posted[0].begin(), posted[0].end(), '\n'), 1) << posted[0];
  EXPECT_THAT(posted[0], HasSubstr("2026-12-01"));
}

TEST_F(StaffPostsTest, TheAgendaGoesDaysBeforeTheMeetingDay) {
  config_.groups[0].posts = {"agenda"};
  // December 1: this period's post (November 12) was for November 15's meeting, long past.
  EXPECT_EQ(RestartAt(kDec1At0830 + 30 * kMinute), 1);
  EXPECT_TRUE(Posted().empty());
  const int64_t dec12_0900 = kDec1At0830 + 11 * kDay + 30 * kMinute;
  EXPECT_EQ(RestartAt(dec12_0900 - kMinute), 0);  // December 12, 08:59
  EXPECT_TRUE(Posted().empty());
  EXPECT_EQ(RestartAt(dec12_0900), 1);
  auto posted = Posted();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_THAT(posted[0], HasSubstr("2026-12-15"));
  EXPECT_THAT(posted[0], HasSubstr("幸福里小区 2026-11 月度联席会议议题"));
  EXPECT_THAT(posted[0], HasSubstr("## 本月微心愿"));
  EXPECT_THAT(posted[0], HasSubstr("## 本月表决"));
  EXPECT_EQ(RestartAt(dec12_0900 + kDay), 0);
  EXPECT_EQ(Posted().size(), 1u);
}

TEST_F(StaffPostsTest, AnAgendaMissedWhileDownGoesOnceIfTheMeetingIsAhead) {
  config_.groups[0].posts = {"agenda"};
  EXPECT_EQ(RestartAt(kDec1At0830), 1);  // November's period, meeting passed: nothing
  const int64_t dec13 = kDec1At0830 + 12 * kDay;  // down over December 12
  EXPECT_EQ(RestartAt(dec13), 1);
  EXPECT_EQ(Posted().size(), 1u);
  EXPECT_EQ(RestartAt(dec13 + kHour), 0);
  EXPECT_EQ(Posted().size(), 1u);
}

// A long digest in parts, each within the platform's limit, cut at line boundaries, nothing lost.
TEST(GroupTextTest, LongTextsSplitWithinEachPlatformsLimit) {
  std::string text;
  for (int i = 1; i <= 2500; ++i) text += "- 工单 " + std::to_string(i) + " · 设施维修 · 3号楼 · 待受理 · 小区\n";
  ASSERT_GT(text.size(), 100000u);
  struct Case {
    const char* type;
    size_t max;
    bool utf16;
  };
  for (const Case& c : {Case{"wecom_robot", 4096, false}, Case{"dingtalk_robot", 20000, false},
                        Case{"feishu_robot", 20000, false}, Case{"telegram", 4096, true},
                        Case{"wecom", 2048, false}}) {
    const auto parts = SplitForGroup(c.type, text);
    ASSERT_GT(parts.size(), 1u) << c.type;
    std::string joined;
    for (const auto& p : parts) {
      const size_t size = c.utf16 ? adapters::telegram::Utf16Length(p) : p.size();
      EXPECT_LE(size, c.max) << c.type;
      EXPECT_EQ(p.find("- 工单"), 0u) << c.type << ": a part starts mid-line";
      joined += p;
      if (joined.back() != '\n') joined += "\n";
    }
    EXPECT_EQ(joined, text) << c.type;
  }
  // Telegram counts UTF-16 units, not bytes: 4096 CJK characters are 12288 bytes, one message.
  std::string cjk;
  for (int i = 0; i < 4000; ++i) cjk += "报";
  EXPECT_EQ(SplitForGroup("telegram", cjk).size(), 1u);
  EXPECT_GT(SplitForGroup("wecom_robot", cjk).size(), 1u);
}

// The digest job posts a long digest in those parts, in order.
TEST_F(StaffPostsTest, ALongDigestIsPostedInPartsInOrder) {
  config_.groups[0].posts = {"digest"};
  config_.channels[0].type = "wecom_robot";
  for (int i = 0; i < 150; ++i) AddTicket(kDec1At0830 - kHour);
  EXPECT_EQ(RestartAt(kDec1At0830), 1);
  auto posted = Posted();
  ASSERT_GT(posted.size(), 1u);
  for (const auto& p : posted) EXPECT_LE(p.size(), 4096u);
  EXPECT_THAT(posted.front(), HasSubstr("每日简报"));
  std::string all;
  for (const auto& p : posted) all += p + "\n";
  size_t at = 0;
  for (int i = 1; i <= 150; ++i) {
    at = all.find("- 工单 " + std::to_string(i) + " · ", at);
    ASSERT_NE(at, std::string::npos) << "ticket " << i << " missing or out of order";
  }
}

}  // namespace
}  // namespace linli::staff_posts_test
