#include "storage/web_session_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::web_session_store_test {
namespace {

class WebSessionStoreTest : public StoreTest {};
LINLI_STORE_TEST_BACKENDS(WebSessionStoreTest);

WebSession Make(const std::string& hash, int64_t person, int64_t now, int64_t expires) {
  WebSession s;
  s.token_hash = hash;
  s.kind = kStaffSession;
  s.person_id = person;
  s.csrf_token = "csrf-" + hash;
  s.created_at_ms = now;
  s.last_seen_at_ms = now;
  s.expires_at_ms = expires;
  return s;
}

TEST_P(WebSessionStoreTest, ValidUntilIdleOrAbsoluteExpiryOrLogout) {
  constexpr int64_t kIdle = 1000;
  EXPECT_EQ(WebSessionStore::Create(*db_, Make("", 1, 0, 10)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WebSessionStore::Create(*db_, Make("h", 0, 0, 10)).status().code(),
            StatusCode::kInvalidArgument);
  auto s = WebSessionStore::Create(*db_, Make("h1", 7, 100, 5000));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GT(s->id, 0);
  EXPECT_EQ(WebSessionStore::Create(*db_, Make("h1", 8, 100, 5000)).status().code(),
            StatusCode::kAlreadyExists);

  auto found = WebSessionStore::FindValid(*db_, "h1", 600, kIdle);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->person_id, 7);
  EXPECT_EQ((*found)->csrf_token, "csrf-h1");
  EXPECT_FALSE(WebSessionStore::FindValid(*db_, "other", 600, kIdle)->has_value());

  // Idle: last seen at 100, so at 1100 it has been idle for the whole idle time.
  EXPECT_FALSE(WebSessionStore::FindValid(*db_, "h1", 1100, kIdle)->has_value());
  ASSERT_TRUE(WebSessionStore::Touch(*db_, s->id, 900).ok());
  ASSERT_TRUE(WebSessionStore::Touch(*db_, s->id, 500).ok());  // never backwards
  EXPECT_TRUE(WebSessionStore::FindValid(*db_, "h1", 1100, kIdle)->has_value());
  EXPECT_FALSE(WebSessionStore::FindValid(*db_, "h1", 1900, kIdle)->has_value());

  // Absolute: however recently seen, not at or after expires_at.
  ASSERT_TRUE(WebSessionStore::Touch(*db_, s->id, 4990).ok());
  EXPECT_TRUE(WebSessionStore::FindValid(*db_, "h1", 4999, kIdle)->has_value());
  EXPECT_FALSE(WebSessionStore::FindValid(*db_, "h1", 5000, kIdle)->has_value());

  auto t = WebSessionStore::Create(*db_, Make("h2", 7, 100, 5000));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(*WebSessionStore::Revoke(*db_, t->id, 200));
  EXPECT_FALSE(*WebSessionStore::Revoke(*db_, t->id, 300));
  EXPECT_FALSE(WebSessionStore::FindValid(*db_, "h2", 250, kIdle)->has_value());

  auto deleted = WebSessionStore::DeleteEnded(*db_, 5000);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
}

TEST_P(WebSessionStoreTest, LoginLinkIsUsedOnceAndNotAfterItsExpiry) {
  EXPECT_EQ(WebSessionStore::CreateLink(*db_, "", 1, 0, 10).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(WebSessionStore::CreateLink(*db_, "L1", 42, 1000, 301000).ok());
  EXPECT_EQ(WebSessionStore::CreateLink(*db_, "L1", 43, 1000, 301000).code(),
            StatusCode::kAlreadyExists);
  auto first = WebSessionStore::ConsumeLink(*db_, "L1", 2000);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ(**first, 42);
  EXPECT_FALSE(WebSessionStore::ConsumeLink(*db_, "L1", 2001)->has_value());  // used

  ASSERT_TRUE(WebSessionStore::CreateLink(*db_, "L2", 42, 1000, 301000).ok());
  EXPECT_FALSE(WebSessionStore::ConsumeLink(*db_, "L2", 301000)->has_value());  // expired
  EXPECT_FALSE(WebSessionStore::ConsumeLink(*db_, "nope", 2000)->has_value());
}

}  // namespace
}  // namespace linli::storage::web_session_store_test
