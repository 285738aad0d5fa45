#include "config/did_you_mean.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace linli::config::did_you_mean_test {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("secret_tokn", "secret_token"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("repiar", "repair"), 2u);
}

TEST(EditDistanceTest, IgnoresTheCaseOfAsciiLetters) {
  EXPECT_EQ(EditDistance("asia/shanghai", "Asia/Shanghai"), 0u);
  EXPECT_EQ(EditDistance("TOKEN", "token"), 0u);
  EXPECT_EQ(EditDistance("北京", "北京"), 0u);
  EXPECT_GT(EditDistance("北京", "上海"), 0u);
}

TEST(ClosestMatchTest, SuggestsTheNearestCandidateWithinTheLimit) {
  const std::vector<std::string> keys = {"token", "secret_token", "bot_username", "timeout_ms"};
  EXPECT_EQ(ClosestMatch("secret_tokn", keys), "secret_token");
  EXPECT_EQ(ClosestMatch("bot_usrname", keys), "bot_username");
  EXPECT_EQ(ClosestMatch("timeout", keys), "");     // 3 edits for a 7-letter word: too far
  EXPECT_EQ(ClosestMatch("webhook_url", keys), "");
  EXPECT_EQ(ClosestMatch("token", keys), "");       // already known: nothing to suggest
  EXPECT_EQ(ClosestMatch("anything", {}), "");
}

TEST(ClosestMatchTest, ShortWordsGetOneEditAndTiesGoToTheFirstCandidate) {
  EXPECT_EQ(ClosestMatch("tg", {"tx", "ty"}), "tx");
  EXPECT_EQ(ClosestMatch("ab", {"xy"}), "");
  EXPECT_EQ(ClosestMatch("repiar", {"parking", "repair"}), "repair");
}

}  // namespace
}  // namespace linli::config::did_you_mean_test
