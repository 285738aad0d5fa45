#include "storage/wish_store.h"

#include <gtest/gtest.h>

#include "storage/card_store.h"
#include "tests/storage/store_test.h"

namespace linli::storage::wish_store_test {
namespace {

class WishStoreTest : public StoreTest {
 protected:
  Wish NewWish(int64_t helpers = 1, WishStatus status = WishStatus::kOpen) {
    Wish w;
    w.requester_person_id = 1;
    w.posted_by_person_id = 1;
    w.channel = "tg";
    w.category = "life";
    w.text = "帮忙买药";
    w.building = "3";
    w.helpers_needed = helpers;
    w.status = status;
    w.created_at_ms = w.updated_at_ms = 1000;
    auto created = WishStore::Create(*db_, w);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : Wish{};
  }
  ClaimResult Claim(int64_t number, int64_t person, int64_t at = 2000) {
    auto r = WishStore::Claim(*db_, number, person, at);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ClaimResult::kNotOpen;
  }
};
LINLI_STORE_TEST_BACKENDS(WishStoreTest);

TEST_P(WishStoreTest, CreateFindListAndTransition) {
  const Wish a = NewWish();
  const Wish b = NewWish(2, WishStatus::kPending);
  EXPECT_GT(a.number, 0);
  EXPECT_EQ(b.number, a.number + 1);
  auto found = WishStore::Find(*db_, a.number);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->text, "帮忙买药");
  EXPECT_EQ((*found)->status, WishStatus::kOpen);

  WishFilter f;
  f.statuses = {WishStatus::kPending};
  auto pending = WishStore::List(*db_, f);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].number, b.number);

  // Conditional: only from the listed states; the affected-row count says whether it moved.
  auto moved = WishStore::Transition(*db_, b.number, {WishStatus::kOpen}, WishStatus::kClaimed, 5);
  ASSERT_TRUE(moved.ok());
  EXPECT_FALSE(*moved);
  const std::string reason = "请写清楚";
  moved = WishStore::Transition(*db_, b.number, {WishStatus::kPending}, WishStatus::kRejected, 5,
                                &reason);
  ASSERT_TRUE(moved.ok());
  EXPECT_TRUE(*moved);
  found = WishStore::Find(*db_, b.number);
  EXPECT_EQ((*found)->status, WishStatus::kRejected);
  EXPECT_EQ((*found)->reject_reason, reason);
}

TEST_P(WishStoreTest, ClaimsStopAtTheHelperCountAndOncePerPerson) {
  const Wish w = NewWish(2);
  EXPECT_EQ(Claim(w.number, 10), ClaimResult::kClaimed);
  EXPECT_EQ(Claim(w.number, 10), ClaimResult::kAlready);
  EXPECT_EQ(Claim(w.number, 11), ClaimResult::kClaimed);
  EXPECT_EQ(Claim(w.number, 12), ClaimResult::kFull);
  auto claims = WishStore::Claims(*db_, w.number);
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 2u);
  EXPECT_EQ((*claims)[0].person_id, 10);
  EXPECT_EQ((*claims)[1].person_id, 11);

  // A released claim frees a place; its person may claim again only while there is room.
  auto released = WishStore::SetClaim(*db_, w.number, 10, {ClaimStatus::kActive},
                                      ClaimStatus::kReleased, 3000);
  ASSERT_TRUE(released.ok() && *released);
  EXPECT_EQ(Claim(w.number, 12), ClaimResult::kClaimed);
  EXPECT_EQ(Claim(w.number, 10), ClaimResult::kFull);
  auto again = WishStore::SetClaim(*db_, w.number, 12, {ClaimStatus::kActive},
                                   ClaimStatus::kReleased, 3100);
  ASSERT_TRUE(again.ok() && *again);
  EXPECT_EQ(Claim(w.number, 10), ClaimResult::kClaimed);
  auto mine = WishStore::FindClaim(*db_, w.number, 10);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  EXPECT_EQ((*mine)->status, ClaimStatus::kActive);
}

TEST_P(WishStoreTest, OnlyOpenOrClaimedWishesCanBeClaimed) {
  const Wish pending = NewWish(1, WishStatus::kPending);
  EXPECT_EQ(Claim(pending.number, 10), ClaimResult::kNotOpen);
  EXPECT_EQ(Claim(999, 10), ClaimResult::kNotOpen);
  auto claims = WishStore::Claims(*db_, pending.number);
  ASSERT_TRUE(claims.ok());
  EXPECT_TRUE(claims->empty());
}

TEST_P(WishStoreTest, DoneClaimsKeepTheirPlaceAndHoursCountForTheServiceRecord) {
  const Wish w = NewWish(1);
  ASSERT_EQ(Claim(w.number, 10), ClaimResult::kClaimed);
  auto done = WishStore::SetClaim(*db_, w.number, 10, {ClaimStatus::kActive}, ClaimStatus::kDone,
                                  4000, 15, "photo-1");
  ASSERT_TRUE(done.ok() && *done);
  EXPECT_EQ(Claim(w.number, 11), ClaimResult::kFull);
  // Not yet confirmed: nothing served.
  auto served = WishStore::ServedBy(*db_, 10, 0, 1'000'000);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served->wishes, 0);
  auto confirmed = WishStore::SetClaim(*db_, w.number, 10, {ClaimStatus::kDone},
                                       ClaimStatus::kConfirmed, 5000);
  ASSERT_TRUE(confirmed.ok() && *confirmed);
  served = WishStore::ServedBy(*db_, 10, 0, 1'000'000);
  EXPECT_EQ(served->wishes, 1);
  EXPECT_EQ(served->hours_tenths, 15);
  served = WishStore::ServedBy(*db_, 10, 5001, 1'000'000);  // outside the period
  EXPECT_EQ(served->wishes, 0);
}

TEST_P(WishStoreTest, StaleClaimsAndDoneWishesForTheJobs) {
  const Wish a = NewWish(1);
  const Wish b = NewWish(1);
  ASSERT_EQ(Claim(a.number, 10, 1000), ClaimResult::kClaimed);
  ASSERT_EQ(Claim(b.number, 11, 5000), ClaimResult::kClaimed);
  auto stale = WishStore::StaleClaims(*db_, 2000, 10);
  ASSERT_TRUE(stale.ok());
  ASSERT_EQ(stale->size(), 1u);
  EXPECT_EQ((*stale)[0].person_id, 10);
  ASSERT_TRUE(WishStore::MarkReminded(*db_, (*stale)[0].id, 2500).ok());
  stale = WishStore::StaleClaims(*db_, 2000, 10);
  EXPECT_EQ((*stale)[0].reminded_at_ms, 2500);

  auto moved = WishStore::Transition(*db_, b.number, {WishStatus::kOpen}, WishStatus::kDone, 6000);
  ASSERT_TRUE(moved.ok() && *moved);
  auto done = WishStore::DoneBefore(*db_, 6001, 10);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ((*done)[0].number, b.number);
  EXPECT_EQ((*done)[0].done_at_ms, 6000);
  done = WishStore::DoneBefore(*db_, 6000, 10);
  EXPECT_TRUE(done->empty());
}

TEST_P(WishStoreTest, EventsAreKeptInOrder) {
  const Wish w = NewWish();
  ASSERT_TRUE(WishStore::AddEvent(*db_, {0, w.number, "posted", 1, "", "", 10}).ok());
  ASSERT_TRUE(WishStore::AddEvent(*db_, {0, w.number, "approved", 2, "王网格", "", 20}).ok());
  EXPECT_EQ(WishStore::AddEvent(*db_, {0, w.number, "", 2, "", "", 30}).code(),
            StatusCode::kInvalidArgument);
  auto events = WishStore::Events(*db_, w.number);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "posted");
  EXPECT_EQ((*events)[1].actor_name, "王网格");
}

TEST_P(WishStoreTest, CardsOfAWishAreFoundByKindAndRef) {
  ASSERT_TRUE(CardStore::Record(*db_, {"tg", "-100", "5", "wish", "7", 100}).ok());
  ASSERT_TRUE(CardStore::Record(*db_, {"fs", "oc_1", "om_9", "wish", "7", 200}).ok());
  ASSERT_TRUE(CardStore::Record(*db_, {"tg", "-100", "6", "wish", "8", 300}).ok());
  auto cards = CardStore::ForRef(*db_, "wish", "7");
  ASSERT_TRUE(cards.ok());
  ASSERT_EQ(cards->size(), 2u);
  EXPECT_EQ((*cards)[0].platform_message_id, "5");
  EXPECT_EQ((*cards)[1].channel, "fs");
}

TEST_P(WishStoreTest, ARatingLandsOnConfirmedClaimsOnceAndCountsByRatedTime) {
  const Wish w = NewWish(2);
  ASSERT_EQ(Claim(w.number, 7), ClaimResult::kClaimed);
  ASSERT_EQ(Claim(w.number, 8), ClaimResult::kClaimed);
  // Not confirmed yet: nothing to rate.
  auto rated = WishStore::Rate(*db_, w.number, 4, 3000);
  ASSERT_TRUE(rated.ok());
  EXPECT_EQ(*rated, 0);
  for (int64_t p : {7, 8}) {
    ASSERT_TRUE(*WishStore::SetClaim(*db_, w.number, p, {ClaimStatus::kActive}, ClaimStatus::kDone, 3000));
    ASSERT_TRUE(*WishStore::SetClaim(*db_, w.number, p, {ClaimStatus::kDone}, ClaimStatus::kConfirmed, 3100));
  }
  EXPECT_FALSE(WishStore::Rate(*db_, w.number, 0, 3200).ok());
  EXPECT_FALSE(WishStore::Rate(*db_, w.number, 6, 3200).ok());
  rated = WishStore::Rate(*db_, w.number, 4, 3200);
  ASSERT_TRUE(rated.ok());
  EXPECT_EQ(*rated, 2);  // both helpers' claims
  // A second answer (or one racing the first) rates nothing and changes nothing.
  rated = WishStore::Rate(*db_, w.number, 1, 3300);
  ASSERT_TRUE(rated.ok());
  EXPECT_EQ(*rated, 0);
  auto claim = WishStore::FindClaim(*db_, w.number, 7);
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_EQ((*claim)->rating, 4);
  EXPECT_EQ((*claim)->rated_at_ms, 3200);
  auto in = WishStore::RatingsOf(*db_, 7, 3000, 4000);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->count, 1);
  EXPECT_EQ(in->sum, 4);
  auto before = WishStore::RatingsOf(*db_, 7, 0, 3200);  // [from, to): 3200 is outside
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->count, 0);
}

}  // namespace
}  // namespace linli::storage::wish_store_test
