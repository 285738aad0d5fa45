#include "storage/inbox_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::inbox_store_test {
namespace {

class InboxStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(InboxStoreTest);

TEST_P(InboxStoreTest, RecordTwiceIsAlreadyExistsAndFindReturnsTheStoredAck) {
  HttpResponse ack = HttpResponse::Text(200, "success");
  ack.content_type = "application/xml";
  ack.body = "<xml><Content><![CDATA[收到]]></Content></xml>";
  ack.headers = {{"X-A", "1"}, {"X-A", "2"}, {"Cache-Control", "no-store"}};
  ASSERT_TRUE(InboxStore::Record(*db_, "wx", "msg-1", 1000, ack).ok());

  HttpResponse other = HttpResponse::Text(500, "different");
  EXPECT_EQ(InboxStore::Record(*db_, "wx", "msg-1", 2000, other).code(),
            StatusCode::kAlreadyExists);

  auto found = InboxStore::Find(*db_, "wx", "msg-1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->status, 200);
  EXPECT_EQ((*found)->content_type, "application/xml");
  EXPECT_EQ((*found)->body, ack.body);
  EXPECT_EQ((*found)->headers, ack.headers);

  // Same message id on another channel is a different message.
  EXPECT_TRUE(InboxStore::Record(*db_, "tg", "msg-1", 1000, other).ok());
  auto missing = InboxStore::Find(*db_, "wx", "msg-2");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto count = InboxStore::Count(*db_);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
}

TEST_P(InboxStoreTest, DuplicateInsideATransactionLeavesItUsable) {
  ASSERT_TRUE(InboxStore::Record(*db_, "tg", "1", 1, HttpResponse::Text(200, "ok")).ok());
  ASSERT_TRUE(db_->Begin().ok());
  EXPECT_EQ(InboxStore::Record(*db_, "tg", "1", 2, HttpResponse::Text(200, "ok")).code(),
            StatusCode::kAlreadyExists);
  EXPECT_TRUE(InboxStore::Record(*db_, "tg", "2", 2, HttpResponse::Text(200, "ok")).ok());
  ASSERT_TRUE(db_->Commit().ok());
  auto count = InboxStore::Count(*db_);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
}

TEST_P(InboxStoreTest, PruneDeletesOnlyOlderRecords) {
  for (int64_t t : {100, 200, 300, 400}) {
    ASSERT_TRUE(
        InboxStore::Record(*db_, "tg", std::to_string(t), t, HttpResponse::Text(200, "")).ok());
  }
  auto pruned = InboxStore::Prune(*db_, 300);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 2);
  auto count = InboxStore::Count(*db_);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  auto gone = InboxStore::Find(*db_, "tg", "200");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto kept = InboxStore::Find(*db_, "tg", "300");
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
  pruned = InboxStore::Prune(*db_, 0);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0);
}

}  // namespace
}  // namespace linli::storage::inbox_store_test
