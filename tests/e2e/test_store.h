// The database of an end-to-end test (issue 14): a SQLite file, or - when the suite runs on
// PostgreSQL (LINLI_E2E_BACKEND=postgresql, as ctest's "pg:" run sets it) - a fresh schema of
// the LINLI_PG_DSN server (tests/storage/test_database.h), so the same tests run on both.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "config/config.h"
#include "storage/database.h"
#include "storage/postgres_database.h"
#include "storage/sqlite_database.h"
#include "tests/storage/test_database.h"

namespace linli::e2e {

// The backend the suite runs on: "postgresql" when LINLI_E2E_BACKEND says so, else "sqlite".
inline std::string E2eBackend() {
  const char* b = std::getenv("LINLI_E2E_BACKEND");
  return b != nullptr && std::string(b) == "postgresql" ? "postgresql" : "sqlite";
}

// A harness's database: the SQLite file `sqlite_path`, or (E2eBackend() "postgresql") a fresh
// schema of the test server, dropped with the TestStore. Must outlive every App using it.
class TestStore {
 public:
  explicit TestStore(std::string sqlite_path) : sqlite_path_(std::move(sqlite_path)) {
    if (E2eBackend() != "postgresql" || !storage::PgTestSkipReason().empty()) return;
    schema_ = std::make_unique<storage::TestSchema>();
    EXPECT_TRUE(schema_->status().ok()) << schema_->status().ToString();
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // Points `c.storage` here (the SQLite path stays set: the media folder's default is beside it).
  void Configure(config::Config& c) const {
    c.storage.sqlite.path = sqlite_path_;
    c.storage.sqlite.synchronous = "FULL";
    if (!schema_) {
      c.storage.backend = "sqlite";
      return;
    }
    c.storage.backend = "postgresql";
    c.storage.postgresql.dsn = storage::PgTestDsn();
    c.storage.postgresql.schema = schema_->name();
  }

  // A connection of its own for the test's reads and set-ups, beside the running App (SQLite:
  // WAL), not migrated (the App migrates at start).
  std::unique_ptr<storage::Database> Open() const {
    if (!schema_) {
      storage::SqliteOptions options;
      options.path = sqlite_path_;
      options.synchronous = "FULL";
      options.busy_timeout_ms = 5000;
      auto db = storage::OpenSqlite(options);
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      return db.ok() ? std::move(db).value() : nullptr;
    }
    auto db = storage::OpenPostgres(schema_->Options());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  bool is_postgresql() const { return schema_ != nullptr; }
  const std::string& sqlite_path() const { return sqlite_path_; }

 private:
  std::string sqlite_path_;
  std::unique_ptr<storage::TestSchema> schema_;
};

}  // namespace linli::e2e
