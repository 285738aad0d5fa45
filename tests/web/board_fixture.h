// A board page's world for tests of web/board_*: the shipped locales, a compound of buildings
// 1..6, an in-memory migrated SQLite database, a fake clock (2026-11-25 09:00 Asia/Shanghai),
// and helpers that store tickets as staff would leave them and call a handler like the route
// table does.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "config/texts.h"
#include "domain/deps.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/ticket_store.h"
#include "tests/fakes/fake_clock.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

inline config::Config BoardConfig() {
  config::Config c;
  c.locale = "zh-CN";
  c.timezone = "Asia/Shanghai";
  c.locale_dir = LINLI_SOURCE_DIR "/config/locales";
  c.compound.name = "幸福里小区";
  for (int b = 1; b <= 6; ++b) c.compound.buildings.push_back({std::to_string(b), {"1", "2", "3"}});
  return c;
}

class BoardFixture : public ::testing::Test {
 protected:
  BoardFixture() {
    auto texts = config::Texts::Load(config_.locale_dir, {"zh-CN", "en"});
    EXPECT_TRUE(texts.ok()) << texts.status().ToString();
    if (texts.ok()) texts_ = std::move(texts).value();
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    EXPECT_TRUE(db.ok());
    db_ = std::move(db).value();
    EXPECT_TRUE(storage::Migrate(*db_).ok());
  }

  // A ticket created `minutes_ago` before now, with what staff made public.
  storage::Ticket AddTicket(const std::string& category, const std::string& building,
                            storage::TicketStatus status, int minutes_ago,
                            const std::string& summary = "") {
    storage::Ticket t;
    t.channel = "tg";
    t.category = category;
    t.building = building;
    t.unit = "2";
    t.location_text = building + "号楼2单元";
    t.description = "住户原话 1502室";
    t.created_at_ms = clock_.NowMillis() - int64_t{minutes_ago} * 60000;
    t.updated_at_ms = t.created_at_ms;
    auto made = storage::TicketStore::Create(*db_, t);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    storage::Ticket out = made.ok() ? *made : t;
    out.status = status;
    out.public_summary = summary;
    EXPECT_TRUE(storage::TicketStore::Update(*db_, out).ok());
    return out;
  }
  void AddPublicNote(const storage::Ticket& t, const std::string& note, int64_t at_ms) {
    storage::TicketEvent e;
    e.ticket_id = t.id;
    e.at_ms = at_ms;
    e.kind = "note";
    e.note = note;
    e.is_public = true;
    EXPECT_TRUE(storage::TicketStore::AddEvent(*db_, e).ok());
  }

  // The handler's answer to GET `path` with `query` (and route parameters `params`).
  HttpResponse Get(const WebHandler& handler, const std::string& path,
                   std::map<std::string, std::string> query = {},
                   std::map<std::string, std::string> params = {}) {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.target = path;
    req.query = std::move(query);
    const WebRequest wr{req, params};
    auto r = handler(*db_, deps_, wr);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResponse{};
  }

  // A view of a request in `lang` for the pure renderers.
  BoardView View(const std::string& lang = "zh-CN") {
    request_.query.clear();
    if (lang != "zh-CN") request_.query["lang"] = lang;
    return MakeBoardView(deps_, request_);
  }

  config::Config config_ = BoardConfig();
  config::Texts texts_;
  testing::FakeClock clock_{1796000400000};  // 2026-11-30 09:00 Asia/Shanghai
  domain::Deps deps_{config_, texts_, clock_};
  std::unique_ptr<storage::Database> db_;
  HttpRequest request_;
};

// How many times `needle` occurs in `hay`.
inline size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace linli::web
