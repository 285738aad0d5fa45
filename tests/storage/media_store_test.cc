#include "storage/media_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::media_store_test {
namespace {

class MediaStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(MediaStoreTest);

TEST_P(MediaStoreTest, EnqueueClaimAndFetched) {
  auto id = MediaStore::Enqueue(*db_, 5, "tg", "AgAC1", "", 1000);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(MediaStore::Enqueue(*db_, 5, "tg", "", "", 1000).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MediaStore::Enqueue(*db_, 0, "tg", "x", "", 1000).status().code(),
            StatusCode::kInvalidArgument);
  // Not due before its time; claimed once.
  auto early = MediaStore::ClaimDue(*db_, 999, 10);
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->empty());
  auto claimed = MediaStore::ClaimDue(*db_, 1000, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, *id);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_EQ((*claimed)[0].state, MediaState::kFetching);
  auto again = MediaStore::ClaimDue(*db_, 5000, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  // Nothing to show until fetched.
  auto none = MediaStore::FetchedForTicket(*db_, 5);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(MediaStore::MarkFetched(*db_, *id, "ticket-5-1.jpg", 123, "ab", "image/jpeg", 2000).ok());
  auto got = MediaStore::FetchedForTicket(*db_, 5);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->local_path, "ticket-5-1.jpg");
  EXPECT_EQ((*got)->bytes, 123);
  EXPECT_EQ((*got)->sha256, "ab");
  EXPECT_EQ((*got)->content_type, "image/jpeg");
  EXPECT_EQ((*got)->fetched_at_ms, 2000);
  EXPECT_EQ((*got)->platform_ref, "AgAC1");
  // A row no longer fetching cannot be marked again.
  EXPECT_EQ(MediaStore::MarkFailed(*db_, *id, "x").code(), StatusCode::kNotFound);
}

TEST_P(MediaStoreTest, RetryFailRefuseAndRecover) {
  auto a = MediaStore::Enqueue(*db_, 1, "tg", "a", "", 0);
  auto b = MediaStore::Enqueue(*db_, 2, "fs", "img_b", "om_2", 0);
  auto c = MediaStore::Enqueue(*db_, 3, "tg", "c", "", 0);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(MediaStore::ClaimDue(*db_, 0, 10).ok());
  ASSERT_TRUE(MediaStore::MarkRetry(*db_, *a, 500, "telegram getFile: HTTP 500").ok());
  ASSERT_TRUE(MediaStore::MarkFailed(*db_, *b, "feishu code 234003").ok());
  auto row_a = MediaStore::Find(*db_, *a);
  ASSERT_TRUE(row_a.ok() && row_a->has_value());
  EXPECT_EQ((*row_a)->state, MediaState::kPending);
  EXPECT_EQ((*row_a)->next_attempt_at_ms, 500);
  EXPECT_EQ((*row_a)->last_error, "telegram getFile: HTTP 500");
  auto row_b = MediaStore::Find(*db_, *b);
  ASSERT_TRUE(row_b.ok() && row_b->has_value());
  EXPECT_EQ((*row_b)->state, MediaState::kFailed);
  EXPECT_EQ((*row_b)->message_id, "om_2");
  EXPECT_EQ((*row_b)->last_error, "feishu code 234003");
  // c was left fetching (a stop): recovered to pending, due now.
  auto recovered = MediaStore::RecoverInFlight(*db_, 700);
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(*recovered, 1);
  auto due = MediaStore::ClaimDue(*db_, 700, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);  // a (due at 500) and c
  EXPECT_EQ((*due)[0].id, *a);
  EXPECT_EQ((*due)[0].attempts, 2);
  ASSERT_TRUE(MediaStore::MarkRefused(*db_, *c, "not an image").ok());
  auto all = MediaStore::ForTicket(*db_, 3);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].state, MediaState::kRefused);
}

// Issue 14: a claim is leased; only an expired one is taken back while instances run, and at
// start PostgreSQL (several instances) leaves live claims alone where SQLite (one process)
// takes every one.
TEST_P(MediaStoreTest, AClaimIsLeasedAndTakenBackOnlyAfterItsLease) {
  auto a = MediaStore::Enqueue(*db_, 1, "tg", "a", "", 0);
  ASSERT_TRUE(a.ok());
  auto claimed = MediaStore::ClaimDue(*db_, 1000, 10, 60000);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].next_attempt_at_ms, 61000);
  auto early = MediaStore::RecoverExpired(*db_, 60999);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, 0);
  auto second = MediaStore::ClaimDue(*db_, 60999, 10, 60000);  // another instance's pass
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty());
  auto at_start = MediaStore::RecoverInFlight(*db_, 2000);
  ASSERT_TRUE(at_start.ok());
  EXPECT_EQ(*at_start, GetParam() == "sqlite" ? 1 : 0);
  if (GetParam() != "sqlite") {
    auto late = MediaStore::RecoverExpired(*db_, 61000);
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(*late, 1);
  }
  auto row = MediaStore::Find(*db_, *a);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->state, MediaState::kPending);
  auto again = MediaStore::ClaimDue(*db_, 61000, 10, 60000);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 2);
}

TEST_P(MediaStoreTest, ExpiredListsOldAndErasedRowsButNotThoseBeingFetched) {
  auto old_row = MediaStore::Enqueue(*db_, 1, "tg", "a", "", 100);
  auto fetching = MediaStore::Enqueue(*db_, 2, "tg", "b", "", 100);
  auto young = MediaStore::Enqueue(*db_, 3, "tg", "c", "", 5000);
  ASSERT_TRUE(old_row.ok() && fetching.ok() && young.ok());
  ASSERT_TRUE(db_->Exec("UPDATE media SET state = 'fetching' WHERE id = ?", {*fetching}).ok());
  auto expired = MediaStore::Expired(*db_, 1000, 10);
  ASSERT_TRUE(expired.ok());
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ((*expired)[0].id, *old_row);
  ASSERT_TRUE(db_->Exec("UPDATE media SET state = 'erased' WHERE id = ?", {*young}).ok());
  expired = MediaStore::Expired(*db_, 1000, 10);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->size(), 2u);
  ASSERT_TRUE(MediaStore::Delete(*db_, *old_row).ok());
  auto gone = MediaStore::Find(*db_, *old_row);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

}  // namespace
}  // namespace linli::storage::media_store_test
