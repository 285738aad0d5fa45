#include "domain/decisions/audit.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "domain/people/roster_import.h"

namespace linli::domain::decisions {

namespace {

constexpr const char* kMagic = "linli decision audit";
constexpr const char* kVersion = "v1";
constexpr const char* kHouseholdHeader =
    "household,area_m2,owner,developer,cast,collected_by,replaced,choice,commitment";
constexpr const char* kSecrecySecret =
    "secret ballot: no choice is shown per household; each row's commitment is "
    "SHA-256(\"linli-ballot-v1\\n\" + choice + \"\\n\" + nonce) and each counted ballot is "
    "listed under its receipt SHA-256(\"linli-receipt-v1\\n\" + nonce), where the nonce is "
    "random, given only to the voter and never stored, so only the voter can tie a row or a "
    "receipt to a choice";
constexpr const char* kSecrecyOpen = "open ballot: each household's choice is shown";

// A CSV field, quoted when it must be; `guard`: a leading apostrophe for text a spreadsheet
// would evaluate as a formula.
std::string Field(std::string_view text, bool guard = false) {
  std::string s(text);
  if (guard && !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
    s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string Line(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
  return out + "\n";
}

std::string Yes(bool b) { return b ? "yes" : "no"; }

std::string Centi(int64_t c) { return FormatAreaCenti(c); }

// Exactly "<digits>.<2 digits>" (any size that fits); nullopt otherwise.
std::optional<int64_t> ParseCenti(const std::string& s) {
  const size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || s.size() - dot != 3 || dot > 16) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == dot) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<int64_t> ParseInt(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string CastText(const AuditCast& c) {
  return c.collected_by.empty() ? c.via : c.via + " by " + c.collected_by;
}

std::string CountRow(const std::string& name, const Count& c, const std::string& ballots = "") {
  return Line({Field(name), std::to_string(c.owners), Centi(c.area_centi), ballots});
}

}  // namespace

std::string BallotCommitment(std::string_view choice, std::string_view nonce) {
  return Sha256Hex("linli-ballot-v1\n" + std::string(choice) + "\n" + std::string(nonce));
}

std::string BallotReceipt(std::string_view nonce) {
  return Sha256Hex("linli-receipt-v1\n" + std::string(nonce));
}

bool VerifyBallot(std::string_view choice, std::string_view nonce, std::string_view commitment) {
  return BallotCommitment(choice, nonce) == commitment;
}

bool ValidNonce(std::string_view nonce) {
  return nonce.size() >= 32 && std::all_of(nonce.begin(), nonce.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string WriteAuditCsv(const AuditInput& in) {
  const RuleInput& rules = in.rules;
  std::string out = Line({kMagic, kVersion});
  out += Line({"decision", Field(in.decision, true)});
  out += Line({"title", Field(in.title, true)});
  out += Line({"matter", std::string(MatterClassName(rules.matter))});
  out += Line({"ballot", in.secret ? "secret" : "open"});
  out += Line({"electorate", Field(in.electorate, true)});
  out += Line({"text_sha256", Field(in.text_sha256)});
  out += Line({"approve", Field(rules.approve_value)});
  out += Line({"abstain", Field(rules.abstain_value)});
  out += Line({"min_turnout_percent", std::to_string(rules.informal_min_turnout_percent)});
  for (const auto& o : rules.options) out += Line({"option", Field(o)});
  out += Line({"secrecy", Field(in.secret ? kSecrecySecret : kSecrecyOpen)});

  // Households, by label; owners numbered in that order.
  std::vector<const AuditRow*> rows;
  for (const auto& r : in.rows) rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const AuditRow* a, const AuditRow* b) { return a->household < b->household; });
  std::map<std::string, int64_t> owner_number;
  out += "\n" + std::string(kHouseholdHeader) + "\n";
  for (const AuditRow* r : rows) {
    const std::string key = rules.matter == MatterClass::kInformal
                                ? "household:" + std::to_string(r->part.household_id)
                                : HeadcountKey(r->part);
    const int64_t owner =
        owner_number.emplace(key, static_cast<int64_t>(owner_number.size()) + 1).first->second;
    std::string replaced;
    for (const auto& c : r->replaced) replaced += (replaced.empty() ? "" : "; ") + CastText(c);
    out += Line({Field(r->household, true), Centi(std::max<int64_t>(r->part.area_centi, 0)),
                 std::to_string(owner), r->part.developer ? "1" : "0",
                 r->voted ? Field(r->cast.via) : "",
                 r->voted ? Field(r->cast.collected_by, true) : "", Field(replaced, true),
                 !in.secret && r->voted ? Field(r->choice) : "",
                 in.secret && r->voted ? Field(r->commitment) : ""});
  }

  if (in.secret) {
    std::vector<std::pair<std::string, std::string>> receipts;
    for (const AuditRow* r : rows) {
      if (r->voted) receipts.emplace_back(r->receipt, r->choice);
    }
    std::sort(receipts.begin(), receipts.end());
    out += "\nreceipt,choice\n";
    for (const auto& [receipt, choice] : receipts) out += Line({Field(receipt), Field(choice)});
  }

  const RuleResult& a = in.announced;
  std::map<std::string, int64_t> ballots;
  for (const AuditRow* r : rows) {
    if (r->voted) ++ballots[r->choice];
  }
  out += "\ncount,owners,area_m2,ballots\n";
  out += CountRow("electorate", a.electorate);
  out += CountRow("participating", a.participating);
  out += CountRow("needed:participation", a.participation_needed);
  out += CountRow("needed:approval", a.approval_needed);
  for (const auto& o : rules.options) {
    auto it = a.per_option.find(o);
    out += CountRow("option:" + o, it == a.per_option.end() ? Count{} : it->second,
                    std::to_string(ballots[o]));
  }
  out += "\nresult,value\n";
  out += Line({"participation_met", Yes(a.participation_met)});
  out += Line({"approval_met", Yes(a.approval_met)});
  out += Line({"adopted", Yes(a.adopted)});
  return out;
}

namespace {

// The file's blocks: runs of non-empty records.
struct Block {
  std::vector<CsvRecord> records;
};

bool Blank(const CsvRecord& r) {
  return std::all_of(r.fields.begin(), r.fields.end(), [](const std::string& f) { return f.empty(); });
}

std::string Unguard(const std::string& s) {
  if (s.size() >= 2 && s[0] == '\'' &&
      (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@')) {
    return s.substr(1);
  }
  return s;
}

Status Bad(int line, const std::string& what) {
  return Status::InvalidArgument("line " + std::to_string(line) + ": " + what);
}

void Compare(std::vector<std::string>& out, const std::string& what, const Count& announced,
             const Count& recounted) {
  if (announced.owners != recounted.owners) {
    out.push_back(what + " owners: announced " + std::to_string(announced.owners) +
                  ", re-counted " + std::to_string(recounted.owners));
  }
  if (announced.area_centi != recounted.area_centi) {
    out.push_back(what + " area: announced " + Centi(announced.area_centi) + " m², re-counted " +
                  Centi(recounted.area_centi) + " m²");
  }
}

void CompareFlag(std::vector<std::string>& out, const std::string& what, bool announced,
                 bool recounted) {
  if (announced != recounted) {
    out.push_back(what + ": announced " + Yes(announced) + ", re-counted " + Yes(recounted));
  }
}

}  // namespace

StatusOr<RecountReport> Recount(std::string_view csv) {
  CsvParse parsed = ParseCsv(csv);
  if (!parsed.errors.empty()) return Status::InvalidArgument(parsed.errors[0]);
  std::vector<Block> blocks;
  bool open_block = false;
  for (auto& r : parsed.records) {
    if (Blank(r)) {
      open_block = false;
      continue;
    }
    if (!open_block) blocks.emplace_back();
    open_block = true;
    blocks.back().records.push_back(std::move(r));
  }
  if (blocks.empty() || blocks[0].records[0].fields.size() != 2 ||
      blocks[0].records[0].fields[0] != kMagic) {
    return Status::InvalidArgument("line 1: not a linli decision audit file");
  }
  if (blocks[0].records[0].fields[1] != kVersion) {
    return Bad(blocks[0].records[0].line, "unknown audit file version " +
                                              Field(blocks[0].records[0].fields[1]));
  }

  RecountReport report;
  RuleInput rules;
  bool have_ballot = false;
  bool have_matter = false;
  for (size_t i = 1; i < blocks[0].records.size(); ++i) {
    const CsvRecord& r = blocks[0].records[i];
    if (r.fields.size() != 2) return Bad(r.line, "expected key,value");
    const std::string& key = r.fields[0];
    const std::string& value = r.fields[1];
    if (key == "matter") {
      auto m = ParseMatterClass(value);
      if (!m) return Bad(r.line, "unknown matter " + Field(value));
      rules.matter = *m;
      have_matter = true;
    } else if (key == "ballot") {
      if (value != "secret" && value != "open") return Bad(r.line, "ballot is secret or open");
      report.secret = value == "secret";
      have_ballot = true;
    } else if (key == "text_sha256") {
      report.text_sha256 = value;
    } else if (key == "approve") {
      rules.approve_value = value;
    } else if (key == "abstain") {
      rules.abstain_value = value;
    } else if (key == "min_turnout_percent") {
      auto v = ParseInt(value);
      if (!v || *v > 100) return Bad(r.line, "min_turnout_percent is 0-100");
      rules.informal_min_turnout_percent = static_cast<int>(*v);
    } else if (key == "option") {
      rules.options.push_back(value);
    }  // decision, title, electorate, secrecy: for people
  }
  if (!have_matter || !have_ballot) return Bad(blocks[0].records[0].line, "matter or ballot missing");
  report.matter = rules.matter;
  const size_t expected_blocks = report.secret ? 5 : 4;
  if (blocks.size() != expected_blocks) {
    return Status::InvalidArgument("expected " + std::to_string(expected_blocks) +
                                   " blocks, found " + std::to_string(blocks.size()));
  }

  // Households.
  const Block& hb = blocks[1];
  if (Line(hb.records[0].fields) != std::string(kHouseholdHeader) + "\n") {
    return Bad(hb.records[0].line, std::string("expected the header ") + kHouseholdHeader);
  }
  RuleInput counted = rules;
  int64_t voted = 0;
  std::set<std::string> labels;
  for (size_t i = 1; i < hb.records.size(); ++i) {
    const CsvRecord& r = hb.records[i];
    if (r.fields.size() != 9) return Bad(r.line, "expected 9 fields");
    const std::string label = Unguard(r.fields[0]);
    if (!labels.insert(label).second) return Bad(r.line, "household " + label + " appears twice");
    auto area = ParseCenti(r.fields[1]);
    auto owner = ParseInt(r.fields[2]);
    if (!area) return Bad(r.line, "area_m2 " + Field(r.fields[1]) + " is not a number with 2 decimals");
    if (!owner) return Bad(r.line, "owner " + Field(r.fields[2]) + " is not a number");
    if (r.fields[3] != "0" && r.fields[3] != "1") return Bad(r.line, "developer is 0 or 1");
    const std::string& cast = r.fields[4];
    if (!cast.empty() && cast != "chat" && cast != "paper") {
      return Bad(r.line, "cast " + Field(cast) + " is not chat or paper");
    }
    Part part;
    part.household_id = static_cast<int64_t>(i);
    part.area_centi = *area;
    part.owner_key = "owner " + std::to_string(*owner);
    part.developer = r.fields[3] == "1";
    counted.electorate.push_back(part);
    if (cast.empty()) continue;
    ++voted;
    if (report.secret) {
      if (!r.fields[7].empty()) {
        report.mismatches.push_back("household " + label + ": a secret ballot shows a choice");
      }
      if (r.fields[8].size() != 64) {
        report.mismatches.push_back("household " + label + ": voted without a commitment");
      }
      // Counted for participation only (a placeholder choice; see below).
      counted.ballots.push_back({part.household_id, "voted"});
    } else {
      counted.ballots.push_back({part.household_id, r.fields[7]});
    }
  }
  // A secret file counts electorate and participation from the rows: every voted row
  // participates, whatever it chose.
  if (report.secret) counted.options.clear();
  // Informal matters number owners per household; Art. 278 by owner (HeadcountKey's grouping
  // is already in the numbers, developer units included).
  RuleResult recounted = Decide(counted);

  // Receipts (secret).
  if (report.secret) {
    const Block& rb = blocks[2];
    if (Line(rb.records[0].fields) != "receipt,choice\n") {
      return Bad(rb.records[0].line, "expected the header receipt,choice");
    }
    std::set<std::string> seen;
    for (size_t i = 1; i < rb.records.size(); ++i) {
      const CsvRecord& r = rb.records[i];
      if (r.fields.size() != 2) return Bad(r.line, "expected receipt,choice");
      if (!seen.insert(r.fields[0]).second) {
        report.mismatches.push_back("receipt " + r.fields[0] + " appears twice");
      }
      ++report.ballots[r.fields[1]];
    }
    if (static_cast<int64_t>(seen.size()) != voted ||
        static_cast<int64_t>(rb.records.size()) - 1 != voted) {
      report.mismatches.push_back("receipts: " + std::to_string(rb.records.size() - 1) + " for " +
                                  std::to_string(voted) + " households that voted");
    }
  } else {
    for (const Cast& c : counted.ballots) ++report.ballots[c.choice];
  }

  // Totals and result as announced.
  const Block& tb = blocks[report.secret ? 3 : 2];
  if (Line(tb.records[0].fields) != "count,owners,area_m2,ballots\n") {
    return Bad(tb.records[0].line, "expected the header count,owners,area_m2,ballots");
  }
  RuleResult& a = report.announced;
  std::map<std::string, int64_t> announced_ballots;
  for (size_t i = 1; i < tb.records.size(); ++i) {
    const CsvRecord& r = tb.records[i];
    if (r.fields.size() != 4) return Bad(r.line, "expected 4 fields");
    auto owners = ParseInt(r.fields[1]);
    auto area = ParseCenti(r.fields[2]);
    if (!owners || !area) return Bad(r.line, "owners and area_m2 must be numbers");
    const Count c{*owners, *area};
    const std::string& name = r.fields[0];
    if (name == "electorate") {
      a.electorate = c;
    } else if (name == "participating") {
      a.participating = c;
    } else if (name == "needed:participation") {
      a.participation_needed = c;
    } else if (name == "needed:approval") {
      a.approval_needed = c;
    } else if (name.rfind("option:", 0) == 0) {
      const std::string option = name.substr(7);
      a.per_option[option] = c;
      auto b = ParseInt(r.fields[3]);
      if (!b) return Bad(r.line, "ballots must be a number");
      announced_ballots[option] = *b;
    } else {
      return Bad(r.line, "unknown count " + Field(name));
    }
  }
  const Block& xb = blocks[report.secret ? 4 : 3];
  if (Line(xb.records[0].fields) != "result,value\n") {
    return Bad(xb.records[0].line, "expected the header result,value");
  }
  for (size_t i = 1; i < xb.records.size(); ++i) {
    const CsvRecord& r = xb.records[i];
    if (r.fields.size() != 2 || (r.fields[1] != "yes" && r.fields[1] != "no")) {
      return Bad(r.line, "expected result,yes|no");
    }
    const bool v = r.fields[1] == "yes";
    if (r.fields[0] == "participation_met") {
      a.participation_met = v;
    } else if (r.fields[0] == "approval_met") {
      a.approval_met = v;
    } else if (r.fields[0] == "adopted") {
      a.adopted = v;
    } else {
      return Bad(r.line, "unknown result " + Field(r.fields[0]));
    }
  }

  // Secret: per-option totals are the announced ones (checked), except what the receipts
  // count - for an informal matter the headcount is the ballots.
  if (report.secret) {
    RuleResult counts;
    counts.electorate = recounted.electorate;
    counts.participating = recounted.participating;
    counts.per_option = a.per_option;
    for (const auto& o : rules.options) counts.per_option.try_emplace(o);
    if (rules.matter == MatterClass::kInformal) {
      for (auto& [option, c] : counts.per_option) {
        auto it = report.ballots.find(option);
        c.owners = it == report.ballots.end() ? 0 : it->second;
      }
    }
    int64_t area = 0;
    int64_t owners = 0;
    for (const auto& [option, c] : a.per_option) {
      area += c.area_centi;
      owners += c.owners;
    }
    if (area != recounted.participating.area_centi) {
      report.mismatches.push_back("option areas add up to " + Centi(area) +
                                  " m², not the participating " +
                                  Centi(recounted.participating.area_centi) + " m²");
    }
    if (owners > recounted.participating.owners) {
      report.mismatches.push_back("option owners add up to " + std::to_string(owners) +
                                  ", more than the " +
                                  std::to_string(recounted.participating.owners) + " participating");
    }
    recounted = ApplyRule(rules, std::move(counts));
    report.per_option_recounted = rules.matter == MatterClass::kInformal;
  } else {
    report.per_option_recounted = true;
  }

  Compare(report.mismatches, "electorate", a.electorate, recounted.electorate);
  Compare(report.mismatches, "participating", a.participating, recounted.participating);
  Compare(report.mismatches, "needed for participation", a.participation_needed,
          recounted.participation_needed);
  Compare(report.mismatches, "needed for approval", a.approval_needed, recounted.approval_needed);
  for (const auto& o : rules.options) {
    auto ai = a.per_option.find(o);
    auto ri = recounted.per_option.find(o);
    Compare(report.mismatches, "option " + o, ai == a.per_option.end() ? Count{} : ai->second,
            ri == recounted.per_option.end() ? Count{} : ri->second);
    const int64_t counted_ballots = report.ballots.count(o) ? report.ballots.at(o) : 0;
    if (announced_ballots[o] != counted_ballots) {
      report.mismatches.push_back("option " + o + " ballots: announced " +
                                  std::to_string(announced_ballots[o]) + ", re-counted " +
                                  std::to_string(counted_ballots));
    }
  }
  for (const auto& [choice, n] : report.ballots) {
    if (std::find(rules.options.begin(), rules.options.end(), choice) == rules.options.end()) {
      report.mismatches.push_back(std::to_string(n) + " ballot(s) for " + Field(choice) +
                                  ", which is not an option");
    }
  }
  CompareFlag(report.mismatches, "participation met", a.participation_met,
              recounted.participation_met);
  CompareFlag(report.mismatches, "approval met", a.approval_met, recounted.approval_met);
  CompareFlag(report.mismatches, "adopted", a.adopted, recounted.adopted);
  report.recounted = std::move(recounted);
  return report;
}

}  // namespace linli::domain::decisions
