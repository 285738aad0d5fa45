#include "storage/decision_store.h"

#include <gtest/gtest.h>

#include "tests/storage/store_test.h"

namespace linli::storage::decision_store_test {
namespace {

class DecisionStoreTest : public StoreTest {
 protected:
  int64_t Draft(int64_t opens = 1000, int64_t closes = 5000) {
    Decision d;
    d.title = "养犬公约";
    d.body = "遛狗请牵绳";
    d.matter = "ordinary";
    d.buildings = {"1", "2"};
    d.questions = {{"single", "", {{"agree", ""}, {"against", ""}, {"abstain", ""}}}};
    d.opens_at_ms = opens;
    d.closes_at_ms = closes;
    d.created_by_name = "王主任";
    d.created_at_ms = 10;
    auto id = DecisionStore::Create(*db_, d);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  static Ballot Vote(int64_t id, const std::string& key, const std::string& choice, int64_t at,
                     const std::string& via = "chat") {
    Ballot b;
    b.decision_id = id;
    b.voter_key = key;
    b.household_id = std::stoll(key.substr(2));
    b.person_id = 7;
    b.answers = {{choice}};
    b.via = via;
    b.cast_at_ms = at;
    return b;
  }
};
LINLI_STORE_TEST_BACKENDS(DecisionStoreTest);

TEST_P(DecisionStoreTest, CreateGetRoundTrip) {
  const int64_t id = Draft();
  auto d = DecisionStore::Get(*db_, id);
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->title, "养犬公约");
  EXPECT_EQ((*d)->status, "draft");
  EXPECT_EQ((*d)->buildings, (std::vector<std::string>{"1", "2"}));
  ASSERT_EQ((*d)->questions.size(), 1u);
  EXPECT_EQ((*d)->questions[0].options.size(), 3u);
  EXPECT_EQ((*d)->questions[0].options[1].value, "against");
  EXPECT_TRUE((*d)->secret);
  EXPECT_EQ((*d)->created_by_name, "王主任");
}

TEST_P(DecisionStoreTest, DraftEditableUntilOpenedThenFrozen) {
  const int64_t id = Draft();
  auto d = **DecisionStore::Get(*db_, id);
  d.title = "文明养犬公约";
  ASSERT_TRUE(DecisionStore::UpdateDraft(*db_, d, 20).ok());
  EXPECT_EQ((**DecisionStore::Get(*db_, id)).title, "文明养犬公约");
  auto opened = DecisionStore::Open(*db_, id, "abc", "salt", 1000);
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(*opened);
  // Opened once only.
  EXPECT_FALSE(*DecisionStore::Open(*db_, id, "def", "x", 1001));
  d.title = "改不了";
  EXPECT_EQ(DecisionStore::UpdateDraft(*db_, d, 1002).code(), StatusCode::kFailedPrecondition);
  auto now = **DecisionStore::Get(*db_, id);
  EXPECT_EQ(now.title, "文明养犬公约");
  EXPECT_EQ(now.text_sha256, "abc");
  EXPECT_EQ(now.status, "open");
}

TEST_P(DecisionStoreTest, DueListsAndCloseOnce) {
  const int64_t a = Draft(1000, 5000);
  const int64_t b = Draft(0, 5000);  // not scheduled
  EXPECT_EQ(*DecisionStore::DueToOpen(*db_, 999), std::vector<int64_t>{});
  EXPECT_EQ(*DecisionStore::DueToOpen(*db_, 1000), std::vector<int64_t>{a});
  ASSERT_TRUE(*DecisionStore::Open(*db_, a, "h", "s", 1000));
  EXPECT_EQ(*DecisionStore::DueToClose(*db_, 4999), std::vector<int64_t>{});
  EXPECT_EQ(*DecisionStore::DueToRemind(*db_, 2000, 3000), std::vector<int64_t>{a});
  EXPECT_TRUE(*DecisionStore::MarkReminded(*db_, a));
  EXPECT_FALSE(*DecisionStore::MarkReminded(*db_, a));
  EXPECT_EQ(*DecisionStore::DueToRemind(*db_, 2000, 3000), std::vector<int64_t>{});
  EXPECT_EQ(*DecisionStore::DueToClose(*db_, 5000), std::vector<int64_t>{a});
  EXPECT_TRUE(*DecisionStore::Close(*db_, a, 5000));
  EXPECT_FALSE(*DecisionStore::Close(*db_, a, 5001));
  EXPECT_FALSE(*DecisionStore::Close(*db_, b, 5001));  // a draft never closes
}

TEST_P(DecisionStoreTest, OneBallotPerVoterLastCountsHistoryKept) {
  const int64_t id = Draft();
  // Not open yet: refused.
  EXPECT_FALSE(*DecisionStore::Cast(*db_, Vote(id, "h:1", "agree", 900)));
  ASSERT_TRUE(*DecisionStore::Open(*db_, id, "h", "s", 1000));
  EXPECT_TRUE(*DecisionStore::Cast(*db_, Vote(id, "h:1", "agree", 1100, "paper")));
  Ballot changed = Vote(id, "h:1", "against", 1200);
  changed.commitment = "c0ffee";
  changed.receipt = "beef";
  EXPECT_TRUE(*DecisionStore::Cast(*db_, changed));
  EXPECT_TRUE(*DecisionStore::Cast(*db_, Vote(id, "h:2", "agree", 1300)));
  auto ballots = *DecisionStore::Ballots(*db_, id);
  ASSERT_EQ(ballots.size(), 2u);
  EXPECT_EQ(ballots[0].voter_key, "h:1");
  EXPECT_EQ(ballots[0].answers, (std::vector<std::vector<std::string>>{{"against"}}));
  EXPECT_EQ(ballots[0].via, "chat");
  EXPECT_EQ(ballots[0].commitment, "c0ffee");
  EXPECT_EQ(ballots[0].receipt, "beef");
  auto history = *DecisionStore::History(*db_, id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].via, "paper");
  EXPECT_EQ(history[1].answers[0][0], "against");
  // At or after the closing instant: refused, nothing changes (even before the job closes it).
  EXPECT_FALSE(*DecisionStore::Cast(*db_, Vote(id, "h:1", "agree", 5000)));
  ASSERT_TRUE(*DecisionStore::Close(*db_, id, 5000));
  EXPECT_FALSE(*DecisionStore::Cast(*db_, Vote(id, "h:3", "agree", 4000)));
  EXPECT_EQ(DecisionStore::Ballots(*db_, id)->size(), 2u);
  EXPECT_EQ(DecisionStore::History(*db_, id)->size(), 3u);
  EXPECT_EQ((**DecisionStore::BallotOf(*db_, id, "h:1")).answers[0][0], "against");
}

TEST_P(DecisionStoreTest, ResultWrittenOnceNeverUpdated) {
  const int64_t id = Draft();
  ASSERT_TRUE(DecisionStore::StoreResult(*db_, {id, "{\"a\":1}", true, 7}).ok());
  EXPECT_EQ(DecisionStore::StoreResult(*db_, {id, "{\"a\":2}", false, 8}).code(),
            StatusCode::kAlreadyExists);
  auto r = **DecisionStore::Result(*db_, id);
  EXPECT_EQ(r.result_json, "{\"a\":1}");
  EXPECT_TRUE(r.adopted);
}

TEST_P(DecisionStoreTest, CommentsInvitesNominations) {
  const int64_t id = Draft();
  ASSERT_TRUE(DecisionStore::Invite(*db_, id, 5, 1).ok());
  ASSERT_TRUE(DecisionStore::Invite(*db_, id, 5, 2).ok());
  EXPECT_TRUE(*DecisionStore::IsInvited(*db_, id, 5));
  EXPECT_FALSE(*DecisionStore::IsInvited(*db_, id, 6));
  ASSERT_TRUE(DecisionStore::AddComment(*db_, {0, id, 5, "建议加上时间段", 3}).ok());
  auto comments = *DecisionStore::Comments(*db_, id);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].text, "建议加上时间段");
  ASSERT_TRUE(DecisionStore::Nominate(*db_, id, "李阿姨", 5, 4).ok());
  EXPECT_EQ(DecisionStore::Nominate(*db_, id, "李阿姨", 6, 5).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*DecisionStore::Nominees(*db_, id), std::vector<std::string>{"李阿姨"});
}

}  // namespace
}  // namespace linli::storage::decision_store_test
