// Opinion polls and questionnaires (意见征询, 问卷) and the quarterly democratic appraisal (民主评议)
// of issue 10 point 9, counted. Pure; exact integers (means are fractions, never floats).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/masking.h"

namespace linli::domain::decisions {

// An exact non-negative fraction num/den in lowest terms; den == 0 means "no data" (a mean
// of nothing).
struct Fraction {
  int64_t num = 0;
  int64_t den = 0;
  bool empty() const { return den == 0; }
  friend bool operator==(const Fraction&, const Fraction&) = default;
};
// num/den reduced (den > 0); den == 0 gives the empty fraction.
Fraction MakeFraction(int64_t num, int64_t den);
// -1, 0, 1 as a < b, ==, > (cross-multiplied, exact); an empty fraction is below every other.
int CompareFractions(const Fraction& a, const Fraction& b);
// The fraction as a decimal with `places` digits after the point, rounded half up ("3.67" for
// 11/3 with 2 places); "-" for the empty fraction.
std::string FormatFraction(const Fraction& f, int places = 2);

enum class QuestionKind { kSingle, kMultiple, kScale, kText };
// "single" | "multiple" | "scale" | "text" and back (exact; nullopt for anything else).
std::string_view QuestionKindName(QuestionKind kind);
std::optional<QuestionKind> ParseQuestionKind(std::string_view name);

struct Question {
  std::string id;
  QuestionKind kind = QuestionKind::kSingle;
  std::vector<std::string> options;  // kSingle / kMultiple: option values, display order
  int max_choices = 0;               // kMultiple: at most this many (0 = any number)
};

// One respondent's answer to one question. The respondent key is the poll's unit (a person
// or a household, as the engine chose); one answer per respondent and question - the last one
// listed counts. values: kSingle one option; kMultiple one or more distinct options; kScale
// one of "1".."5"; kText one text.
struct Answer {
  std::string respondent;
  std::string question_id;
  std::vector<std::string> values;
};

struct OptionCount {
  std::string option;
  int64_t count = 0;
  friend bool operator==(const OptionCount&, const OptionCount&) = default;
};

struct QuestionTally {
  std::string question_id;
  QuestionKind kind = QuestionKind::kSingle;
  int64_t answered = 0;  // respondents with a valid answer to this question
  int64_t invalid = 0;   // respondents whose (last) answer was not valid (not counted)
  std::vector<OptionCount> options;  // kSingle / kMultiple: every option, zeros included
  std::array<int64_t, 5> distribution{};  // kScale: how many answered 1, 2, 3, 4, 5
  Fraction mean;                          // kScale: the exact mean (empty without answers)
  // kText: the answers, each through the masking module (phones, ID numbers, the `names`
  // given), sorted - not in the order given, so a list shown in a group does not tell who
  // answered what by when they answered. Empty texts are not answers.
  std::vector<std::string> texts;
  int64_t texts_masked = 0;  // how many of them the masking changed
};

struct PollTally {
  int64_t respondents = 0;  // distinct respondents with at least one valid answer
  std::vector<QuestionTally> questions;  // in the order of the questions
};

// Counts `answers` for `questions`. Answers to a question not listed are ignored; an invalid
// answer (an option not listed, a repeated or too many options, a scale value outside 1-5,
// an empty value list) counts as `invalid` for its question only. `names`: known names to mask
// in free text (roster owner names, staff names; domain/common/masking.h).
PollTally TallyPoll(const std::vector<Question>& questions, const std::vector<Answer>& answers,
                    const domain::MaskNames& names = {});

// --- democratic appraisal (民主评议) ---

// One respondent's score (1-5) of one criterion for the property company serving them.
struct Rating {
  std::string respondent;  // household (or person) key; one score per criterion and company
  std::string company;
  std::string criterion;
  int score = 0;
};

struct CriterionMean {
  std::string criterion;
  int64_t ratings = 0;
  std::array<int64_t, 5> distribution{};
  Fraction mean;  // exact; empty without ratings
};

struct CompanyAppraisal {
  std::string company;
  int64_t respondents = 0;              // distinct respondents who rated this company
  std::vector<CriterionMean> criteria;  // in the order of `criteria`, zeros included
  // The mean of every rating of the company (all criteria weigh the same per rating).
  Fraction overall;
};

// Per company (sorted by company id), per criterion: the exact 1-5 mean and distribution.
// Scores outside 1-5, criteria not listed, and empty respondents or companies are ignored; a
// respondent's repeated score for the same company and criterion: the last one counts.
std::vector<CompanyAppraisal> TallyAppraisal(const std::vector<std::string>& criteria,
                                             const std::vector<Rating>& ratings);

}  // namespace linli::domain::decisions
