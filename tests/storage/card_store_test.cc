#include "storage/card_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::card_store_test {
namespace {

class CardStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(CardStoreTest);

TEST_P(CardStoreTest, RecordFindReplacePrune) {
  ASSERT_TRUE(CardStore::Record(*db_, {"fs", "oc_group", "om_1", "wish", "7", 100}).ok());
  auto found = CardStore::Find(*db_, "fs", "oc_group", "om_1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->kind, "wish");
  EXPECT_EQ((*found)->ref, "7");
  EXPECT_EQ((*found)->created_at_ms, 100);
  // The key is (channel, chat, message id): other chats and channels do not see it.
  for (auto [ch, chat] : {std::pair{"fs", "oc_other"}, std::pair{"tg", "oc_group"}}) {
    auto other = CardStore::Find(*db_, ch, chat, "om_1");
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->has_value()) << ch << " " << chat;
  }
  ASSERT_TRUE(CardStore::Record(*db_, {"fs", "oc_group", "om_1", "vote", "3", 200}).ok());
  found = CardStore::Find(*db_, "fs", "oc_group", "om_1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->kind, "vote");
  EXPECT_EQ((*found)->ref, "3");
  ASSERT_TRUE(CardStore::Record(*db_, {"fs", "oc_group", "om_2", "wish", "8", 300}).ok());
  auto pruned = CardStore::PruneBefore(*db_, 250);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  found = CardStore::Find(*db_, "fs", "oc_group", "om_1");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_P(CardStoreTest, RejectsIncompleteCards) {
  EXPECT_EQ(CardStore::Record(*db_, {"fs", "c", "", "wish", "1", 1}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CardStore::Record(*db_, {"fs", "c", "m", "", "1", 1}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CardStore::Record(*db_, {"", "c", "m", "wish", "1", 1}).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace linli::storage::card_store_test
