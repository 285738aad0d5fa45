// The daily digest (issue 11 point 5): the pure renderer over fixed snapshots (quiet day, full
// day) and the snapshot gathered from the stores for a group (buildings, numbers, no PII).
#include "domain/reports/digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/reports/digest_snapshot.h"
#include "storage/decision_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "storage/wish_store.h"

namespace linli::domain::digest_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kHour = 3600'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNow = 1796085000000;  // 2026-12-01 08:30 Asia/Shanghai
constexpr int64_t kSince = kNow - kDay;

config::Texts ShippedTexts() {
  auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : config::Texts();
}

TEST(DigestRenderTest, AQuietDayIsOneLineNotSilence) {
  DigestSnapshot s;
  s.compound = "幸福里小区";
  s.date = "2026-12-01";
  EXPECT_TRUE(IsQuiet(s));
  const std::string text = RenderDigest(s, ShippedTexts(), "zh-CN");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;  // exactly one line
  EXPECT_THAT(text, HasSubstr("幸福里小区"));
  EXPECT_THAT(text, HasSubstr("2026-12-01"));
  // A rating alone is not quiet.
  s.ratings["basic"] = 1;
  EXPECT_FALSE(IsQuiet(s));
  EXPECT_THAT(RenderDigest(s, ShippedTexts(), "zh-CN"), HasSubstr("基本满意 1"));
}

TEST(DigestRenderTest, AFullDayCarriesEveryNumberAndLocalizedNames) {
  DigestSnapshot s;
  s.compound = "幸福里小区";
  s.date = "2026-12-01";
  s.created = {{12, "repair", "3号楼", "new", "compound", "", true, false}};
  s.open = {{7, "sanitation", "5号楼", "escalated", "community", "", false, true},
            {9, "parking", "南门", "deferred", "street", "2026-12-02", false, true},
            {12, "repair", "3号楼", "new", "compound", "", true, false}};
  s.deferred_due = {s.open[1]};
  s.ratings = {{"satisfied", 2}, {"unsatisfied", 1}};
  s.unclaimed = {{3, "life", "3号楼", 6}, {5, "medical", "", 1}};
  s.claimed = {{4, "repair", "5号楼", 2}};
  s.fulfilled = {{2, "shopping", "3号楼", 3}};
  s.decisions = {{8, "covenant", "楼道禁放电动车", 12, 40, "2026-12-03 20:00"}};
  const std::string t = RenderDigest(s, ShippedTexts(), "zh-CN");
  EXPECT_THAT(t, HasSubstr("**新报事 1 件**\n- 工单 12 · "));
  EXPECT_THAT(t, HasSubstr("**在办工单 3 件**：待受理 1，已转办 1，暂缓 1；按层级：小区（网格/物业） 1，社区 1，街道 1"));
  EXPECT_THAT(t, HasSubstr("**超时 1 件**\n- 工单 12 "));
  EXPECT_THAT(t, HasSubstr("**已转办 2 件**\n- 工单 7 · "));
  EXPECT_THAT(t, HasSubstr("- 工单 9 · "));
  EXPECT_THAT(t, HasSubstr("· 南门 · 预计 2026-12-02 · 街道"));
  EXPECT_THAT(t, HasSubstr("**评价 3 条**：满意 2，基本满意 0，不满意 1（满意率 67%）"));
  EXPECT_THAT(t, HasSubstr("**心愿待认领 2 个**"));
  EXPECT_THAT(t, HasSubstr("- 心愿 3 · 生活帮扶 · 3号楼 · 已等 6 天"));
  EXPECT_THAT(t, HasSubstr("- 心愿 5 · 就医陪护 · - · 已等 1 天"));
  EXPECT_LT(t.find("心愿 3 "), t.find("心愿 5 "));
  EXPECT_THAT(t, HasSubstr("**心愿认领中 1 个**\n- 心愿 4 "));
  EXPECT_THAT(t, HasSubstr("**心愿已完成 1 个**\n- 心愿 2 "));
  EXPECT_THAT(t, HasSubstr("- #8【公约】楼道禁放电动车 · 已参与 12/40 · 截止 2026-12-03 20:00"));
  // Raw ids never show: tiers and states are the locale's names.
  for (const char* raw : {"community", "escalated", "in_progress", "sanitation"}) {
    EXPECT_THAT(t, Not(HasSubstr(raw))) << raw;
  }
  const std::string en = RenderDigest(s, ShippedTexts(), "en");
  EXPECT_THAT(en, HasSubstr("- Ticket 12 · "));
  EXPECT_THAT(en, HasSubstr("- Wish 3 · "));
  EXPECT_THAT(en, HasSubstr("street office 1"));
}

class DigestGatherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    config_.compound.name = "幸福里小区";
    for (const char* b : {"3", "5", "6"}) config_.compound.buildings.push_back({b, {"1", "2"}});
    config_.compound.places.push_back({"south_gate", "南门"});
    config_.staff.push_back({"tg", "staff-1", "王网格", "grid", "staff"});
    group_.name = "staff";
    group_.channel = "tg";
    group_.chat_id = "-100";
    group_.posts = {"digest"};
    group_.buildings = {"3", "5"};
  }

  storage::Ticket AddTicket(const std::string& building, const std::string& location,
                            int64_t created, storage::TicketStatus status = storage::TicketStatus::kNew) {
    storage::Ticket t;
    t.reporter_person_id = 1;
    t.channel = "tg";
    t.category = "repair";
    t.building = building;
    t.unit = building.empty() ? "" : "2";
    t.location_text = location;
    t.description = "张三丰 13812345678 家里 301 漏水";
    t.created_at_ms = created;
    auto made = storage::TicketStore::Create(*db_, t);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    storage::Ticket out = made.ok() ? *made : t;
    out.status = status;
    EXPECT_TRUE(storage::TicketStore::Update(*db_, out).ok());
    return out;
  }
  void AddWish(const std::string& building, storage::WishStatus status, int64_t created,
               int64_t done_at = 0) {
    storage::Wish w;
    w.requester_person_id = 1;
    w.channel = "tg";
    w.category = "life";
    w.text = "张三丰 腿脚不便，请帮忙买菜 13812345678";
    w.building = building;
    w.contact_name = "张三丰";
    w.contact_phone = "13812345678";
    w.contact_unit = "2单元301";
    w.status = status;
    w.created_at_ms = created;
    w.updated_at_ms = created;
    w.done_at_ms = done_at;
    ASSERT_TRUE(storage::WishStore::Create(*db_, w).ok());
  }

  std::unique_ptr<storage::Database> db_;
  config::Config config_;
  config::GroupConfig group_;
};

TEST_F(DigestGatherTest, TheGroupsBuildingsNumbersAndNothingPersonal) {
  using storage::TicketStatus;
  // #1: old, escalated to the community (open, escalated).
  storage::Ticket t1 = AddTicket("3", "3号楼2单元", kSince - 2 * kDay, TicketStatus::kEscalated);
  t1.tier = storage::Tier::kCommunity;
  t1.escalations = 1;
  ASSERT_TRUE(storage::TicketStore::Update(*db_, t1).ok());
  // #2: new since the last digest, not accepted in time (overdue).
  storage::Ticket t2 = AddTicket("3", "3号楼2单元301室", kSince + kHour);
  t2.accept_due_at_ms = kNow - kHour;
  ASSERT_TRUE(storage::TicketStore::Update(*db_, t2).ok());
  // #3: deferred to tomorrow (near); #4 deferred to next month (not near).
  storage::Ticket t3 = AddTicket("5", "5号楼1单元", kSince - 5 * kDay, TicketStatus::kDeferred);
  t3.deferred_until = "2026-12-02";
  ASSERT_TRUE(storage::TicketStore::Update(*db_, t3).ok());
  storage::Ticket t4 = AddTicket("5", "5号楼1单元", kSince - 5 * kDay, TicketStatus::kDeferred);
  t4.deferred_until = "2027-01-20";
  ASSERT_TRUE(storage::TicketStore::Update(*db_, t4).ok());
  // #5: at the south gate, new since (every group gets a public place).
  AddTicket("", "南门", kSince + 2 * kHour);
  // #6: resolved and rated since; #7 in building 6 (another group's), new and rated since.
  storage::Ticket t6 = AddTicket("3", "3号楼1单元", kSince - 3 * kDay, TicketStatus::kResolved);
  storage::Ticket t7 = AddTicket("6", "6号楼1单元", kSince + 3 * kHour);
  for (int64_t id : {t6.id, t7.id}) {
    storage::TicketEvent e;
    e.ticket_id = id;
    e.at_ms = kSince + 4 * kHour;
    e.actor_person_id = 1;
    e.kind = "rating";
    e.rating = "satisfied";
    ASSERT_TRUE(storage::TicketStore::AddEvent(*db_, e).ok());
  }
  // Wishes: two unclaimed in building 3 (older first), one in building 6, one claimed, one
  // fulfilled since, one fulfilled long ago.
  AddWish("3", storage::WishStatus::kOpen, kNow - 6 * kDay);
  AddWish("3", storage::WishStatus::kOpen, kNow - 1 * kDay);
  AddWish("6", storage::WishStatus::kOpen, kNow - 2 * kDay);
  AddWish("5", storage::WishStatus::kClaimed, kNow - 3 * kDay);
  AddWish("3", storage::WishStatus::kConfirmed, kNow - 4 * kDay, kSince + kHour);
  AddWish("3", storage::WishStatus::kConfirmed, kNow - 9 * kDay, kSince - kDay);
  // An open covenant whose title names a staff member and a room.
  storage::Decision d;
  d.title = "王网格提议：3-2-301 门口禁放电动车";
  d.closes_at_ms = kNow + 2 * kDay;
  auto id = storage::DecisionStore::Create(*db_, d);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(storage::DecisionStore::Open(*db_, *id, "sha", "salt", kSince).ok());

  auto s = GatherDigest(*db_, config_, group_, kSince, kNow);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->date, "2026-12-01");
  auto numbers = [](const std::vector<DigestTicket>& v) {
    std::vector<int64_t> out;
    for (const auto& t : v) out.push_back(t.number);
    return out;
  };
  EXPECT_EQ(numbers(s->created), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(numbers(s->open), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(numbers(s->deferred_due), (std::vector<int64_t>{3}));
  EXPECT_TRUE(s->open[1].overdue);
  EXPECT_FALSE(s->open[0].overdue);
  EXPECT_TRUE(s->open[0].escalated);
  EXPECT_EQ(s->open[4].place, "南门");
  EXPECT_EQ(s->ratings["satisfied"], 1);  // #7 is building 6's
  ASSERT_EQ(s->unclaimed.size(), 2u);
  EXPECT_EQ(s->unclaimed[0].number, 1);
  EXPECT_EQ(s->unclaimed[0].age_days, 6);
  EXPECT_EQ(s->unclaimed[1].number, 2);
  ASSERT_EQ(s->claimed.size(), 1u);
  EXPECT_EQ(s->claimed[0].number, 4);
  ASSERT_EQ(s->fulfilled.size(), 1u);
  EXPECT_EQ(s->fulfilled[0].number, 5);
  ASSERT_EQ(s->decisions.size(), 1u);
  EXPECT_EQ(s->decisions[0].id, *id);
  EXPECT_EQ(s->decisions[0].closes, "2026-12-03 08:30");

  const std::string text = RenderDigest(*s, ShippedTexts(), "zh-CN");
  EXPECT_THAT(text, HasSubstr("- 工单 2 · "));
  EXPECT_THAT(text, HasSubstr("- 心愿 1 · "));
  EXPECT_THAT(text, HasSubstr("- #" + std::to_string(*id) + "【公约】"));
  for (const char* secret : {"张三", "13812345678", "王网格", "301", "2单元", "漏水", "买菜", "工单 7",
                             "心愿 3 "}) {
    EXPECT_THAT(text, Not(HasSubstr(secret))) << secret << "\n" << text;
  }

  // A group without buildings gets the whole compound.
  group_.buildings.clear();
  auto all = GatherDigest(*db_, config_, group_, kSince, kNow);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(numbers(all->created), (std::vector<int64_t>{2, 5, 7}));
  EXPECT_EQ(all->ratings["satisfied"], 2);
  EXPECT_EQ(all->unclaimed.size(), 3u);
}

TEST_F(DigestGatherTest, NothingToSayGivesTheQuietLine) {
  AddTicket("3", "3号楼", kSince - 3 * kDay, storage::TicketStatus::kClosed);
  auto s = GatherDigest(*db_, config_, group_, kSince, kNow);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(IsQuiet(*s));
  const std::string text = RenderDigest(*s, ShippedTexts(), "zh-CN");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}

}  // namespace
}  // namespace linli::domain::digest_test
