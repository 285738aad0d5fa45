#include "storage/notifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <unistd.h>

#include "storage/open_database.h"
#include "tests/storage/test_database.h"

namespace linli::storage::notifier_test {
namespace {

using std::chrono::milliseconds;

// A bound that only a broken wake-up reaches; a working one returns within milliseconds.
constexpr milliseconds kGuard{30000};

TEST(NotifierTest, SqliteHasNoneAndSignalDoesNothing) {
  DatabaseOptions o;
  o.sqlite.path = ":memory:";
  auto notifier = OpenNotifier(o, "outbox");
  ASSERT_TRUE(notifier.ok()) << notifier.status().ToString();
  EXPECT_EQ(*notifier, nullptr);
  auto db = OpenDatabase(o);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(Signal(*db->db, "outbox").ok());
  EXPECT_EQ(Signal(*db->db, "Bad-Topic").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenNotifier(o, "").status().code(), StatusCode::kInvalidArgument);
}

TEST(NotifierTest, TopicsArePlainLowercaseIdentifiers) {
  EXPECT_TRUE(IsNotifierTopic("outbox"));
  EXPECT_TRUE(IsNotifierTopic("jobs_2"));
  EXPECT_FALSE(IsNotifierTopic(""));
  EXPECT_FALSE(IsNotifierTopic("2jobs"));
  EXPECT_FALSE(IsNotifierTopic("Outbox"));
  EXPECT_FALSE(IsNotifierTopic("out box"));
  EXPECT_FALSE(IsNotifierTopic("x\"; DROP TABLE outbox; --"));
  EXPECT_FALSE(IsNotifierTopic(std::string(41, 'a')));
}

class PostgresNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
    schema_ = std::make_unique<TestSchema>();
    ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
    options_.backend = "postgresql";
    options_.postgresql = schema_->Options();
    auto db = OpenDatabase(options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db->db);
  }
  void TearDown() override { db_.reset(); }

  std::unique_ptr<Notifier> Listening(const DatabaseOptions& options) {
    auto n = OpenNotifier(options, "outbox");
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == nullptr) return nullptr;
    Status st = (*n)->Listen();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return std::move(n).value();
  }

  std::unique_ptr<TestSchema> schema_;
  DatabaseOptions options_;
  std::unique_ptr<Database> db_;
};

// A signal reaches the listener when its transaction commits, never from a rolled-back one
// (the listener then sees the next committed signal only).
TEST_F(PostgresNotifierTest, ASignalArrivesWithTheCommitOnly) {
  auto listener = Listening(options_);
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(Signal(*db_, "outbox").ok());
  ASSERT_TRUE(db_->Rollback().ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Savepoint("unit").ok());
  ASSERT_TRUE(Signal(*db_, "outbox").ok());
  ASSERT_TRUE(db_->RollbackToSavepoint("unit").ok());
  ASSERT_TRUE(db_->ReleaseSavepoint("unit").ok());
  ASSERT_TRUE(db_->Commit().ok());
  // Three signals in one committed transaction reach the listener as one.
  ASSERT_TRUE(db_->Begin().ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Signal(*db_, "outbox").ok());
  ASSERT_TRUE(db_->Commit().ok());
  auto woken = listener->Wait(kGuard);
  ASSERT_TRUE(woken.ok()) << woken.status().ToString();
  EXPECT_TRUE(*woken);
  // Nothing further is pending: an Interrupt() is what ends the next Wait, however long.
  listener->Interrupt();
  const auto before = std::chrono::steady_clock::now();
  woken = listener->Wait(std::chrono::minutes(10));
  ASSERT_TRUE(woken.ok());
  EXPECT_FALSE(*woken);
  EXPECT_LT(std::chrono::steady_clock::now() - before, kGuard);
}

// Another deployment's schema in the same database signals on the same channel; its payload
// names its schema, so this listener is not woken by it.
TEST_F(PostgresNotifierTest, AnotherSchemasSignalDoesNotWake) {
  auto listener = Listening(options_);
  ASSERT_NE(listener, nullptr);
  TestSchema other;
  ASSERT_TRUE(other.status().ok());
  DatabaseOptions o = options_;
  o.postgresql = other.Options();
  auto other_db = OpenDatabase(o);
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  ASSERT_TRUE(Signal(*other_db->db, "outbox").ok());
  // Not woken within a while (a wrong wake-up comes in milliseconds; this can only pass late,
  // never fail late).
  auto woken = listener->Wait(milliseconds(300));
  ASSERT_TRUE(woken.ok());
  EXPECT_FALSE(*woken);
  ASSERT_TRUE(Signal(*db_, "outbox").ok());
  woken = listener->Wait(kGuard);
  ASSERT_TRUE(woken.ok());
  EXPECT_TRUE(*woken);
}

// The listener's connection is killed: Wait says so (the worker polls meanwhile), and the next
// Wait connects and listens again.
TEST_F(PostgresNotifierTest, ALostConnectionIsReportedAndTheNextWaitReconnects) {
  if (PgTestDsn().find("://") != std::string::npos) GTEST_SKIP() << "needs a key=value DSN";
  const std::string app = "linli_notifier_test_" + std::to_string(::getpid());
  DatabaseOptions o = options_;
  o.postgresql.dsn += " application_name=" + app;
  auto listener = Listening(o);
  ASSERT_NE(listener, nullptr);
  auto killed = db_->Query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?", {app});
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  ASSERT_EQ(killed->size(), 1u);
  auto lost = listener->Wait(kGuard);
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status().ToString();
  ASSERT_TRUE(listener->Listen().ok());  // what the next Wait would do first
  ASSERT_TRUE(Signal(*db_, "outbox").ok());
  auto woken = listener->Wait(kGuard);
  ASSERT_TRUE(woken.ok()) << woken.status().ToString();
  EXPECT_TRUE(*woken);
}

}  // namespace
}  // namespace linli::storage::notifier_test
