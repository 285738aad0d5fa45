// Issue 13 point 7, in process: the disk fills up under the running App. The database's
// max_page_count stands in for the full disk here (SQLite reports both as SQLITE_FULL); the
// script scripts/faults/disk_full.py does the same with a real full tmpfs.
#include <gtest/gtest.h>

#include <string>

#include "storage/write_queue.h"
#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::disk_full_e2e_test {
namespace {

constexpr int64_t kReporter = 7770001;
constexpr int64_t kFirstNewcomer = 7780000;

// Caps the App's database at the pages it has now (`pages` = 0) or at `pages`.
Status CapPages(App& app, int64_t pages) {
  return app.write_queue().Run([pages](storage::Database& db) -> Status {
    int64_t cap = pages;
    if (cap == 0) {
      LINLI_ASSIGN_OR_RETURN(storage::Rows rows, db.Query("PRAGMA page_count"));
      cap = rows[0].Int(0);
    }
    return db.Exec("PRAGMA max_page_count = " + std::to_string(cap));
  });
}

int64_t Count(storage::Database& db, const std::string& statuses) {
  return CountRows(db, "SELECT COUNT(*) FROM outbox WHERE status IN (" + statuses + ")");
}

// Waits until no outbox row is in one of `statuses` ("'pending', 'sending'").
bool WaitUntilNone(storage::Database& db, const std::string& statuses) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (Count(db, statuses) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  return Count(db, statuses) == 0;
}

TEST(DiskFullE2eTest, WebhooksAnswer503HealthzSaysWhyAndItRecoversWhenSpaceReturns) {
  // The full disk is simulated with SQLite's max_page_count; PostgreSQL's own "disk full"
  // (SQLSTATE 53100) maps to the same write_fault() (storage/postgres_database.h).
  if (E2eBackend() != "sqlite") GTEST_SKIP() << "simulates the full disk with SQLite's max_page_count";
  Harness h;
  ASSERT_TRUE(h.StartApp({}, RepliesThroughOutbox));
  auto reader = OpenDatabase(h.db_path());
  ASSERT_NE(reader, nullptr);
  // A report up to its confirmation, before the disk fills.
  for (const char* text : {"报事", "2", "3号楼2单元", "楼道灯坏了", "跳过"}) {
    ASSERT_EQ(h.SendText(kReporter, text), 200) << text;
    ASSERT_FALSE(h.NextReplyText(kReporter).empty()) << text;
  }
  ASSERT_TRUE(h.Get("/healthz").status == 200);

  // Newcomers write persons, identities, conversations: pages run out.
  ASSERT_TRUE(CapPages(h.app(), 0).ok());
  json refused;
  int64_t refused_user = 0;
  for (int64_t user = kFirstNewcomer; user < kFirstNewcomer + 3000 && refused_user == 0; ++user) {
    json update = h.TextUpdate(user, "报事");
    const int status = h.PostWebhook(update.dump()).status;
    ASSERT_TRUE(status == 200 || status == 503) << status;
    if (status == 503) {
      refused = update;
      refused_user = user;
    }
  }
  ASSERT_NE(refused_user, 0) << "the database never filled up";
  // Let the replies of the turns that fitted go out, so that nothing but this test writes
  // while the next checks run. (Recording a send may need a page too: such a row stays
  // 'sending' until space returns - OutboxWorker keeps its outcome.)
  ASSERT_TRUE(WaitUntilNone(*reader, "'pending'"));

  // Refused as a whole: no dedupe row (the platform's redelivery will be processed), no
  // reply, nothing of the turn.
  const std::string update_key = "u" + std::to_string(refused["update_id"].get<int>());
  EXPECT_EQ(CountRows(*reader, "SELECT COUNT(*) FROM inbox WHERE platform_message_id = ?",
                      {update_key}),
            0);
  EXPECT_EQ(CountRows(*reader, "SELECT COUNT(*) FROM identities WHERE user_id = ?",
                      {std::to_string(refused_user)}),
            0);
  // The redelivery, still full; then /healthz says why. A reply's "sent" record that fits in
  // a page the database already has may commit in between (max_page_count caps the pages,
  // not the WAL, which a really full disk would refuse too) and so count as "space is back"
  // until the next refused write: the pair is tried again then, at most 5 times.
  HttpResult health;
  for (int attempt = 0; attempt < 5; ++attempt) {
    ASSERT_EQ(h.PostWebhook(refused.dump()).status, 503) << "attempt " << attempt;
    health = h.Get("/healthz");
    if (health.status == 503) break;
  }
  EXPECT_EQ(health.status, 503);
  const json body = json::parse(health.body, nullptr, false);
  EXPECT_EQ(body.value("status", ""), "degraded") << health.body;
  EXPECT_EQ(body.value("reason", ""), "disk full") << health.body;

  // The reporter confirms meanwhile: either it fitted (one ticket) or it was refused (none).
  const json confirm = h.TextUpdate(kReporter, "1");
  const int confirm_status = h.PostWebhook(confirm.dump()).status;
  ASSERT_TRUE(confirm_status == 200 || confirm_status == 503) << confirm_status;
  EXPECT_EQ(CountRows(*reader, "SELECT COUNT(*) FROM tickets"), confirm_status == 200 ? 1 : 0);
  EXPECT_TRUE(h.NoMoreReplies(refused_user));

  // Space returns: the redeliveries go through, once, and /healthz is ok again.
  ASSERT_TRUE(CapPages(h.app(), 1000000000).ok());
  EXPECT_EQ(h.PostWebhook(refused.dump()).status, 200);
  EXPECT_EQ(h.Get("/healthz").status, 200);
  EXPECT_FALSE(h.NextReplyText(refused_user).empty());
  EXPECT_EQ(h.PostWebhook(confirm.dump()).status, 200);
  EXPECT_EQ(CountRows(*reader, "SELECT COUNT(*) FROM tickets"), 1);
  EXPECT_EQ(h.PostWebhook(refused.dump()).status, 200);  // a late duplicate: answered, not redone
  EXPECT_TRUE(h.NoMoreReplies(refused_user));
  ASSERT_TRUE(WaitUntilNone(*reader, "'pending', 'sending'"));
  EXPECT_EQ(Count(*reader, "'failed'"), 0);
  auto check = reader->Query("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  EXPECT_EQ((*check)[0].Text(0), "ok");
}

}  // namespace
}  // namespace linli::e2e::disk_full_e2e_test
