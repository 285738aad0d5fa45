// Deadlines: an overdue ticket moves up one tier exactly once - across repeated ticks, a new
// engine and a reopened database file - the new tier's staff and the reporter are told, and
// at the top tier an overdue ticket is flagged once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/identity_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::escalation_test {
namespace {

using ::testing::HasSubstr;

config::Config TieredConfig() {
  config::Config c = DemoConfig();
  c.staff.push_back({"tg", "comm-1", "社区 张主任", "community", "staff"});
  c.staff.push_back({"tg", "street-1", "街道 赵科长", "street", "staff"});
  c.sla.defaults = {24, 72};
  c.sla.categories["safety"].times = {2, 24};
  return c;
}

int CountTo(const std::vector<OutboundMessage>& msgs, const std::string& user) {
  int n = 0;
  for (const auto& m : msgs) n += m.to.user_id == user;
  return n;
}

int StatusEventsTo(DialogHarness& h, int64_t number, const std::string& status) {
  auto events = storage::TicketStore::Events(h.db(), h.Ticket(number).id);
  EXPECT_TRUE(events.ok());
  int n = 0;
  for (const auto& e : *events) n += e.kind == "status" && e.to_status == status;
  return n;
}

TEST(EscalationTest, OverdueTicketEscalatesExactlyOnceAcrossARestart) {
  DialogHarness h(TieredConfig());
  h.Report("user-1");  // repair: 24 h to accept
  h.TakeOutbox();
  h.clock().Advance(std::chrono::hours(24) - std::chrono::minutes(1));
  EXPECT_EQ(h.Tick().escalated, 0);
  h.clock().Advance(std::chrono::minutes(2));
  EXPECT_EQ(h.Tick().escalated, 1);
  EXPECT_EQ(h.Tick().escalated, 0);
  h.RecreateEngine();  // a restart: nothing but the database survives
  EXPECT_EQ(h.Tick().escalated, 0);
  h.clock().Advance(std::chrono::minutes(30));
  EXPECT_EQ(h.Tick().escalated, 0);

  const storage::Ticket t = h.Ticket(1);
  EXPECT_EQ(t.tier, storage::Tier::kCommunity);
  EXPECT_EQ(t.status, storage::TicketStatus::kEscalated);
  EXPECT_EQ(t.escalations, 1);
  EXPECT_EQ(StatusEventsTo(h, 1, "escalated"), 1);
  auto pushes = h.TakeOutbox();
  EXPECT_EQ(CountTo(pushes, "user-1"), 1);
  EXPECT_EQ(CountTo(pushes, "comm-1"), 1);
  EXPECT_EQ(CountTo(pushes, "street-1"), 0);
  for (const auto& m : pushes) {
    if (m.to.user_id == "user-1") {
      EXPECT_THAT(m.text, HasSubstr("社区"));
    }
  }
}

TEST(EscalationTest, CategoryDeadlinesAndTheTopTierIsFlaggedOnce) {
  DialogHarness h(TieredConfig());
  h.Report("user-1", "6");  // 安全隐患 (safety): 2 h to accept
  h.TakeOutbox();
  h.clock().Advance(std::chrono::hours(2));
  EXPECT_EQ(h.Tick().escalated, 1);
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kCommunity);
  h.clock().Advance(std::chrono::hours(2));
  EXPECT_EQ(h.Tick().escalated, 1);
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kStreet);
  h.TakeOutbox();
  h.clock().Advance(std::chrono::hours(2));
  domain::TickResult r = h.Tick();
  EXPECT_EQ(r.escalated, 0);
  EXPECT_EQ(r.flagged, 1);
  EXPECT_EQ(h.Tick().flagged, 0);
  h.clock().Advance(std::chrono::hours(30));
  EXPECT_EQ(h.Tick().flagged, 0);
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kStreet);
  auto pushes = h.TakeOutbox();
  EXPECT_EQ(CountTo(pushes, "street-1"), 1);
  EXPECT_EQ(CountTo(pushes, "user-1"), 0);  // nothing changed for the reporter
}

TEST(EscalationTest, AcceptedTicketsWaitForTheResolveDeadlineAndDeferredOnesDoNotEscalate) {
  DialogHarness h(TieredConfig());
  h.Report("user-1");
  h.Report("user-2");
  h.Say("受理 1", "staff-1");
  h.Say("暂缓 2 需要表决|业主大会|2026-12-31", "staff-1");
  h.clock().Advance(std::chrono::hours(25));
  EXPECT_EQ(h.Tick().escalated, 0);  // #1 accepted in time; #2 deferred
  h.clock().Advance(std::chrono::hours(72 - 25));
  EXPECT_EQ(h.Tick().escalated, 1);  // #1 not resolved within 72 h
  EXPECT_EQ(h.Ticket(1).tier, storage::Tier::kCommunity);
  EXPECT_EQ(h.Ticket(2).tier, storage::Tier::kCompound);
}

// A real restart: the database file is closed and opened again between ticks.
TEST(EscalationTest, ReopenedDatabaseFileDoesNotEscalateAgain) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("linli_escalation_" + std::to_string(::getpid()) + ".db"))
          .string();
  std::filesystem::remove(path);
  config::Config config = TieredConfig();
  config.locale_dir = std::string(LINLI_SOURCE_DIR) + "/config/locales";
  auto texts = config::Texts::Load(config.locale_dir, {"zh-CN", "en"});
  ASSERT_TRUE(texts.ok());
  testing::FakeClock clock;
  domain::Deps services{config, *texts, clock};
  auto run = [&](const std::function<void(storage::Database&)>& f) {
    auto db = storage::OpenSqlite({path, "FULL", 1000});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(storage::Migrate(**db).ok());
    ASSERT_TRUE((*db)->Begin().ok());
    f(**db);
    ASSERT_TRUE((*db)->Commit().ok());
  };
  run([&](storage::Database& db) {
    auto person = storage::IdentityStore::Touch(db, {"tg", "user-1", "user-1", ChatType::kPrivate},
                                                clock.NowMillis());
    ASSERT_TRUE(person.ok());
    storage::Ticket t;
    t.reporter_person_id = person->id;
    t.channel = "tg";
    t.category = "repair";
    t.building = "3";
    t.created_at_ms = clock.NowMillis();
    domain::TicketService::PrepareNew(config, t, t.created_at_ms);
    ASSERT_TRUE(storage::TicketStore::Create(db, t).ok());
  });
  clock.Advance(std::chrono::hours(25));
  run([&](storage::Database& db) {
    auto r = domain::TicketService::Tick(db, services, clock.NowMillis());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->escalated, 1);
  });
  run([&](storage::Database& db) {
    auto r = domain::TicketService::Tick(db, services, clock.NowMillis());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->escalated, 0);
    auto t = storage::TicketStore::FindByNumber(db, 1);
    ASSERT_TRUE(t.ok() && t->has_value());
    EXPECT_EQ((*t)->tier, storage::Tier::kCommunity);
    auto pushes = db.Query("SELECT COUNT(*) FROM outbox WHERE user_id = 'user-1'");
    ASSERT_TRUE(pushes.ok());
    EXPECT_EQ((*pushes)[0].Int(0), 1);
  });
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace linli::dialogs::escalation_test
