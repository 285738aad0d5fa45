#include "storage/job_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::job_store_test {
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

// Failed runs (issue 15): counted beside the completed periods, which they never touch; a job
// that has only failed has no progress for the scheduler (Find) but is listed.
TEST_P(JobStoreTest, FailuresAreRecordedBesideTheCompletedPeriods) {
  ASSERT_TRUE(JobStore::RecordFailure(*db_, "backup", 1'000, "backup: disk full").ok());
  auto found = JobStore::Find(*db_, "backup");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  auto all = JobStore::List(*db_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].runs, 0);
  EXPECT_EQ((*all)[0].failures, 1);
  EXPECT_EQ((*all)[0].last_failed_at_ms, 1'000);
  EXPECT_EQ((*all)[0].last_error, "backup: disk full");

  ASSERT_TRUE(JobStore::Record(*db_, "backup", 60'000, 61'000).ok());
  ASSERT_TRUE(JobStore::RecordFailure(*db_, "backup", 90'000, std::string(1000, 'x')).ok());
  found = JobStore::Find(*db_, "backup");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->last_period_start_ms, 60'000);
  EXPECT_EQ((*found)->runs, 1);
  EXPECT_EQ((*found)->failures, 2);
  EXPECT_EQ((*found)->last_failed_at_ms, 90'000);
  EXPECT_EQ((*found)->last_error.size(), JobStore::kMaxErrorBytes);
  // The next period still records after failures.
  EXPECT_TRUE(JobStore::Record(*db_, "backup", 120'000, 121'000).ok());
}

TEST_P(JobStoreTest, AnErrorIsCutAtACharacterBoundary) {
  std::string error;
  while (error.size() < JobStore::kMaxErrorBytes + 10) error += "磁盘";
  ASSERT_TRUE(JobStore::RecordFailure(*db_, "backup", 1, error).ok());
  auto all = JobStore::List(*db_);
  ASSERT_TRUE(all.ok() && all->size() == 1);
  const std::string& kept = (*all)[0].last_error;
  EXPECT_LE(kept.size(), JobStore::kMaxErrorBytes);
  EXPECT_EQ(kept.size() % 3, 0u);  // whole three-byte characters only
  EXPECT_EQ(error.rfind(kept, 0), 0u);
}

}  // namespace
}  // namespace linli::storage::job_store_test
