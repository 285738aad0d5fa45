// Fresh databases for tests, on SQLite and on PostgreSQL. PostgreSQL runs only when the
// LINLI_PG_DSN variable names a server (scripts/test.sh starts a throwaway one and sets it);
// each TestSchema is a schema of its own in that database, dropped with everything in it when
// the object goes, so tests that run side by side (ctest -j) never see each other's rows.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "storage/open_database.h"
#include "storage/postgres_database.h"

namespace linli::storage {

inline constexpr char kPgDsnVariable[] = "LINLI_PG_DSN";

// The DSN of the test server, or "" when none is set.
inline std::string PgTestDsn() {
  const char* dsn = std::getenv(kPgDsnVariable);
  return dsn != nullptr ? std::string(dsn) : std::string();
}

// Why a PostgreSQL test cannot run here, or "" when it can.
inline std::string PgTestSkipReason() {
  if (PgTestDsn().empty()) {
    return std::string(kPgDsnVariable) +
           " is not set (scripts/test.sh starts a throwaway PostgreSQL 15 and sets it)";
  }
  return "";
}

// The server process of connection `db` (pg_backend_pid()), or -1.
inline int64_t PgBackendPid(Database& db) {
  auto rows = db.Query("SELECT pg_backend_pid()");
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

// Waits until the server process `pid` waits for a lock (pg_stat_activity.wait_event_type
// "Lock": another connection holds what it asked for), watched from `observer`. A condition,
// not a delay: it returns as soon as that holds; false if it did not within a minute.
// `what` (optional) receives the lock's kind (wait_event: "advisory" for Database::LockKey,
// "transactionid" for a row another transaction wrote, ...).
inline bool WaitUntilWaitingForALock(Database& observer, int64_t pid, std::string* what = nullptr) {
  for (int i = 0; i < 6000; ++i) {
    auto rows = observer.Query(
        "SELECT COALESCE(wait_event_type, ''), COALESCE(wait_event, '') FROM pg_stat_activity "
        "WHERE pid = ?",
        {pid});
    if (rows.ok() && !rows->empty() && (*rows)[0].Text(0) == "Lock") {
      if (what != nullptr) *what = (*rows)[0].Text(1);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// A schema of its own in the test server, dropped (CASCADE) on destruction.
class TestSchema {
 public:
  // Creates it. On failure status() says why and name() is "".
  TestSchema() {
    static std::atomic<int> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string name = "linli_test_" + std::to_string(::getpid()) + "_" +
                             std::to_string(counter++) + "_" + std::to_string(now % 1000000);
    PostgresOptions o;
    o.dsn = PgTestDsn();
    auto admin = OpenPostgres(o);
    if (!admin.ok()) {
      status_ = admin.status();
      return;
    }
    admin_ = std::move(admin).value();
    status_ = admin_->Exec("CREATE SCHEMA " + name);
    if (status_.ok()) name_ = name;
  }
  ~TestSchema() {
    if (admin_ && !name_.empty()) {
      Status st = admin_->Exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
      (void)st;
    }
  }
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  const Status& status() const { return status_; }
  const std::string& name() const { return name_; }
  // Options that open this schema of the test server.
  PostgresOptions Options() const {
    PostgresOptions o;
    o.dsn = PgTestDsn();
    o.schema = name_;
    return o;
  }

 private:
  std::unique_ptr<Database> admin_;
  std::string name_;
  Status status_;
};

}  // namespace linli::storage
