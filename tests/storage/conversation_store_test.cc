#include "storage/conversation_store.h"

#include <gtest/gtest.h>

#include "bot/message.h"
#include "tests/storage/store_test.h"

namespace linli::storage::conversation_store_test {
namespace {

class ConversationStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(ConversationStoreTest);

TEST_P(ConversationStoreTest, SaveLoadOverwriteClear) {
  const std::string key = ConversationRef{"tg", "u1", "c1", ChatType::kPrivate}.Key();
  auto none = ConversationStore::Load(*db_, key);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  DialogState s;
  s.flow = "report";
  s.step = "location";
  s.slots_json = R"({"category":"repair"})";
  s.locale = "zh";
  s.updated_at_ms = 100;
  ASSERT_TRUE(ConversationStore::Save(*db_, key, s).ok());
  auto loaded = ConversationStore::Load(*db_, key);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->flow, "report");
  EXPECT_EQ((*loaded)->step, "location");
  EXPECT_EQ((*loaded)->slots_json, R"({"category":"repair"})");
  EXPECT_EQ((*loaded)->locale, "zh");
  EXPECT_EQ((*loaded)->updated_at_ms, 100);

  s.step = "confirm";
  s.slots_json = "";
  s.updated_at_ms = 200;
  ASSERT_TRUE(ConversationStore::Save(*db_, key, s).ok());
  loaded = ConversationStore::Load(*db_, key);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->step, "confirm");
  EXPECT_EQ((*loaded)->slots_json, "{}");
  EXPECT_EQ((*loaded)->updated_at_ms, 200);
  auto count = db_->Query("SELECT COUNT(*) FROM conversations");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ((*count)[0].Int(0), 1);

  // Another conversation is independent.
  const std::string other = ConversationRef{"tg", "u2", "c1", ChatType::kGroup}.Key();
  ASSERT_TRUE(ConversationStore::Save(*db_, other, DialogState{}).ok());

  ASSERT_TRUE(ConversationStore::Clear(*db_, key).ok());
  loaded = ConversationStore::Load(*db_, key);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
  EXPECT_TRUE(ConversationStore::Clear(*db_, key).ok());  // clearing twice is fine
  auto still = ConversationStore::Load(*db_, other);
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->has_value());
  EXPECT_EQ((*still)->flow, "");
}

TEST_P(ConversationStoreTest, EmptyKeyIsRejected) {
  EXPECT_EQ(ConversationStore::Save(*db_, "", DialogState{}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace linli::storage::conversation_store_test
