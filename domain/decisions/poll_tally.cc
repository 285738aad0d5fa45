#include "domain/decisions/poll_tally.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <utility>

#include "domain/common/masking.h"

namespace linli::domain::decisions {

Fraction MakeFraction(int64_t num, int64_t den) {
  if (den == 0) return Fraction{};
  const int64_t g = std::gcd(num, den);
  return Fraction{num / g, den / g};
}

int CompareFractions(const Fraction& a, const Fraction& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  const __int128 l = static_cast<__int128>(a.num) * b.den;
  const __int128 r = static_cast<__int128>(b.num) * a.den;
  return l < r ? -1 : (l > r ? 1 : 0);
}

std::string FormatFraction(const Fraction& f, int places) {
  if (f.empty()) return "-";
  places = std::clamp(places, 0, 9);
  __int128 scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  const __int128 scaled = (static_cast<__int128>(f.num) * scale * 2 + f.den) / (2 * f.den);
  const auto whole = static_cast<int64_t>(scaled / scale);
  std::string out = std::to_string(whole);
  if (places > 0) {
    std::string frac = std::to_string(static_cast<int64_t>(scaled % scale));
    out += "." + std::string(static_cast<size_t>(places) - frac.size(), '0') + frac;
  }
  return out;
}

std::string_view QuestionKindName(QuestionKind kind) {
  switch (kind) {
    case QuestionKind::kSingle:
      return "single";
    case QuestionKind::kMultiple:
      return "multiple";
    case QuestionKind::kScale:
      return "scale";
    case QuestionKind::kText:
      return "text";
  }
  return "single";
}

std::optional<QuestionKind> ParseQuestionKind(std::string_view name) {
  for (QuestionKind k : {QuestionKind::kSingle, QuestionKind::kMultiple, QuestionKind::kScale,
                         QuestionKind::kText}) {
    if (name == QuestionKindName(k)) return k;
  }
  return std::nullopt;
}

namespace {

// 1..5 from "1".."5"; 0 otherwise.
int ScaleValue(const std::string& v) {
  return v.size() == 1 && v[0] >= '1' && v[0] <= '5' ? v[0] - '0' : 0;
}

bool Valid(const Question& q, const std::vector<std::string>& values) {
  if (values.empty()) return false;
  switch (q.kind) {
    case QuestionKind::kSingle:
      return values.size() == 1 &&
             std::find(q.options.begin(), q.options.end(), values[0]) != q.options.end();
    case QuestionKind::kMultiple: {
      if (q.max_choices > 0 && values.size() > static_cast<size_t>(q.max_choices)) return false;
      std::set<std::string> seen;
      for (const auto& v : values) {
        if (std::find(q.options.begin(), q.options.end(), v) == q.options.end()) return false;
        if (!seen.insert(v).second) return false;
      }
      return true;
    }
    case QuestionKind::kScale:
      return values.size() == 1 && ScaleValue(values[0]) > 0;
    case QuestionKind::kText:
      return values.size() == 1 && !values[0].empty();
  }
  return false;
}

}  // namespace

PollTally TallyPoll(const std::vector<Question>& questions, const std::vector<Answer>& answers,
                    const MaskNames& names) {
  PollTally out;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < questions.size(); ++i) index.emplace(questions[i].id, i);
  // (question index, respondent) -> the last values
  std::map<std::pair<size_t, std::string>, const std::vector<std::string>*> last;
  for (const Answer& a : answers) {
    auto it = index.find(a.question_id);
    if (it == index.end() || a.respondent.empty()) continue;
    last[{it->second, a.respondent}] = &a.values;
  }
  out.questions.resize(questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    QuestionTally& t = out.questions[i];
    t.question_id = questions[i].id;
    t.kind = questions[i].kind;
    if (t.kind == QuestionKind::kSingle || t.kind == QuestionKind::kMultiple) {
      for (const auto& o : questions[i].options) t.options.push_back({o, 0});
    }
  }
  std::set<std::string> respondents;
  std::vector<int64_t> scale_sum(questions.size(), 0);
  for (const auto& [key, values] : last) {
    const Question& q = questions[key.first];
    QuestionTally& t = out.questions[key.first];
    if (!Valid(q, *values)) {
      ++t.invalid;
      continue;
    }
    ++t.answered;
    respondents.insert(key.second);
    switch (q.kind) {
      case QuestionKind::kSingle:
      case QuestionKind::kMultiple:
        for (const auto& v : *values) {
          for (auto& o : t.options) {
            if (o.option == v) ++o.count;
          }
        }
        break;
      case QuestionKind::kScale: {
        const int s = ScaleValue((*values)[0]);
        ++t.distribution[static_cast<size_t>(s - 1)];
        scale_sum[key.first] += s;
        break;
      }
      case QuestionKind::kText: {
        MaskedText m = MaskFreeText((*values)[0], names);
        t.texts_masked += m.changed ? 1 : 0;
        t.texts.push_back(std::move(m.text));
        break;
      }
    }
  }
  for (size_t i = 0; i < questions.size(); ++i) {
    QuestionTally& t = out.questions[i];
    if (t.kind == QuestionKind::kScale) t.mean = MakeFraction(scale_sum[i], t.answered);
    std::sort(t.texts.begin(), t.texts.end());
  }
  out.respondents = static_cast<int64_t>(respondents.size());
  return out;
}

std::vector<CompanyAppraisal> TallyAppraisal(const std::vector<std::string>& criteria,
                                             const std::vector<Rating>& ratings) {
  std::map<std::string, size_t> criterion_index;
  for (size_t i = 0; i < criteria.size(); ++i) criterion_index.emplace(criteria[i], i);
  // (company, criterion index, respondent) -> score; the last one counts.
  std::map<std::tuple<std::string, size_t, std::string>, int> last;
  for (const Rating& r : ratings) {
    auto it = criterion_index.find(r.criterion);
    if (it == criterion_index.end() || r.respondent.empty() || r.company.empty()) continue;
    if (r.score < 1 || r.score > 5) continue;
    last[{r.company, it->second, r.respondent}] = r.score;
  }
  std::map<std::string, CompanyAppraisal> companies;
  std::map<std::string, std::set<std::string>> who;
  std::map<std::string, std::vector<int64_t>> sums;
  for (const auto& [key, score] : last) {
    const auto& [company, criterion, respondent] = key;
    CompanyAppraisal& c = companies[company];
    if (c.criteria.empty()) {
      c.company = company;
      for (const auto& name : criteria) c.criteria.push_back({name, 0, {}, {}});
      sums[company].assign(criteria.size(), 0);
    }
    CriterionMean& m = c.criteria[criterion];
    ++m.ratings;
    ++m.distribution[static_cast<size_t>(score - 1)];
    sums[company][criterion] += score;
    who[company].insert(respondent);
  }
  std::vector<CompanyAppraisal> out;
  for (auto& [company, c] : companies) {
    int64_t total = 0;
    int64_t count = 0;
    for (size_t i = 0; i < c.criteria.size(); ++i) {
      c.criteria[i].mean = MakeFraction(sums[company][i], c.criteria[i].ratings);
      total += sums[company][i];
      count += c.criteria[i].ratings;
    }
    c.overall = MakeFraction(total, count);
    c.respondents = static_cast<int64_t>(who[company].size());
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace linli::domain::decisions
