#include "storage/identity_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::identity_store_test {
namespace {

class IdentityStoreTest : public StoreTest {
 protected:
  static ConversationRef Ref(std::string channel, std::string user, std::string chat,
                             ChatType type = ChatType::kPrivate) {
    ConversationRef r;
    r.channel = std::move(channel);
    r.user_id = std::move(user);
    r.chat_id = std::move(chat);
    r.chat_type = type;
    return r;
  }
};
LINLI_STORE_TEST_BACKENDS(IdentityStoreTest);

TEST_P(IdentityStoreTest, FirstTouchCreatesAResidentAndLaterTouchesFindIt) {
  auto first = IdentityStore::Touch(*db_, Ref("tg", "u1", "u1"), 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->role, "resident");
  EXPECT_EQ(first->tier, "");
  EXPECT_EQ(first->created_at_ms, 1000);

  auto again = IdentityStore::Touch(*db_, Ref("tg", "u1", "g9", ChatType::kGroup), 2000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->created_at_ms, 1000);
  EXPECT_FALSE(db_->in_transaction());

  auto other = IdentityStore::Touch(*db_, Ref("tg", "u2", "u2"), 3000);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);

  auto count = db_->Query("SELECT COUNT(*) FROM persons");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ((*count)[0].Int(0), 2);
}

TEST_P(IdentityStoreTest, TouchRemembersTheLastConversation) {
  auto p = IdentityStore::Touch(*db_, Ref("tg", "u1", "u1"), 1000);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(IdentityStore::Touch(*db_, Ref("tg", "u1", "-100200", ChatType::kGroup), 2000).ok());

  auto id = IdentityStore::FindIdentity(*db_, "tg", "u1");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(id->has_value());
  const Identity& identity = **id;
  EXPECT_EQ(identity.channel, "tg");
  EXPECT_EQ(identity.user_id, "u1");
  EXPECT_EQ(identity.person_id, p->id);
  EXPECT_EQ(identity.last_conversation.channel, "tg");
  EXPECT_EQ(identity.last_conversation.user_id, "u1");
  EXPECT_EQ(identity.last_conversation.chat_id, "-100200");
  EXPECT_EQ(identity.last_conversation.chat_type, ChatType::kGroup);
  EXPECT_EQ(identity.last_seen_ms, 2000);

  auto missing = IdentityStore::FindIdentity(*db_, "tg", "nobody");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(IdentityStoreTest, TouchInsideAnOpenTransactionUsesASavepoint) {
  ASSERT_TRUE(db_->Begin().ok());
  auto p = IdentityStore::Touch(*db_, Ref("wx", "openid", "openid"), 5);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(db_->in_transaction());  // the caller's transaction is still open
  ASSERT_TRUE(db_->Rollback().ok());
  auto id = IdentityStore::FindIdentity(*db_, "wx", "openid");
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(id->has_value());  // rolled back with the caller's transaction
}

TEST_P(IdentityStoreTest, TouchRejectsAnIncompleteReference) {
  EXPECT_EQ(IdentityStore::Touch(*db_, Ref("", "u", "u"), 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IdentityStore::Touch(*db_, Ref("tg", "", "c"), 1).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(IdentityStoreTest, LastUsedIdentityIsTheMostRecentlySeen) {
  auto p = IdentityStore::Touch(*db_, Ref("tg", "u1", "u1"), 1000);
  ASSERT_TRUE(p.ok());
  // Link a second channel identity to the same person (as an account-linking flow would).
  ASSERT_TRUE(db_->Exec("INSERT INTO identities (channel, user_id, person_id, chat_id, chat_type, "
                        "last_seen_at) VALUES ('wx', 'o1', ?, 'o1', 'private', 500)",
                        {p->id})
                  .ok());
  auto last = IdentityStore::LastUsedIdentity(*db_, p->id);
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->channel, "tg");

  ASSERT_TRUE(IdentityStore::Touch(*db_, Ref("wx", "o1", "o1"), 3000).ok());
  last = IdentityStore::LastUsedIdentity(*db_, p->id);
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->channel, "wx");
  EXPECT_EQ((*last)->last_conversation.chat_id, "o1");
  EXPECT_EQ((*last)->last_seen_ms, 3000);

  auto none = IdentityStore::LastUsedIdentity(*db_, 424242);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_P(IdentityStoreTest, SetRoleAndLocale) {
  auto p = IdentityStore::Touch(*db_, Ref("tg", "u1", "u1"), 1000);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(IdentityStore::SetRole(*db_, p->id, "staff", "property").ok());
  ASSERT_TRUE(IdentityStore::SetLocale(*db_, p->id, "en").ok());
  auto found = IdentityStore::FindPerson(*db_, p->id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->role, "staff");
  EXPECT_EQ((*found)->tier, "property");
  EXPECT_EQ((*found)->locale, "en");
  // Touch does not reset them.
  auto touched = IdentityStore::Touch(*db_, Ref("tg", "u1", "u1"), 2000);
  ASSERT_TRUE(touched.ok());
  EXPECT_EQ(touched->role, "staff");
  EXPECT_EQ(touched->locale, "en");

  EXPECT_EQ(IdentityStore::SetRole(*db_, p->id, "overlord", "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IdentityStore::SetRole(*db_, p->id, "staff", "galaxy").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IdentityStore::SetRole(*db_, 999, "admin", "").code(), StatusCode::kNotFound);
  EXPECT_EQ(IdentityStore::SetLocale(*db_, 999, "zh").code(), StatusCode::kNotFound);

  auto missing = IdentityStore::FindPerson(*db_, 999);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

}  // namespace
}  // namespace linli::storage::identity_store_test
