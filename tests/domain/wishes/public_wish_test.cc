// The wish wall's projection (domain/wishes/public_wish.h): open, claimed and fulfilled
// wishes only, their text masked like the group card (names, phones, door numbers), never a
// contact field.
#include "domain/wishes/public_wish.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/wish_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::domain::public_wish_test {
namespace {

using storage::WishStatus;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PublicWishTest, TheWallShowsOpenAndFulfilledWishesMasked) {
  dialogs::DialogHarness h;
  for (WishStatus s : storage::kAllWishStatuses) {
    storage::Wish w;
    w.category = "medical";
    w.text = "帮" + storage::NameOf(s) + "李秀英买药，电话13912345678，住2单元301室";
    w.building = "3";
    w.contact_name = "李秀英";
    w.contact_phone = "13912345678";
    w.contact_unit = "2-301";
    w.status = s;
    w.created_at_ms = h.clock().NowMillis();
    if (s == WishStatus::kDone || s == WishStatus::kConfirmed) w.done_at_ms = w.created_at_ms + 1;
    auto made = storage::WishStore::Create(h.db(), w);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    if (made->status != s) {
      ASSERT_TRUE(h.db().Exec("UPDATE wishes SET status = ? WHERE id = ?",
                              {storage::NameOf(s), made->number}).ok());
    }
  }
  auto wall = ListPublicWishes(h.db(), h.deps(), 50);
  ASSERT_TRUE(wall.ok()) << wall.status().ToString();
  std::vector<WishStatus> shown;
  for (const auto& w : *wall) {
    shown.push_back(w.status);
    EXPECT_THAT(w.text, Not(HasSubstr("李秀英")));
    EXPECT_THAT(w.text, Not(HasSubstr("13912345678")));
    EXPECT_THAT(w.text, Not(HasSubstr("301")));
    EXPECT_THAT(w.text, HasSubstr("买药"));
    EXPECT_EQ(w.building, "3");
  }
  EXPECT_THAT(shown, ::testing::UnorderedElementsAre(WishStatus::kOpen, WishStatus::kClaimed,
                                                     WishStatus::kDone, WishStatus::kConfirmed));
  EXPECT_TRUE(WishFulfilled(WishStatus::kConfirmed));
  EXPECT_FALSE(WishFulfilled(WishStatus::kClaimed));
  EXPECT_FALSE(OnWishWall(WishStatus::kPending));
  EXPECT_FALSE(OnWishWall(WishStatus::kRejected));
}

}  // namespace
}  // namespace linli::domain::public_wish_test
