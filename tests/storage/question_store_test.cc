#include "storage/question_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::question_store_test {
namespace {

class QuestionStoreTest : public StoreTest {
 protected:
  static PendingQuestion Rating(const std::string& ref, int64_t asked, int64_t expires) {
    return {"wx|o1|o1", "rating", ref,
            {{"satisfied", "满意", "/rate " + ref + " satisfied"}, {"basic", "基本满意", ""}},
            asked, expires};
  }
};
LINLI_STORE_TEST_BACKENDS(QuestionStoreTest);

TEST_P(QuestionStoreTest, AskPendingReplaceExpire) {
  ASSERT_TRUE(QuestionStore::Ask(*db_, Rating("1", 100, 1000)).ok());
  auto q = QuestionStore::Pending(*db_, "wx|o1|o1", 500);
  ASSERT_TRUE(q.ok() && q->has_value());
  EXPECT_EQ((*q)->kind, "rating");
  EXPECT_EQ((*q)->ref, "1");
  ASSERT_EQ((*q)->options.size(), 2u);
  EXPECT_EQ((*q)->options[0].value, "satisfied");
  EXPECT_EQ((*q)->options[0].label, "满意");
  EXPECT_EQ((*q)->options[0].payload, "/rate 1 satisfied");
  EXPECT_EQ((*q)->options[1].payload, "");
  EXPECT_EQ((*q)->asked_at_ms, 100);
  EXPECT_EQ((*q)->expires_at_ms, 1000);
  auto other = QuestionStore::Pending(*db_, "wx|o2|o2", 500);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  // A newer question replaces it.
  ASSERT_TRUE(QuestionStore::Ask(*db_, Rating("2", 200, 2000)).ok());
  q = QuestionStore::Pending(*db_, "wx|o1|o1", 500);
  ASSERT_TRUE(q.ok() && q->has_value());
  EXPECT_EQ((*q)->ref, "2");
  // Not offered from its expiry on; pruned then.
  q = QuestionStore::Pending(*db_, "wx|o1|o1", 2000);
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->has_value());
  auto pruned = QuestionStore::PruneExpired(*db_, 2000);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
}

TEST_P(QuestionStoreTest, DropOnlyTakesQuestionsAskedBefore) {
  ASSERT_TRUE(QuestionStore::Ask(*db_, Rating("1", 100, 1000)).ok());
  ASSERT_TRUE(QuestionStore::Drop(*db_, "wx|o1|o1", 100).ok());  // asked at 100: kept
  auto q = QuestionStore::Pending(*db_, "wx|o1|o1", 500);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->has_value());
  ASSERT_TRUE(QuestionStore::Drop(*db_, "wx|o1|o1", 101).ok());
  q = QuestionStore::Pending(*db_, "wx|o1|o1", 500);
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->has_value());
}

TEST_P(QuestionStoreTest, RejectsIncompleteQuestions) {
  PendingQuestion q = Rating("1", 1, 2);
  q.options.clear();
  EXPECT_EQ(QuestionStore::Ask(*db_, q).code(), StatusCode::kInvalidArgument);
  q = Rating("1", 1, 2);
  q.kind.clear();
  EXPECT_EQ(QuestionStore::Ask(*db_, q).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace linli::storage::question_store_test
