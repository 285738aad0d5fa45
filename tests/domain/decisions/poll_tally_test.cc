#include "domain/decisions/poll_tally.h"

#include <gtest/gtest.h>

namespace linli::domain::decisions::poll_tally_test {
namespace {

using Texts = std::vector<std::string>;

TEST(FractionTest, ReducedComparedAndFormattedExactly) {
  EXPECT_EQ(MakeFraction(6, 4), (Fraction{3, 2}));
  EXPECT_EQ(MakeFraction(0, 7), (Fraction{0, 1}));
  EXPECT_TRUE(MakeFraction(3, 0).empty());
  EXPECT_EQ(CompareFractions(MakeFraction(2, 3), MakeFraction(4, 6)), 0);
  EXPECT_EQ(CompareFractions(MakeFraction(2, 3), MakeFraction(67, 100)), -1);
  EXPECT_EQ(CompareFractions(Fraction{}, MakeFraction(1, 5)), -1);
  EXPECT_EQ(FormatFraction(MakeFraction(11, 3)), "3.67");
  EXPECT_EQ(FormatFraction(MakeFraction(7, 2), 0), "4");    // half up
  EXPECT_EQ(FormatFraction(MakeFraction(1, 200), 2), "0.01");  // 0.005 half up
  EXPECT_EQ(FormatFraction(MakeFraction(1, 201), 2), "0.00");
  EXPECT_EQ(FormatFraction(MakeFraction(4, 1), 2), "4.00");
  EXPECT_EQ(FormatFraction(Fraction{}), "-");
}

TEST(QuestionKindTest, NamesRoundTrip) {
  for (QuestionKind k : {QuestionKind::kSingle, QuestionKind::kMultiple, QuestionKind::kScale,
                         QuestionKind::kText}) {
    ASSERT_EQ(ParseQuestionKind(QuestionKindName(k)), k);
  }
  EXPECT_EQ(ParseQuestionKind("rating"), std::nullopt);
}

// The three-question poll of the issue (charging piles): single choice, a 1-5 scale, free text.
TEST(PollTallyTest, ThreeQuestionPollCountedByHand) {
  std::vector<Question> q = {{"where", QuestionKind::kSingle, {"north", "south", "none"}, 0},
                             {"need", QuestionKind::kScale, {}, 0},
                             {"note", QuestionKind::kText, {}, 0}};
  std::vector<Answer> a = {
      {"h1", "where", {"north"}}, {"h1", "need", {"5"}}, {"h1", "note", {"请装在北门 13812341234"}},
      {"h2", "where", {"south"}}, {"h2", "need", {"4"}},
      {"h3", "where", {"north"}}, {"h3", "need", {"2"}}, {"h3", "note", {"张三 家门口太吵"}},
      {"h2", "where", {"north"}},                     // h2 changed: the last counts
      {"h4", "where", {"east"}},                      // not an option: invalid
      {"h4", "need", {"6"}},                          // outside 1-5: invalid
      {"h5", "nope", {"x"}}};                         // no such question: ignored
  PollTally t = TallyPoll(q, a, {"张三"});
  EXPECT_EQ(t.respondents, 3);
  ASSERT_EQ(t.questions.size(), 3u);
  EXPECT_EQ(t.questions[0].answered, 3);
  EXPECT_EQ(t.questions[0].invalid, 1);
  EXPECT_EQ(t.questions[0].options,
            (std::vector<OptionCount>{{"north", 3}, {"south", 0}, {"none", 0}}));
  EXPECT_EQ(t.questions[1].answered, 3);
  EXPECT_EQ(t.questions[1].invalid, 1);
  EXPECT_EQ(t.questions[1].distribution, (std::array<int64_t, 5>{0, 1, 0, 1, 1}));
  EXPECT_EQ(t.questions[1].mean, (Fraction{11, 3}));  // (5 + 4 + 2) / 3
  EXPECT_EQ(FormatFraction(t.questions[1].mean), "3.67");
  EXPECT_EQ(t.questions[2].answered, 2);
  EXPECT_EQ(t.questions[2].texts_masked, 2);
  EXPECT_EQ(t.questions[2].texts, (Texts{"张* 家门口太吵", "请装在北门 138****1234"}));
}

TEST(PollTallyTest, MultipleChoice) {
  std::vector<Question> q = {{"use", QuestionKind::kMultiple, {"car", "bike", "none"}, 2}};
  std::vector<Answer> a = {{"p1", "use", {"car", "bike"}},
                           {"p2", "use", {"bike"}},
                           {"p3", "use", {"car", "bike", "none"}},  // more than 2
                           {"p4", "use", {"car", "car"}},           // repeated
                           {"p5", "use", {}}};                      // nothing chosen
  PollTally t = TallyPoll(q, a);
  EXPECT_EQ(t.questions[0].answered, 2);
  EXPECT_EQ(t.questions[0].invalid, 3);
  EXPECT_EQ(t.questions[0].options,
            (std::vector<OptionCount>{{"car", 1}, {"bike", 2}, {"none", 0}}));
  q[0].max_choices = 0;  // any number
  EXPECT_EQ(TallyPoll(q, a).questions[0].answered, 3);
}

TEST(PollTallyTest, NoAnswersGiveAnEmptyMean) {
  PollTally t = TallyPoll({{"need", QuestionKind::kScale, {}, 0}}, {});
  EXPECT_EQ(t.respondents, 0);
  EXPECT_TRUE(t.questions[0].mean.empty());
}

// The quarterly appraisal: two companies, two criteria, hand-counted means.
TEST(AppraisalTest, PerCriterionMeansPerCompany) {
  std::vector<Rating> r = {
      {"h1", "acme", "clean", 5}, {"h1", "acme", "repair", 3},
      {"h2", "acme", "clean", 4}, {"h2", "acme", "repair", 2},
      {"h3", "acme", "clean", 4},                                // no repair score
      {"h4", "best", "clean", 1}, {"h4", "best", "repair", 1},
      {"h4", "best", "repair", 2},                               // changed: the last counts
      {"h5", "best", "clean", 0}, {"h5", "best", "noise", 3},    // ignored
  };
  std::vector<CompanyAppraisal> a = TallyAppraisal({"clean", "repair"}, r);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].company, "acme");
  EXPECT_EQ(a[0].respondents, 3);
  EXPECT_EQ(a[0].criteria[0].ratings, 3);
  EXPECT_EQ(a[0].criteria[0].mean, (Fraction{13, 3}));  // (5 + 4 + 4) / 3
  EXPECT_EQ(a[0].criteria[0].distribution, (std::array<int64_t, 5>{0, 0, 0, 2, 1}));
  EXPECT_EQ(a[0].criteria[1].mean, (Fraction{5, 2}));   // (3 + 2) / 2
  EXPECT_EQ(a[0].overall, (Fraction{18, 5}));           // 18 over 5 ratings
  EXPECT_EQ(a[1].company, "best");
  EXPECT_EQ(a[1].respondents, 1);
  EXPECT_EQ(a[1].criteria[0].mean, (Fraction{1, 1}));
  EXPECT_EQ(a[1].criteria[1].mean, (Fraction{2, 1}));
  EXPECT_EQ(a[1].overall, (Fraction{3, 2}));
  EXPECT_EQ(CompareFractions(a[1].overall, a[0].overall), -1);
}

}  // namespace
}  // namespace linli::domain::decisions::poll_tally_test
