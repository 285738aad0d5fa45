#include "storage/points_store.h"

#include <gtest/gtest.h>

#include "storage/identity_store.h"
#include "storage/volunteer_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::points_store_test {
namespace {

class PointsStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto p = IdentityStore::Touch(*db_, {"tg", "v1", "v1", ChatType::kPrivate}, 100);
    ASSERT_TRUE(p.ok());
    person_ = p->id;
  }
  PointsEntry E(int64_t amount, std::string reason = "award", std::string key = "",
                int64_t at = 1000) {
    PointsEntry e;
    e.person_id = person_;
    e.amount = amount;
    e.reason = std::move(reason);
    e.ref = "r";
    e.actor = "王网格";
    e.idem_key = std::move(key);
    e.created_at_ms = at;
    return e;
  }
  int64_t Balance() {
    auto b = PointsStore::Balance(*db_, person_);
    EXPECT_TRUE(b.ok());
    return b.ok() ? *b : -1;
  }
  int64_t Count() {
    auto rows = db_->Query("SELECT COUNT(*) FROM points_ledger");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  int64_t person_ = 0;
};
LINLI_STORE_TEST_BACKENDS(PointsStoreTest);

TEST_P(PointsStoreTest, CreditsAndDebitsSumToTheBalance) {
  EXPECT_EQ(Balance(), 0);
  auto a = PointsStore::Append(*db_, E(10));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->appended);
  EXPECT_GT(a->entry_id, 0);
  ASSERT_TRUE(PointsStore::Append(*db_, E(-4, "redeem_hold")).ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(5, "wish")).ok());
  EXPECT_EQ(Balance(), 11);
}

TEST_P(PointsStoreTest, ADebitBeyondTheBalanceWritesNothing) {
  ASSERT_TRUE(PointsStore::Append(*db_, E(3)).ok());
  auto over = PointsStore::Append(*db_, E(-4, "redeem_hold"));
  EXPECT_EQ(over.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(over.status().message(), "insufficient points");
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(Balance(), 3);
  auto exact = PointsStore::Append(*db_, E(-3, "redeem_hold"));
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(Balance(), 0);
  EXPECT_EQ(PointsStore::Append(*db_, E(-1)).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Balance(), 0);
}

TEST_P(PointsStoreTest, AnotherPersonsPointsDoNotCoverADebit) {
  auto other = IdentityStore::Touch(*db_, {"tg", "v2", "v2", ChatType::kPrivate}, 100);
  ASSERT_TRUE(other.ok());
  PointsEntry rich = E(100);
  rich.person_id = other->id;
  ASSERT_TRUE(PointsStore::Append(*db_, rich).ok());
  EXPECT_EQ(PointsStore::Append(*db_, E(-1)).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(PointsStoreTest, AnIdemKeyIsUsedOnceEver) {
  auto first = PointsStore::Append(*db_, E(5, "wish", "wish:12:person:1"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->appended);
  auto again = PointsStore::Append(*db_, E(7, "wish", "wish:12:person:1"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->appended);
  EXPECT_EQ(again->entry_id, first->entry_id);
  EXPECT_EQ(Balance(), 5);
  // Keyless entries never collide with each other.
  ASSERT_TRUE(PointsStore::Append(*db_, E(1)).ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(1)).ok());
  EXPECT_EQ(Count(), 3);
  auto stored = PointsStore::Find(*db_, first->entry_id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->idem_key, "wish:12:person:1");
  auto keyless = db_->Query("SELECT COUNT(*) FROM points_ledger WHERE idem_key IS NULL");
  ASSERT_TRUE(keyless.ok());
  EXPECT_EQ((*keyless)[0].Int(0), 2);  // "no key" is stored as NULL
}

TEST_P(PointsStoreTest, AKeyedDebitSeenBeforeIsNotRefusedForTheBalance) {
  ASSERT_TRUE(PointsStore::Append(*db_, E(3)).ok());
  auto hold = PointsStore::Append(*db_, E(-3, "redeem_hold", "hold:1"));
  ASSERT_TRUE(hold.ok());
  auto again = PointsStore::Append(*db_, E(-3, "redeem_hold", "hold:1"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->appended);
  EXPECT_EQ(Balance(), 0);
}

TEST_P(PointsStoreTest, BadEntriesAreRefused) {
  EXPECT_EQ(PointsStore::Append(*db_, E(0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PointsStore::Append(*db_, E(1, "")).status().code(), StatusCode::kInvalidArgument);
  PointsEntry nobody = E(1);
  nobody.person_id = 0;
  EXPECT_EQ(PointsStore::Append(*db_, nobody).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_P(PointsStoreTest, RecentIsNewestFirstAndLimited) {
  for (int i = 1; i <= 5; ++i) {
    PointsEntry e = E(i, "hours", "", 1000 + i);
    e.hours_centi = 150 * i;
    e.note = "n" + std::to_string(i);
    ASSERT_TRUE(PointsStore::Append(*db_, e).ok());
  }
  auto recent = PointsStore::Recent(*db_, person_, 3);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].amount, 5);
  EXPECT_EQ((*recent)[0].note, "n5");
  EXPECT_EQ((*recent)[0].hours_centi, 750);
  EXPECT_EQ((*recent)[0].reason, "hours");
  EXPECT_EQ((*recent)[0].actor, "王网格");
  EXPECT_EQ((*recent)[0].created_at_ms, 1005);
  EXPECT_EQ((*recent)[2].amount, 3);
}

TEST_P(PointsStoreTest, AFailedDebitInsideATransactionLeavesTheRestAlone) {
  ASSERT_TRUE(PointsStore::Append(*db_, E(2)).ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(1)).ok());
  EXPECT_FALSE(PointsStore::Append(*db_, E(-10)).ok());
  EXPECT_TRUE(db_->in_transaction());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(Balance(), 3);
}

TEST_P(PointsStoreTest, EarnedBetweenCountsEarningsOfThePeriodOnly) {
  auto other = IdentityStore::Touch(*db_, {"tg", "v2", "v2", ChatType::kPrivate}, 100);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(50, "wish", "", 500)).ok());  // before the period
  ASSERT_TRUE(PointsStore::Append(*db_, E(10, "wish", "", 1000)).ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(4, "award", "", 1500)).ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(-30, "redeem_hold", "", 1600)).ok());  // not earning
  ASSERT_TRUE(PointsStore::Append(*db_, E(-2, "reversal", "", 1700)).ok());
  PointsEntry o = E(20, "hours", "", 1800);
  o.person_id = other->id;
  ASSERT_TRUE(PointsStore::Append(*db_, o).ok());
  ASSERT_TRUE(PointsStore::Append(*db_, E(99, "award", "", 2000)).ok());  // end is exclusive
  auto earned = PointsStore::EarnedBetween(*db_, 1000, 2000, 10);
  ASSERT_TRUE(earned.ok()) << earned.status().ToString();
  ASSERT_EQ(earned->size(), 2u);
  EXPECT_EQ((*earned)[0].person_id, other->id);
  EXPECT_EQ((*earned)[0].points, 20);
  EXPECT_EQ((*earned)[1].person_id, person_);
  EXPECT_EQ((*earned)[1].points, 12);
  auto top = PointsStore::EarnedBetween(*db_, 1000, 2000, 1);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->size(), 1u);
  auto between = PointsStore::Between(*db_, 1000, 2000);
  ASSERT_TRUE(between.ok());
  EXPECT_EQ(between->size(), 5u);
}

// Linking two accounts of one human (关联, IdentityStore::MergeInto) keeps their points and
// their volunteer record: nothing earned on the other account is lost.
TEST_P(PointsStoreTest, AMergeOfTwoAccountsKeepsThePointsAndTheVolunteerRecord) {
  ASSERT_TRUE(PointsStore::Append(*db_, E(7)).ok());
  Volunteer v;
  v.person_id = person_;
  v.display_name = "李志愿";
  v.status = VolunteerStatus::kActive;
  v.source = "chat";
  v.registered_at_ms = 100;
  ASSERT_TRUE(VolunteerStore::Upsert(*db_, v).ok());
  auto other = IdentityStore::Touch(*db_, {"wx", "o1", "o1", ChatType::kPrivate}, 200);
  ASSERT_TRUE(other.ok());
  PointsEntry e = E(5);
  e.person_id = other->id;
  ASSERT_TRUE(PointsStore::Append(*db_, e).ok());

  ASSERT_TRUE(IdentityStore::MergeInto(*db_, person_, other->id).ok());
  auto merged = PointsStore::Balance(*db_, other->id);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, 12);
  EXPECT_EQ(Balance(), 0);
  auto kept = VolunteerStore::Find(*db_, other->id);
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->display_name, "李志愿");
  EXPECT_EQ((*kept)->status, VolunteerStatus::kActive);
}

}  // namespace
}  // namespace linli::storage::points_store_test
