// The shared platform tokens (issue 14, migration 31) on every backend; the race between two
// instances claiming one fetch is in tests/bot/server/two_instances_test.cc.
#include "storage/platform_token_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::platform_token_store_test {
namespace {

class PlatformTokenStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(PlatformTokenStoreTest);

TEST_P(PlatformTokenStoreTest, NothingStoredThenTheSavedTokenPerChannelAndKind) {
  auto none = PlatformTokenStore::Find(*db_, "wx", "access_token");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(PlatformTokenStore::Save(*db_, "wx", "access_token", {"T1", 9000}, 1000).ok());
  ASSERT_TRUE(PlatformTokenStore::Save(*db_, "fs", "tenant_access_token", {"F1", 8000}, 1000).ok());
  auto wx = PlatformTokenStore::Find(*db_, "wx", "access_token");
  ASSERT_TRUE(wx.ok() && wx->has_value());
  EXPECT_EQ((*wx)->token, "T1");
  EXPECT_EQ((*wx)->expires_at_ms, 9000);
  EXPECT_FALSE(PlatformTokenStore::Find(*db_, "wx", "tenant_access_token")->has_value());
  EXPECT_EQ((*PlatformTokenStore::Find(*db_, "fs", "tenant_access_token"))->token, "F1");
  // The newest fetch replaces it.
  ASSERT_TRUE(PlatformTokenStore::Save(*db_, "wx", "access_token", {"T2", 12000}, 2000).ok());
  EXPECT_EQ((*PlatformTokenStore::Find(*db_, "wx", "access_token"))->token, "T2");
  EXPECT_EQ(PlatformTokenStore::Save(*db_, "wx", "access_token", {"", 1}, 1).code(),
            StatusCode::kInvalidArgument);
}

TEST_P(PlatformTokenStoreTest, OneClaimAtATimeUntilItEndsOrRunsOut) {
  auto first = PlatformTokenStore::ClaimFetch(*db_, "wx", "access_token", 1000, 30000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*PlatformTokenStore::ClaimFetch(*db_, "wx", "access_token", 2000, 30000));
  EXPECT_TRUE(*PlatformTokenStore::ClaimFetch(*db_, "wx", "other_kind", 2000, 30000));
  // Saving a token ends the claim.
  ASSERT_TRUE(PlatformTokenStore::Save(*db_, "wx", "access_token", {"T", 99000}, 3000).ok());
  EXPECT_TRUE(*PlatformTokenStore::ClaimFetch(*db_, "wx", "access_token", 4000, 30000));
  // So does a release (a failed fetch), the token left as it was.
  ASSERT_TRUE(PlatformTokenStore::ReleaseFetch(*db_, "wx", "access_token").ok());
  EXPECT_EQ((*PlatformTokenStore::Find(*db_, "wx", "access_token"))->token, "T");
  EXPECT_TRUE(*PlatformTokenStore::ClaimFetch(*db_, "wx", "access_token", 5000, 30000));
  // A claim nobody ended runs out with its lease.
  EXPECT_FALSE(*PlatformTokenStore::ClaimFetch(*db_, "wx", "access_token", 34999, 30000));
  EXPECT_TRUE(*PlatformTokenStore::ClaimFetch(*db_, "wx", "access_token", 35000, 30000));
}

TEST_P(PlatformTokenStoreTest, DropRemovesOnlyTheTokenItNames) {
  ASSERT_TRUE(PlatformTokenStore::Save(*db_, "wx", "access_token", {"NEW", 9000}, 1000).ok());
  auto dropped = PlatformTokenStore::Drop(*db_, "wx", "access_token", "OLD");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_FALSE(*dropped);  // another instance stored a newer one meanwhile: kept
  EXPECT_EQ((*PlatformTokenStore::Find(*db_, "wx", "access_token"))->token, "NEW");
  EXPECT_TRUE(*PlatformTokenStore::Drop(*db_, "wx", "access_token", "NEW"));
  EXPECT_FALSE(PlatformTokenStore::Find(*db_, "wx", "access_token")->has_value());
}

}  // namespace
}  // namespace linli::storage::platform_token_store_test
