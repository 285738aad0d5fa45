#include "storage/rate_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::rate_store_test {
namespace {

class RateStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(RateStoreTest);

TEST_P(RateStoreTest, CountsWithinAWindowThatStartsAtTheFirstHit) {
  EXPECT_EQ(*RateStore::Hit(*db_, "k", 1000, 60000), 1);
  EXPECT_EQ(*RateStore::Hit(*db_, "k", 30000, 60000), 2);
  EXPECT_EQ(*RateStore::Hit(*db_, "other", 30000, 60000), 1);
  EXPECT_EQ(*RateStore::Hit(*db_, "k", 60999, 60000), 3);  // still the first window
  EXPECT_EQ(*RateStore::Hit(*db_, "k", 61000, 60000), 1);  // a new window from here
  EXPECT_EQ(*RateStore::Hit(*db_, "k", 120999, 60000), 2);
}

TEST_P(RateStoreTest, PruneDropsEndedWindows) {
  ASSERT_TRUE(RateStore::Hit(*db_, "old", 1000, 60000).ok());
  ASSERT_TRUE(RateStore::Hit(*db_, "new", 100000, 60000).ok());
  auto pruned = RateStore::Prune(*db_, 100000);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(*RateStore::Hit(*db_, "new", 100001, 60000), 2);
}

}  // namespace
}  // namespace linli::storage::rate_store_test
