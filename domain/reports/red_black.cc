#include "domain/reports/red_black.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "domain/common/time_zone.h"

namespace linli::domain::reports {

namespace {

using nlohmann::json;

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Percent(const std::optional<double>& rate) {
  return rate ? Fixed(*rate * 100, 0) + "%" : "-";
}

double Round1(double v) { return std::round(v * 10) / 10; }

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
std::optional<double> OptFrom(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvNumber(const std::optional<double>& v, int decimals) {
  return v ? Fixed(*v, decimals) : "";
}

}  // namespace

std::optional<double> Median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

bool GoodRating(std::string_view rating) { return rating == "satisfied" || rating == "basic"; }

double HoursBetween(int64_t from_ms, int64_t to_ms) {
  return static_cast<double>(to_ms - from_ms) / 3.6e6;
}

std::map<int64_t, int64_t> FirstResolutions(const std::vector<storage::TicketEvent>& events) {
  std::map<int64_t, int64_t> first;
  for (const auto& e : events) {
    if (e.kind == "status" && e.to_status == storage::Name(storage::TicketStatus::kResolved)) {
      first.emplace(e.ticket_id, e.at_ms);
    }
  }
  return first;
}

RedBlackList ComputeRedBlack(const config::Config& config, const QuarterFacts& facts) {
  RedBlackList list;
  list.quarter = facts.quarter;
  list.min_tickets = config.red_black.min_tickets;
  list.min_appraisals = config.red_black.min_appraisals;
  list.top_n = config.red_black.top_n;
  list.bottom_n = config.red_black.bottom_n;

  std::map<std::string, size_t> company_of;  // building -> index
  std::vector<CompanyFigures> all;
  std::vector<std::vector<double>> hours(config.property_companies.size());
  std::vector<std::vector<double>> appraisal(config.property_companies.size());
  for (size_t i = 0; i < config.property_companies.size(); ++i) {
    const auto& pc = config.property_companies[i];
    for (const auto& b : pc.buildings) company_of.emplace(b, i);
    CompanyFigures f;
    f.id = pc.id;
    f.name = pc.name;
    all.push_back(std::move(f));
  }
  auto find = [&](const std::string& building) -> std::optional<size_t> {
    auto it = company_of.find(building);
    if (it == company_of.end()) return std::nullopt;
    return it->second;
  };
  for (const auto& t : facts.tickets) {
    auto i = find(t.building);
    if (!i) continue;
    CompanyFigures& f = all[*i];
    ++f.received;
    if (t.first_resolved_at_ms > 0) {
      ++f.solved;
      if (t.first_resolved_at_ms <= t.deadline_ms) ++f.on_time;
      if (t.reopened) ++f.reopened;
      hours[*i].push_back(HoursBetween(t.created_at_ms, t.first_resolved_at_ms));
    }
  }
  for (const auto& r : facts.ratings) {
    auto i = find(r.building);
    if (!i) continue;
    ++all[*i].ratings;
    if (GoodRating(r.rating)) ++all[*i].good_ratings;
  }
  for (const auto& a : facts.appraisals) {
    auto i = find(a.building);
    if (!i) continue;
    ++all[*i].appraisals;
    appraisal[*i].push_back(a.mean);
  }

  std::vector<CompanyFigures> ranked, unranked;
  for (size_t i = 0; i < all.size(); ++i) {
    CompanyFigures& f = all[i];
    f.median_hours = Median(hours[i]);
    if (f.received > 0) f.on_time_rate = static_cast<double>(f.on_time) / f.received;
    if (f.ratings > 0) f.satisfaction_rate = static_cast<double>(f.good_ratings) / f.ratings;
    if (f.solved > 0) f.reopen_rate = static_cast<double>(f.reopened) / f.solved;
    if (!appraisal[i].empty()) {
      double sum = 0;
      for (double v : appraisal[i]) sum += v;
      f.appraisal_mean = sum / static_cast<double>(appraisal[i].size());
    }
    if (f.received < list.min_tickets) {
      f.unranked_reason = "tickets";
    } else if (f.appraisals < list.min_appraisals) {
      f.unranked_reason = "appraisals";
    }
    if (!f.unranked_reason.empty()) {
      unranked.push_back(std::move(f));
      continue;
    }
    f.ranked = true;
    double weighted = 0;
    int weights = 0;
    auto part = [&](const std::optional<double>& v, int w) {
      if (!v) return;
      weighted += *v * w;
      weights += w;
    };
    part(f.appraisal_mean ? std::optional<double>((*f.appraisal_mean - 1) / 4) : std::nullopt,
         kWeightAppraisal);
    part(f.on_time_rate, kWeightOnTime);
    part(f.satisfaction_rate, kWeightSatisfaction);
    part(f.reopen_rate ? std::optional<double>(1 - *f.reopen_rate) : std::nullopt, kWeightNoReopen);
    f.score = weights > 0 ? Round1(100 * weighted / weights) : 0;
    ranked.push_back(std::move(f));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const CompanyFigures& a, const CompanyFigures& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  const int n = static_cast<int>(ranked.size());
  const int red = std::min(list.top_n, n);
  const int black = std::min(list.bottom_n, n - red);
  for (int i = 0; i < n; ++i) {
    ranked[i].rank = i + 1;
    if (i < red) ranked[i].list = "red";
    if (i >= n - black) ranked[i].list = "black";
  }
  list.companies = std::move(ranked);
  for (auto& f : unranked) list.companies.push_back(std::move(f));
  return list;
}

json ToJson(const RedBlackList& list) {
  json companies = json::array();
  for (const auto& f : list.companies) {
    companies.push_back(json{{"id", f.id},
                             {"name", f.name},
                             {"received", f.received},
                             {"solved", f.solved},
                             {"on_time", f.on_time},
                             {"reopened", f.reopened},
                             {"ratings", f.ratings},
                             {"good_ratings", f.good_ratings},
                             {"appraisals", f.appraisals},
                             {"median_hours", Opt(f.median_hours)},
                             {"on_time_rate", Opt(f.on_time_rate)},
                             {"satisfaction_rate", Opt(f.satisfaction_rate)},
                             {"reopen_rate", Opt(f.reopen_rate)},
                             {"appraisal_mean", Opt(f.appraisal_mean)},
                             {"ranked", f.ranked},
                             {"unranked_reason", f.unranked_reason},
                             {"score", f.ranked ? json(f.score) : json(nullptr)},
                             {"rank", f.rank},
                             {"list", f.list}});
  }
  return json{{"quarter", list.quarter},
              {"rule",
               {{"min_tickets", list.min_tickets},
                {"min_appraisals", list.min_appraisals},
                {"top_n", list.top_n},
                {"bottom_n", list.bottom_n},
                {"weights",
                 {{"appraisal", kWeightAppraisal},
                  {"on_time", kWeightOnTime},
                  {"satisfaction", kWeightSatisfaction},
                  {"no_reopen", kWeightNoReopen}}}}},
              {"companies", std::move(companies)}};
}

StatusOr<RedBlackList> RedBlackFromJson(const json& j) {
  if (!j.is_object() || !j.contains("quarter") || !j["quarter"].is_string() ||
      !j.contains("companies") || !j["companies"].is_array() || !j.contains("rule") ||
      !j["rule"].is_object()) {
    return Status::InvalidArgument("red/black list: not a stored list");
  }
  RedBlackList list;
  list.quarter = j["quarter"].get<std::string>();
  const json& rule = j["rule"];
  list.min_tickets = rule.value("min_tickets", 0);
  list.min_appraisals = rule.value("min_appraisals", 0);
  list.top_n = rule.value("top_n", 0);
  list.bottom_n = rule.value("bottom_n", 0);
  for (const json& c : j["companies"]) {
    if (!c.is_object()) return Status::InvalidArgument("red/black list: a company is not an object");
    CompanyFigures f;
    f.id = c.value("id", "");
    f.name = c.value("name", "");
    f.received = c.value("received", 0);
    f.solved = c.value("solved", 0);
    f.on_time = c.value("on_time", 0);
    f.reopened = c.value("reopened", 0);
    f.ratings = c.value("ratings", 0);
    f.good_ratings = c.value("good_ratings", 0);
    f.appraisals = c.value("appraisals", 0);
    f.median_hours = OptFrom(c, "median_hours");
    f.on_time_rate = OptFrom(c, "on_time_rate");
    f.satisfaction_rate = OptFrom(c, "satisfaction_rate");
    f.reopen_rate = OptFrom(c, "reopen_rate");
    f.appraisal_mean = OptFrom(c, "appraisal_mean");
    f.ranked = c.value("ranked", false);
    f.unranked_reason = c.value("unranked_reason", "");
    f.score = OptFrom(c, "score").value_or(0);
    f.rank = c.value("rank", 0);
    f.list = c.value("list", "");
    list.companies.push_back(std::move(f));
  }
  return list;
}

std::string RenderRedBlack(const config::Texts& texts, const std::string& locale,
                           const std::string& compound, const RedBlackList& list, bool confirmed) {
  auto T = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(locale, "red_black." + key, args);
  };
  std::string out = T("title", {{"compound", compound}, {"quarter", list.quarter}});
  if (!confirmed) {
    out += "\n";
    out += T("draft", {{"quarter", list.quarter}});
  }
  auto names_on = [&](const std::string& which) {
    std::string names;
    for (const auto& f : list.companies) {
      if (f.list != which) continue;
      if (!names.empty()) names += T("separator");
      names += T("entry", {{"name", f.name}, {"score", Fixed(f.score, 1)}});
    }
    return names.empty() ? T("nobody") : names;
  };
  out += "\n\n";
  out += T("red", {{"names", names_on("red")}});
  out += "\n";
  out += T("black", {{"names", names_on("black")}});
  out += "\n\n";
  out += T("figures");
  for (const auto& f : list.companies) {
    const config::TextArgs args = {
        {"rank", std::to_string(f.rank)},
        {"name", f.name},
        {"score", Fixed(f.score, 1)},
        {"received", std::to_string(f.received)},
        {"on_time", std::to_string(f.on_time)},
        {"on_time_rate", Percent(f.on_time_rate)},
        {"median", f.median_hours ? Fixed(*f.median_hours, 1) : "-"},
        {"satisfaction", Percent(f.satisfaction_rate)},
        {"ratings", std::to_string(f.ratings)},
        {"reopen", Percent(f.reopen_rate)},
        {"appraisal", f.appraisal_mean ? Fixed(*f.appraisal_mean, 2) : "-"},
        {"appraisals", std::to_string(f.appraisals)},
        {"min_tickets", std::to_string(list.min_tickets)},
        {"min_appraisals", std::to_string(list.min_appraisals)}};
    out += "\n";
    if (f.ranked) {
      out += T("company", args);
    } else {
      out += T("unranked." + f.unranked_reason, args);
      out += "\n  ";
      out += T("company_figures", args);
    }
  }
  if (list.companies.empty()) {
    out += "\n";
    out += T("no_companies");
  }
  out += "\n\n";
  out += T("method", {{"w_appraisal", std::to_string(kWeightAppraisal)},
                      {"w_on_time", std::to_string(kWeightOnTime)},
                      {"w_satisfaction", std::to_string(kWeightSatisfaction)},
                      {"w_reopen", std::to_string(kWeightNoReopen)},
                      {"min_tickets", std::to_string(list.min_tickets)},
                      {"min_appraisals", std::to_string(list.min_appraisals)},
                      {"top_n", std::to_string(list.top_n)},
                      {"bottom_n", std::to_string(list.bottom_n)}});
  return out;
}

std::string RedBlackCsv(const RedBlackList& list) {
  std::string out =
      "quarter,company_id,company,rank,list,score,ranked,unranked_reason,received,solved,"
      "on_time,on_time_rate,median_hours,ratings,satisfaction_rate,reopened,reopen_rate,"
      "appraisals,appraisal_mean\r\n";
  for (const auto& f : list.companies) {
    const std::vector<std::string> fields = {
        list.quarter,
        f.id,
        f.name,
        f.ranked ? std::to_string(f.rank) : "",
        f.list,
        f.ranked ? Fixed(f.score, 1) : "",
        f.ranked ? "yes" : "no",
        f.unranked_reason,
        std::to_string(f.received),
        std::to_string(f.solved),
        std::to_string(f.on_time),
        CsvNumber(f.on_time_rate, 3),
        CsvNumber(f.median_hours, 1),
        std::to_string(f.ratings),
        CsvNumber(f.satisfaction_rate, 3),
        std::to_string(f.reopened),
        CsvNumber(f.reopen_rate, 3),
        std::to_string(f.appraisals),
        CsvNumber(f.appraisal_mean, 2)};
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ",";
      out += CsvField(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

StatusOr<std::pair<int64_t, int64_t>> QuarterRange(const std::string& quarter,
                                                   const std::string& timezone) {
  int y = 0, q = 0;
  char tail = 0;
  const bool shape = quarter.size() == 7 && quarter[4] == '-' && quarter[5] == 'Q' &&
                     std::sscanf(quarter.c_str(), "%4d-Q%1d%c", &y, &q, &tail) == 2;
  if (!shape || y < 2000 || y > 9999 || q < 1 || q > 4) {
    return Status::InvalidArgument("quarter must be YYYY-Qn with n 1..4 (got \"" + quarter + "\")");
  }
  LINLI_ASSIGN_OR_RETURN(auto zone, LoadTimeZone(timezone));
  const CivilTime start{y, (q - 1) * 3 + 1, 1, 0, 0, 0};
  const CivilTime end = q == 4 ? CivilTime{y + 1, 1, 1, 0, 0, 0} : CivilTime{y, q * 3 + 1, 1, 0, 0, 0};
  return std::make_pair(zone->FromLocal(start) * 1000, zone->FromLocal(end) * 1000);
}

StatusOr<std::string> PreviousQuarter(int64_t now_ms, const std::string& timezone) {
  LINLI_ASSIGN_OR_RETURN(auto zone, LoadTimeZone(timezone));
  const CivilTime local = zone->ToLocal(now_ms / 1000);
  int q = (local.month - 1) / 3 + 1;
  int y = local.year;
  if (--q == 0) {
    q = 4;
    --y;
  }
  return std::to_string(y) + "-Q" + std::to_string(q);
}

}  // namespace linli::domain::reports
