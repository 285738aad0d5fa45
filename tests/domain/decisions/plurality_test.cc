#include "domain/decisions/plurality.h"

#include <gtest/gtest.h>

namespace linli::domain::decisions::plurality_test {
namespace {

using Names = std::vector<std::string>;

std::vector<ElectionVote> Votes(const std::vector<std::pair<std::string, int>>& per_candidate) {
  std::vector<ElectionVote> out;
  int voter = 0;
  for (const auto& [candidate, n] : per_candidate) {
    for (int i = 0; i < n; ++i) out.push_back({"v" + std::to_string(++voter), candidate});
  }
  return out;
}

TEST(PluralityTest, MostVotesWins) {
  PluralityResult r = CountPlurality({"a", "b", "c"}, Votes({{"a", 3}, {"b", 5}, {"c", 1}}));
  EXPECT_EQ(r.totals, (std::vector<CandidateTotal>{{"a", 3}, {"b", 5}, {"c", 1}}));
  EXPECT_EQ(r.ballots, 9);
  EXPECT_EQ(r.elected, Names{"b"});
  EXPECT_FALSE(r.tie());
}

TEST(PluralityTest, ATieIsReportedAsATie) {
  PluralityResult r = CountPlurality({"a", "b", "c"}, Votes({{"c", 4}, {"a", 4}, {"b", 2}}));
  EXPECT_TRUE(r.elected.empty());
  EXPECT_EQ(r.tied, (Names{"a", "c"}));  // candidates' order, not the votes'
  EXPECT_EQ(r.seats_in_tie, 1);
  EXPECT_TRUE(r.tie());
}

TEST(PluralityTest, SeveralSeatsWithATieForTheLast) {
  // 2 seats: a is elected; b and c tie for the second.
  PluralityResult r = CountPlurality({"a", "b", "c", "d"},
                                     Votes({{"a", 6}, {"b", 3}, {"c", 3}, {"d", 1}}), 2);
  EXPECT_EQ(r.elected, Names{"a"});
  EXPECT_EQ(r.tied, (Names{"b", "c"}));
  EXPECT_EQ(r.seats_in_tie, 1);
  // 3 seats: b and c both fit.
  r = CountPlurality({"a", "b", "c", "d"}, Votes({{"a", 6}, {"b", 3}, {"c", 3}, {"d", 1}}), 3);
  EXPECT_EQ(r.elected, (Names{"a", "b", "c"}));
  EXPECT_FALSE(r.tie());
  // A tie at the top for 2 seats is no tie: both are elected.
  r = CountPlurality({"a", "b", "c"}, Votes({{"a", 2}, {"b", 2}, {"c", 1}}), 2);
  EXPECT_EQ(r.elected, (Names{"a", "b"}));
  EXPECT_FALSE(r.tie());
}

TEST(PluralityTest, OneVotePerVoterTheLastCounts) {
  std::vector<ElectionVote> votes = {{"h1", "a"}, {"h2", "b"}, {"h1", "b"},  // h1 changed
                                     {"h3", "zzz"},                          // not a candidate
                                     {"", "a"}};                             // no voter
  PluralityResult r = CountPlurality({"a", "b", "a"}, votes);
  EXPECT_EQ(r.totals, (std::vector<CandidateTotal>{{"a", 0}, {"b", 2}}));
  EXPECT_EQ(r.ballots, 2);
  EXPECT_EQ(r.elected, Names{"b"});
}

TEST(PluralityTest, NoVotesElectsNobodyAndCandidatesWithoutVotesNeverWin) {
  PluralityResult none = CountPlurality({"a", "b"}, {});
  EXPECT_TRUE(none.elected.empty());
  EXPECT_FALSE(none.tie());
  PluralityResult one = CountPlurality({"a", "b", "c"}, Votes({{"b", 1}}), 2);
  EXPECT_EQ(one.elected, Names{"b"});
  EXPECT_FALSE(one.tie());
}

}  // namespace
}  // namespace linli::domain::decisions::plurality_test
