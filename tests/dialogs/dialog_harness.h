// Runs dialog turns against an in-memory database with the shipped texts and a fake clock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/tickets/ticket_service.h"
#include "storage/outbox_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "tests/fakes/fake_clock.h"

namespace linli::dialogs {

inline config::Config DemoConfig() {
  config::Config c;
  c.compound.name = "幸福里小区";
  for (int b = 1; b <= 6; ++b) c.compound.buildings.push_back({std::to_string(b), {"1", "2", "3"}});
  c.locale_dir = std::string(LINLI_SOURCE_DIR) + "/config/locales";
  c.staff.push_back({"tg", "staff-1", "王网格", "grid", "staff"});
  return c;
}

class DialogHarness {
 public:
  explicit DialogHarness(config::Config config = DemoConfig()) : config_(std::move(config)) {
    auto texts = config::Texts::Load(config_.locale_dir, {"zh-CN", "en"});
    EXPECT_TRUE(texts.ok()) << texts.status().ToString();
    texts_ = std::move(texts).value();
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    EXPECT_TRUE(storage::Migrate(*db_).ok());
    services_ = std::make_unique<domain::Deps>(domain::Deps{config_, texts_, clock_});
    auto engine = Engine::Create(*services_, AllFlows());
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  // One turn from `user` in a private chat on channel "tg"; committed like the router does.
  std::vector<OutboundMessage> Send(InboundMessage in) {
    if (in.conversation.channel.empty()) in.conversation = Conversation("user-1");
    in.platform_message_id = "m" + std::to_string(++counter_);
    EXPECT_TRUE(db_->Begin().ok());
    auto replies = engine_->HandleTurn(*db_, in);
    EXPECT_TRUE(replies.ok()) << replies.status().ToString();
    EXPECT_TRUE(db_->Commit().ok());
    return replies.ok() ? *replies : std::vector<OutboundMessage>{};
  }
  std::vector<OutboundMessage> Say(const std::string& text, const std::string& user = "user-1") {
    InboundMessage in;
    in.conversation = Conversation(user);
    in.text = text;
    return Send(in);
  }
  std::vector<OutboundMessage> Tap(const std::string& payload, const std::string& user = "user-1") {
    InboundMessage in;
    in.conversation = Conversation(user);
    in.kind = InboundKind::kButton;
    in.payload = payload;
    return Send(in);
  }
  static ConversationRef Conversation(const std::string& user) {
    return {"tg", user, user, ChatType::kPrivate};
  }
  // All reply texts of a turn joined, for substring assertions.
  static std::string Text(const std::vector<OutboundMessage>& replies) {
    std::string out;
    for (const auto& r : replies) out += r.text + "\n";
    return out;
  }

  // A new engine over the same database: what a process restart leaves behind.
  void RecreateEngine() {
    engine_.reset();
    auto engine = Engine::Create(*services_, AllFlows());
    ASSERT_TRUE(engine.ok());
    engine_ = std::move(engine).value();
  }

  // Every outbox row so far, oldest first (pushes written by turns and ticks).
  std::vector<OutboundMessage> Outbox() {
    std::vector<OutboundMessage> out;
    auto rows = db_->Query("SELECT id FROM outbox ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return out;
    for (const auto& r : *rows) {
      auto item = storage::OutboxStore::Find(*db_, r.Int(0));
      EXPECT_TRUE(item.ok() && item->has_value());
      if (item.ok() && item->has_value()) out.push_back((*item)->message);
    }
    return out;
  }
  // Outbox rows added since the last call of TakeOutbox.
  std::vector<OutboundMessage> TakeOutbox() {
    auto all = Outbox();
    std::vector<OutboundMessage> fresh(all.begin() + static_cast<long>(std::min(seen_outbox_, all.size())),
                                       all.end());
    seen_outbox_ = all.size();
    return fresh;
  }
  // The scheduler's ticket job, committed like the write queue does.
  domain::TickResult Tick() {
    EXPECT_TRUE(db_->Begin().ok());
    auto r = domain::TicketService::Tick(*db_, *services_, clock_.NowMillis());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(db_->Commit().ok());
    return r.ok() ? *r : domain::TickResult{};
  }
  storage::Ticket Ticket(int64_t number) {
    auto t = storage::TicketStore::FindByNumber(*db_, number);
    EXPECT_TRUE(t.ok() && t->has_value()) << "no ticket #" << number;
    return t.ok() && t->has_value() ? **t : storage::Ticket{};
  }
  // Files a report through the report flow as `user`; returns the new ticket's number.
  int64_t Report(const std::string& user = "user-1", const std::string& category_number = "2",
                 const std::string& location = "3号楼2单元") {
    for (const std::string& s : {std::string("报事"), category_number, location,
                                std::string("楼道灯坏了，晚上很黑"), std::string("跳过"),
                                std::string("1")}) {
      Say(s, user);
    }
    auto n = storage::TicketStore::Count(*db_);
    return n.ok() ? *n : 0;
  }
  const domain::Deps& deps() const { return *services_; }
  const config::Config& config() const { return config_; }
  // For a test that changes the config after construction (deps() sees the change).
  config::Config& mutable_config() { return config_; }

  storage::Database& db() { return *db_; }
  testing::FakeClock& clock() { return clock_; }
  Engine& engine() { return *engine_; }

 private:
  config::Config config_;
  config::Texts texts_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<domain::Deps> services_;
  std::unique_ptr<Engine> engine_;
  int counter_ = 0;
  size_t seen_outbox_ = 0;
};

}  // namespace linli::dialogs
