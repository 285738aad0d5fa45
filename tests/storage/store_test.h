// The one fixture of the store tests: each test gets a fresh, migrated database of the backend
// it is instantiated for (storage/open_database.h), so the same assertions run on every
// backend. Every suite is instantiated for "sqlite" (in memory) and "postgresql"; the
// PostgreSQL instance runs in a schema of its own when LINLI_PG_DSN is set
// (tests/storage/test_database.h) and is skipped, saying why, when it is not - so the test
// list is the same whatever the environment (ctest discovers it at build time).
//
// A test file derives its suite and instantiates it over the backends:
//   class TicketStoreTest : public StoreTest {};
//   LINLI_STORE_TEST_BACKENDS(TicketStoreTest);
//   TEST_P(TicketStoreTest, ...) { ... *db_ ... }
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/open_database.h"
#include "tests/storage/test_database.h"

namespace linli::storage {

// The backends every store test is instantiated for.
inline std::vector<std::string> StoreTestBackends() { return {"sqlite", "postgresql"}; }

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    DatabaseOptions o;
    o.backend = GetParam();
    o.sqlite.path = ":memory:";
    o.sqlite.synchronous = "OFF";
    o.sqlite.busy_timeout_ms = 1000;
    if (GetParam() == "postgresql") {
      if (const std::string why = PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
      schema_ = std::make_unique<TestSchema>();
      ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
      o.postgresql = schema_->Options();
    }
    auto opened = OpenDatabase(o);
    ASSERT_TRUE(opened.ok()) << GetParam() << ": " << opened.status().ToString();
    db_ = std::move(opened->db);
  }
  void TearDown() override {
    db_.reset();  // before its schema is dropped
    schema_.reset();
  }

  // The dialect the test runs on ("sqlite" or "postgres"), for the few assertions about
  // backend-specific SQL.
  std::string dialect() const { return db_->dialect(); }

  std::unique_ptr<TestSchema> schema_;  // PostgreSQL only
  std::unique_ptr<Database> db_;
};

}  // namespace linli::storage

// Instantiates `suite` (a StoreTest subclass) once per backend of StoreTestBackends(), named
// after the backend: TicketStoreTest/CreateIsAtomic.../sqlite.
#define LINLI_STORE_TEST_BACKENDS(suite)                                        \
  INSTANTIATE_TEST_SUITE_P(, suite,                                             \
                           ::testing::ValuesIn(::linli::storage::StoreTestBackends()), \
                           [](const ::testing::TestParamInfo<std::string>& info) { \
                             return info.param;                                 \
                           })
