#include "storage/referral_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::referral_store_test {
namespace {

class ReferralStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(ReferralStoreTest);

Referral Make(int64_t ticket_id, const std::string& dept, int64_t at, int64_t remind_at) {
  Referral r;
  r.ticket_id = ticket_id;
  r.department_id = dept;
  r.note = "占道经营";
  r.referred_at_ms = at;
  r.remind_at_ms = remind_at;
  return r;
}

TEST_P(ReferralStoreTest, CreateListDueRemindOnceAndAnswer) {
  EXPECT_EQ(ReferralStore::Create(*db_, Make(0, "cg", 1, 2)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReferralStore::Create(*db_, Make(1, "", 1, 2)).status().code(),
            StatusCode::kInvalidArgument);
  auto a = ReferralStore::Create(*db_, Make(7, "cg", 1000, 5000));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = ReferralStore::Create(*db_, Make(7, "water", 2000, 9000));
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->id, b->id);

  auto all = ReferralStore::ForTicket(*db_, 7);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].department_id, "cg");
  EXPECT_EQ((*all)[0].note, "占道经营");
  EXPECT_EQ((*all)[1].remind_at_ms, 9000);

  // Due: only what reached its time.
  auto due = ReferralStore::ListDueUnreminded(*db_, 4999, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  due = ReferralStore::ListDueUnreminded(*db_, 5000, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, a->id);

  // Reminded once only.
  auto first = ReferralStore::MarkRemindedOnce(*db_, a->id, 6000);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = ReferralStore::MarkRemindedOnce(*db_, a->id, 7000);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  due = ReferralStore::ListDueUnreminded(*db_, 100000, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, b->id);

  // The latest open one is answered; an answered one is neither due nor remindable.
  auto open = ReferralStore::LatestOpen(*db_, 7);
  ASSERT_TRUE(open.ok() && open->has_value());
  EXPECT_EQ((*open)->id, b->id);
  auto answered = ReferralStore::MarkAnswered(*db_, b->id, "已处理", 8000);
  ASSERT_TRUE(answered.ok());
  EXPECT_TRUE(*answered);
  auto again = ReferralStore::MarkAnswered(*db_, b->id, "再次", 8500);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto reminded = ReferralStore::MarkRemindedOnce(*db_, b->id, 9500);
  ASSERT_TRUE(reminded.ok());
  EXPECT_FALSE(*reminded);
  due = ReferralStore::ListDueUnreminded(*db_, 100000, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  open = ReferralStore::LatestOpen(*db_, 7);
  ASSERT_TRUE(open.ok() && open->has_value());
  EXPECT_EQ((*open)->id, a->id);
  all = ReferralStore::ForTicket(*db_, 7);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[1].answer, "已处理");
  EXPECT_EQ((*all)[1].answered_at_ms, 8000);
  open = ReferralStore::LatestOpen(*db_, 8);
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->has_value());
}

}  // namespace
}  // namespace linli::storage::referral_store_test
