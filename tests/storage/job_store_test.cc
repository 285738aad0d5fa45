#include "storage/job_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage {
namespace {

class JobStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(JobStoreTest);

TEST_P(JobStoreTest, UnknownJobHasNoProgress) {
  auto found = JobStore::Find(*db_, "tickets");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
}

TEST_P(JobStoreTest, RecordsAndAdvancesThePeriod) {
  ASSERT_TRUE(JobStore::Record(*db_, "tickets", 60'000, 61'000).ok());
  ASSERT_TRUE(JobStore::Record(*db_, "tickets", 120'000, 125'000).ok());
  auto found = JobStore::Find(*db_, "tickets");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->last_period_start_ms, 120'000);
  EXPECT_EQ((*found)->last_run_at_ms, 125'000);
  EXPECT_EQ((*found)->runs, 2);
}

TEST_P(JobStoreTest, TheSameOrAnEarlierPeriodIsAlreadyExistsAndChangesNothing) {
  ASSERT_TRUE(JobStore::Record(*db_, "tickets", 120'000, 121'000).ok());
  EXPECT_EQ(JobStore::Record(*db_, "tickets", 120'000, 130'000).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(JobStore::Record(*db_, "tickets", 60'000, 130'000).code(), StatusCode::kAlreadyExists);
  auto found = JobStore::Find(*db_, "tickets");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->last_period_start_ms, 120'000);
  EXPECT_EQ((*found)->last_run_at_ms, 121'000);
  EXPECT_EQ((*found)->runs, 1);
}

TEST_P(JobStoreTest, ListsEveryJobByName) {
  ASSERT_TRUE(JobStore::Record(*db_, "tickets", 1, 2).ok());
  ASSERT_TRUE(JobStore::Record(*db_, "inbox-prune", 3, 4).ok());
  auto all = JobStore::List(*db_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "inbox-prune");
  EXPECT_EQ((*all)[0].last_period_start_ms, 3);
  EXPECT_EQ((*all)[1].name, "tickets");
}

}  // namespace
}  // namespace linli::storage
