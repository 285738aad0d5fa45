// The one fixture of the store tests: each test gets a fresh, migrated database of the backend
// it is instantiated for (storage/open_database.h), so the same assertions run on every
// backend. "sqlite" (in memory) always; "postgresql" only when LINLI_TEST_PG_DSN is set - until
// that backend is built such a run fails in SetUp with OpenDatabase's "not built" message
// instead of passing silently.
//
// A test file derives its suite and instantiates it over the backends:
//   class TicketStoreTest : public StoreTest {};
//   LINLI_STORE_TEST_BACKENDS(TicketStoreTest);
//   TEST_P(TicketStoreTest, ...) { ... *db_ ... }
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/open_database.h"

namespace linli::storage {

inline constexpr char kPgDsnVariable[] = "LINLI_TEST_PG_DSN";

// The backends the store tests run on here: "sqlite", plus "postgresql" when the DSN
// variable is set (non-empty).
inline std::vector<std::string> StoreTestBackends() {
  std::vector<std::string> out = {"sqlite"};
  const char* dsn = std::getenv(kPgDsnVariable);
  if (dsn != nullptr && *dsn != '\0') out.push_back("postgresql");
  return out;
}

// The options of a fresh database for `backend`.
inline DatabaseOptions StoreTestOptions(const std::string& backend) {
  DatabaseOptions o;
  o.backend = backend;
  o.sqlite.path = ":memory:";
  o.sqlite.synchronous = "OFF";
  o.sqlite.busy_timeout_ms = 1000;
  if (const char* dsn = std::getenv(kPgDsnVariable)) o.postgresql_dsn = dsn;
  return o;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto opened = OpenDatabase(StoreTestOptions(GetParam()));
    ASSERT_TRUE(opened.ok()) << GetParam() << ": " << opened.status().ToString();
    db_ = std::move(opened->db);
  }

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
