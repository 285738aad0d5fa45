#include "storage/redemption_store.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/points_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::redemption_store_test {
namespace {

class RedemptionStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto p = IdentityStore::Touch(*db_, {"tg", "v1", "v1", ChatType::kPrivate}, 100);
    ASSERT_TRUE(p.ok());
    person_ = p->id;
    PointsEntry e;
    e.person_id = person_;
    e.amount = 10;
    e.reason = "award";
    ASSERT_TRUE(PointsStore::Append(*db_, e).ok());
    ASSERT_TRUE(RedemptionStore::SyncStock(*db_, {{"soap", 2}, {"haircut", -1}}).ok());
  }
  int64_t Balance() {
    auto b = PointsStore::Balance(*db_, person_);
    return b.ok() ? *b : -999;
  }
  int64_t StockOf(const std::string& item) {
    auto s = RedemptionStore::Stock(*db_, item);
    EXPECT_TRUE(s.ok() && s->has_value());
    return s.ok() && s->has_value() ? **s : -999;
  }

  int64_t person_ = 0;
};
LINLI_STORE_TEST_BACKENDS(RedemptionStoreTest);

TEST_P(RedemptionStoreTest, ARequestHoldsThePointsAndTakesStock) {
  auto r = RedemptionStore::Request(*db_, person_, "soap", 4, "self", 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, RedemptionStatus::kPending);
  EXPECT_EQ(Balance(), 6);
  EXPECT_EQ(StockOf("soap"), 1);
  auto hold = PointsStore::Find(*db_, r->hold_entry_id);
  ASSERT_TRUE(hold.ok() && hold->has_value());
  EXPECT_EQ((*hold)->reason, "redeem_hold");
  EXPECT_EQ((*hold)->amount, -4);
  EXPECT_EQ((*hold)->ref, std::to_string(r->id));
}

TEST_P(RedemptionStoreTest, OutOfStockAndInsufficientPointsWriteNothing) {
  ASSERT_TRUE(RedemptionStore::Request(*db_, person_, "soap", 1, "self", 1).ok());
  ASSERT_TRUE(RedemptionStore::Request(*db_, person_, "soap", 1, "self", 2).ok());
  auto out = RedemptionStore::Request(*db_, person_, "soap", 1, "self", 3);
  EXPECT_EQ(out.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Balance(), 8);
  auto poor = RedemptionStore::Request(*db_, person_, "haircut", 9, "self", 4);
  EXPECT_EQ(poor.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(poor.status().message(), "insufficient points");
  EXPECT_EQ(Balance(), 8);
  auto all = RedemptionStore::List(*db_, std::nullopt, 0, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);  // the refused request left no row
  EXPECT_EQ(StockOf("haircut"), -1);
  EXPECT_EQ(RedemptionStore::Request(*db_, person_, "nothing", 1, "self", 5).status().code(),
            StatusCode::kNotFound);
}

TEST_P(RedemptionStoreTest, AnUnlimitedItemIsNeverCountedDown) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(RedemptionStore::Request(*db_, person_, "haircut", 1, "self", i).ok());
  }
  EXPECT_EQ(StockOf("haircut"), -1);
}

TEST_P(RedemptionStoreTest, GiveAndCancelAreOnceOnly) {
  auto a = RedemptionStore::Request(*db_, person_, "soap", 3, "self", 1);
  auto b = RedemptionStore::Request(*db_, person_, "soap", 3, "self", 2);
  ASSERT_TRUE(a.ok() && b.ok());
  auto given = RedemptionStore::MarkGiven(*db_, a->id, "王网格", 10);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->status, RedemptionStatus::kGiven);
  EXPECT_EQ(given->closed_by, "王网格");
  EXPECT_EQ(RedemptionStore::MarkGiven(*db_, a->id, "x", 11).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(RedemptionStore::Cancel(*db_, a->id, "x", 11).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Balance(), 4);
  auto cancelled = RedemptionStore::Cancel(*db_, b->id, "王网格", 12);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, RedemptionStatus::kCancelled);
  EXPECT_EQ(Balance(), 7);
  EXPECT_EQ(StockOf("soap"), 1);
  auto release = PointsStore::Find(*db_, cancelled->release_entry_id);
  ASSERT_TRUE(release.ok() && release->has_value());
  EXPECT_EQ((*release)->reason, "redeem_release");
  EXPECT_EQ((*release)->amount, 3);
  EXPECT_EQ(RedemptionStore::Cancel(*db_, b->id, "x", 13).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Balance(), 7);
  EXPECT_EQ(RedemptionStore::MarkGiven(*db_, 999, "x", 1).status().code(), StatusCode::kNotFound);
  auto pending = RedemptionStore::List(*db_, RedemptionStatus::kPending, 0, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

TEST_P(RedemptionStoreTest, SyncStockAddsTheDifferenceOfTheConfiguredStock) {
  ASSERT_TRUE(RedemptionStore::Request(*db_, person_, "soap", 1, "self", 1).ok());
  EXPECT_EQ(StockOf("soap"), 1);
  ASSERT_TRUE(RedemptionStore::SyncStock(*db_, {{"soap", 2}}).ok());  // unchanged: kept
  EXPECT_EQ(StockOf("soap"), 1);
  ASSERT_TRUE(RedemptionStore::SyncStock(*db_, {{"soap", 5}}).ok());  // +3
  EXPECT_EQ(StockOf("soap"), 4);
  ASSERT_TRUE(RedemptionStore::SyncStock(*db_, {{"soap", 0}}).ok());  // -5, not below 0
  EXPECT_EQ(StockOf("soap"), 0);
  ASSERT_TRUE(RedemptionStore::SyncStock(*db_, {{"soap", -1}}).ok());
  EXPECT_EQ(StockOf("soap"), -1);
}

}  // namespace
}  // namespace linli::storage::redemption_store_test
