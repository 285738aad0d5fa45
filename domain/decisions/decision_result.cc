#include "domain/decisions/decision_result.h"

#include <algorithm>
#include <numeric>
#include <set>

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

json Election(const storage::Decision& d, const std::vector<const storage::Ballot*>& counted) {
  std::vector<std::string> order;
  if (!d.questions.empty()) {
    for (const auto& o : d.questions[0].options) order.push_back(o.value);
  }
  std::map<std::string, int64_t> votes;
  for (const auto& v : order) votes[v] = 0;
  for (const auto* b : counted) {
    const std::string c = FirstAnswer(*b, 0);
    if (votes.count(c) > 0) ++votes[c];
  }
  int64_t best = 0;
  for (const auto& [v, n] : votes) best = std::max(best, n);
  json winners = json::array();
  json per = json::array();
  for (const auto& v : order) {
    per.push_back(json{{"candidate", v}, {"votes", votes[v]}});
    if (best > 0 && votes[v] == best) winners.push_back(v);
  }
  return json{{"candidates", std::move(per)}, {"winners", winners}, {"tie", winners.size() > 1}};
}

json Poll(const storage::Decision& d, const std::vector<const storage::Ballot*>& counted) {
  json questions = json::array();
  for (size_t q = 0; q < d.questions.size(); ++q) {
    const auto& question = d.questions[q];
    json j{{"kind", question.kind}, {"text", question.text}};
    int64_t answered = 0;
    if (question.kind == "single" || question.kind == "multi") {
      std::map<std::string, int64_t> counts;
      for (const auto& o : question.options) counts[o.value] = 0;
      for (const auto* b : counted) {
        if (q >= b->answers.size() || b->answers[q].empty()) continue;
        ++answered;
        std::set<std::string> seen;
        for (const auto& v : b->answers[q]) {
          if (counts.count(v) > 0 && seen.insert(v).second) ++counts[v];
        }
      }
      json per = json::array();
      for (const auto& o : question.options) per.push_back(json{{"value", o.value}, {"count", counts[o.value]}});
      j["options"] = std::move(per);
    } else if (question.kind == "scale") {
      int64_t sum = 0;
      std::map<int, int64_t> dist;
      for (int s = 1; s <= 5; ++s) dist[s] = 0;
      for (const auto* b : counted) {
        const std::string v = FirstAnswer(*b, q);
        if (v.size() != 1 || v[0] < '1' || v[0] > '5') continue;
        ++answered;
        sum += v[0] - '0';
        ++dist[v[0] - '0'];
      }
      j["sum"] = sum;
      json dj = json::object();
      for (const auto& [s, n] : dist) dj[std::to_string(s)] = n;
      j["distribution"] = std::move(dj);
      if (answered > 0) {
        const int64_t g = std::gcd(sum, answered);
        j["mean_num"] = sum / g;
        j["mean_den"] = answered / g;
        const int64_t hundredths = (sum * 200 + answered) / (2 * answered);  // half up
        j["mean"] = std::to_string(hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : "") +
                    std::to_string(hundredths % 100);
      } else {
        j["mean"] = "";
      }
    } else {  // text
      json texts = json::array();
      for (const auto* b : counted) {
        const std::string v = FirstAnswer(*b, q);
        if (v.empty()) continue;
        ++answered;
        texts.push_back(v);
      }
      std::sort(texts.begin(), texts.end());  // the order must not follow the voters'
      j["answers"] = std::move(texts);
    }
    j["answered"] = answered;
    questions.push_back(std::move(j));
  }
  return json{{"questions", std::move(questions)}};
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
