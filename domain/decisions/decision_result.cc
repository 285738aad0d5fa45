#include "domain/decisions/decision_result.h"

#include <algorithm>
#include <set>

#include "domain/decisions/plurality.h"
#include "domain/decisions/poll_tally.h"
#include "domain/decisions/rule.h"

namespace linli::domain::decisions {

namespace {

using nlohmann::json;

json CountJson(const Count& c) { return json{{"owners", c.owners}, {"area_centi", c.area_centi}}; }

// The ballots of the electorate's voters, by voter key.
std::vector<const storage::Ballot*> Counted(const Electorate& e,
                                            const std::vector<storage::Ballot>& ballots) {
  std::set<std::string> keys;
  for (const auto& v : e.voters) keys.insert(v.key);
  std::vector<const storage::Ballot*> out;
  for (const auto& b : ballots) {
    if (keys.count(b.voter_key) > 0) out.push_back(&b);
  }
  return out;
}

std::string FirstAnswer(const storage::Ballot& b, size_t q) {
  if (q >= b.answers.size() || b.answers[q].empty()) return "";
  return b.answers[q][0];
}

json Covenant(const storage::Decision& d, const Electorate& e,
              const std::vector<const storage::Ballot*>& counted) {
  RuleInput in;
  in.matter = ParseMatterClass(d.matter).value_or(MatterClass::kInformal);
  in.electorate = e.parts;
  for (const auto* b : counted) in.ballots.push_back({b->household_id, FirstAnswer(*b, 0)});
  in.options.clear();
  if (!d.questions.empty()) {
    for (const auto& o : d.questions[0].options) in.options.push_back(o.value);
  }
  in.informal_min_turnout_percent = d.min_turnout_percent;
  const RuleResult r = Decide(in);
  json per = json::object();
  for (const auto& [value, count] : r.per_option) per[value] = CountJson(count);
  return json{{"rule", d.matter},
              {"electorate", CountJson(r.electorate)},
              {"participating", CountJson(r.participating)},
              {"per_option", std::move(per)},
              {"participation_needed", CountJson(r.participation_needed)},
              {"approval_needed", CountJson(r.approval_needed)},
              {"participation_met", r.participation_met},
              {"approval_met", r.approval_met},
              {"adopted", r.adopted}};
}

// Plurality (domain/decisions/plurality.h): one seat; a tie is reported as a tie.
json Election(const storage::Decision& d, const std::vector<const storage::Ballot*>& counted) {
  std::vector<std::string> order;
  if (!d.questions.empty()) {
    for (const auto& o : d.questions[0].options) order.push_back(o.value);
  }
  std::vector<ElectionVote> votes;
  for (const auto* b : counted) votes.push_back({b->voter_key, FirstAnswer(*b, 0)});
  const PluralityResult r = CountPlurality(order, votes, 1);
  json per = json::array();
  for (const auto& t : r.totals) per.push_back(json{{"candidate", t.candidate}, {"votes", t.votes}});
  // The winners: the one elected, or every candidate tied for the seat.
  json winners = json::array();
  for (const auto& c : r.tie() ? r.tied : r.elected) winners.push_back(c);
  return json{{"candidates", std::move(per)}, {"winners", std::move(winners)}, {"tie", r.tie()},
              {"ballots", r.ballots}};
}

// Polls and appraisals (domain/decisions/poll_tally.h): choice counts, exact 1-5 means, the
// free-text answers masked and sorted.
json Poll(const storage::Decision& d, const std::vector<const storage::Ballot*>& counted) {
  std::vector<Question> questions;
  for (size_t q = 0; q < d.questions.size(); ++q) {
    const auto& dq = d.questions[q];
    Question t;
    t.id = std::to_string(q);
    t.kind = dq.kind == "multi" ? QuestionKind::kMultiple
             : dq.kind == "scale" ? QuestionKind::kScale
             : dq.kind == "text"  ? QuestionKind::kText
                                  : QuestionKind::kSingle;
    for (const auto& o : dq.options) t.options.push_back(o.value);
    questions.push_back(std::move(t));
  }
  std::vector<Answer> answers;
  for (const auto* b : counted) {
    for (size_t q = 0; q < b->answers.size() && q < d.questions.size(); ++q) {
      if (!b->answers[q].empty()) answers.push_back({b->voter_key, std::to_string(q), b->answers[q]});
    }
  }
  const PollTally tally = TallyPoll(questions, answers);
  json out = json::array();
  for (size_t q = 0; q < tally.questions.size() && q < d.questions.size(); ++q) {
    const QuestionTally& t = tally.questions[q];
    json j{{"kind", d.questions[q].kind}, {"text", d.questions[q].text}, {"answered", t.answered}};
    switch (t.kind) {
      case QuestionKind::kSingle:
      case QuestionKind::kMultiple: {
        json per = json::array();
        for (const auto& o : t.options) per.push_back(json{{"value", o.option}, {"count", o.count}});
        j["options"] = std::move(per);
        break;
      }
      case QuestionKind::kScale: {
        int64_t sum = 0;
        json dist = json::object();
        for (int k = 0; k < 5; ++k) {
          dist[std::to_string(k + 1)] = t.distribution[static_cast<size_t>(k)];
          sum += (k + 1) * t.distribution[static_cast<size_t>(k)];
        }
        j["sum"] = sum;
        j["distribution"] = std::move(dist);
        if (!t.mean.empty()) {
          j["mean_num"] = t.mean.num;
          j["mean_den"] = t.mean.den;
          j["mean"] = FormatFraction(t.mean, 2);
        } else {
          j["mean"] = "";
        }
        break;
      }
      case QuestionKind::kText:
        j["answers"] = t.texts;
        break;
    }
    out.push_back(std::move(j));
  }
  return json{{"questions", std::move(out)}, {"respondents", tally.respondents}};
}

}  // namespace

json ComputeResult(const storage::Decision& d, const Electorate& e,
                   const std::vector<storage::Ballot>& ballots) {
  const auto counted = Counted(e, ballots);
  json out;
  if (d.kind == "covenant") {
    out = Covenant(d, e, counted);
  } else if (d.kind == "election") {
    out = Election(d, counted);
  } else {
    out = Poll(d, counted);
  }
  const Turnout t = TurnoutOf(e, ballots);
  out["kind"] = d.kind;
  out["voted"] = t.voted;
  out["eligible"] = t.eligible;
  out["voted_area_centi"] = t.area_centi;
  out["eligible_area_centi"] = t.eligible_area_centi;
  out["text_sha256"] = d.text_sha256;
  return out;
}

bool Adopted(const json& result) {
  auto it = result.find("adopted");
  return it != result.end() && it->is_boolean() && it->get<bool>();
}

std::string OptionLabel(const config::Texts& texts, const std::string& locale,
                        const storage::DecisionOption& o) {
  if (!o.label.empty()) return o.label;
  const std::string key = "decision.option." + o.value;
  std::string t = texts.Get(locale, key);
  return t == key || t.empty() ? o.value : t;
}

std::string AreaText(int64_t area_centi) {
  const int64_t a = std::max<int64_t>(0, area_centi);
  return std::to_string(a / 100) + "." + (a % 100 < 10 ? "0" : "") + std::to_string(a % 100);
}

std::string ResultText(const config::Texts& texts, const std::string& locale,
                       const storage::Decision& d, const json& r) {
  auto num = [](const json& j, const char* k) -> int64_t {
    auto it = j.find(k);
    return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  auto label = [&](const std::string& value, size_t q) {
    if (q < d.questions.size()) {
      for (const auto& o : d.questions[q].options) {
        if (o.value == value) return OptionLabel(texts, locale, o);
      }
    }
    return value;
  };
  const config::TextArgs head = {{"id", std::to_string(d.id)},
                                 {"title", d.title},
                                 {"voted", std::to_string(num(r, "voted"))},
                                 {"eligible", std::to_string(num(r, "eligible"))}};
  std::string text;
  if (d.kind == "covenant") {
    const json& e = r.value("electorate", json::object());
    const json& p = r.value("participating", json::object());
    text = texts.Get(locale, Adopted(r) ? "decision.result.adopted" : "decision.result.rejected",
                     head);
    text += "\n" + texts.Get(locale, "decision.result.participation",
                             {{"owners", std::to_string(num(p, "owners"))},
                              {"total_owners", std::to_string(num(e, "owners"))},
                              {"area", AreaText(num(p, "area_centi"))},
                              {"total_area", AreaText(num(e, "area_centi"))}});
    const json& per = r.value("per_option", json::object());
    if (!d.questions.empty()) {
      for (const auto& o : d.questions[0].options) {
        const json& c = per.value(o.value, json::object());
        text += "\n" + texts.Get(locale, "decision.result.option",
                                 {{"label", OptionLabel(texts, locale, o)},
                                  {"owners", std::to_string(num(c, "owners"))},
                                  {"area", AreaText(num(c, "area_centi"))}});
      }
    }
    return text;
  }
  if (d.kind == "election") {
    std::string winners;
    for (const auto& w : r.value("winners", json::array())) {
      if (!winners.empty()) winners += "、";
      winners += label(w.get<std::string>(), 0);
    }
    config::TextArgs a = head;
    a["winners"] = winners.empty() ? "-" : winners;
    text = texts.Get(locale, r.value("tie", false) ? "decision.result.tie" : "decision.result.elected", a);
    for (const auto& c : r.value("candidates", json::array())) {
      text += "\n" + texts.Get(locale, "decision.result.candidate",
                               {{"label", label(c.value("candidate", ""), 0)},
                                {"votes", std::to_string(num(c, "votes"))}});
    }
    return text;
  }
  text = texts.Get(locale, "decision.result.poll", head);
  size_t q = 0;
  for (const auto& j : r.value("questions", json::array())) {
    const std::string kind = j.value("kind", "");
    std::string line = std::to_string(q + 1) + ". " + j.value("text", "") + "：";
    if (kind == "scale") {
      line += texts.Get(locale, "decision.result.scale",
                        {{"mean", j.value("mean", "")}, {"n", std::to_string(num(j, "answered"))}});
    } else if (kind == "text") {
      line += texts.Get(locale, "decision.result.texts", {{"n", std::to_string(num(j, "answered"))}});
    } else {
      std::string parts;
      for (const auto& o : j.value("options", json::array())) {
        if (!parts.empty()) parts += "，";
        parts += label(o.value("value", ""), q) + " " + std::to_string(num(o, "count"));
      }
      line += parts;
    }
    text += "\n" + line;
    ++q;
  }
  return text;
}

}  // namespace linli::domain::decisions
