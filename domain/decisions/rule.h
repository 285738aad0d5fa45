// The counting rule of a decision (issue 10, "The legal rule"): PRC Civil Code Art. 278, with
// the headcount of Art. 1259 and the Supreme People's Court interpretation on building
// condominium (最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释, Arts. 8-9), and the
// informal micro-covenant (微公约) rule. Pure: no I/O, no clock, exact integers only - areas are
// integer hundredths of a m², and every ratio is compared by cross-multiplication in 128-bit
// arithmetic, so no bound is ever decided by rounding.
//
// Art. 278 (kOrdinary, kMajor):
//   participation: owners holding >= 2/3 of the electorate's area AND >= 2/3 of its owners
//     ("三分之二以上" includes the bound);
//   kOrdinary: in favour MORE THAN 1/2 of the participating area AND of the participating owners
//     ("过半数" is strict: exactly half fails);
//   kMajor: in favour >= 3/4 of the participating area AND of the participating owners
//     ("四分之三以上" includes the bound).
//   "Participating" is every owner who cast any ballot, abstentions included (参与表决).
//
// Headcount (Art. 278 matters): one owner per exclusive part (Part), except that parts sharing
// an owner_key are one owner, and every developer part (unsold / undelivered) together is one
// owner whatever its owner_key. A part with an empty owner_key is its own owner. Area is always
// per part: each part's area goes to the participation and the option of that part's own
// ballot; a part that did not vote contributes no area, even if its owner voted with another
// part.
//   An owner participates if ANY of their parts cast a ballot. An owner is counted (by
//   headcount) for an option if ANY of their parts cast that option and NONE of their parts
//   cast another one. An owner whose parts voted differently (e.g. one agree, one against) is
//   ONE participating owner counted for NO option: the interpretation makes such an owner one
//   person, who cannot be one head in favour and one against, and counting them for neither
//   never lets a split owner carry (or block) a decision by headcount that they did not
//   support as one person. Their parts' areas still count for each part's own choice.
//
// Informal (kInformal, the micro-covenant): the unit is the household (one ballot per part; no
// owner deduplication, area reported but not used): adopted by a simple majority of the votes
// cast - households choosing approve_value MORE THAN half of the households that cast a
// ballot other than abstain_value - and, when informal_min_turnout_percent > 0, households
// voting (abstentions included) >= that percent of the electorate's households.
//
// Nothing is adopted by an empty electorate or without at least one owner in favour.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linli::domain::decisions {

enum class MatterClass { kInformal, kOrdinary, kMajor };  // "informal" | "ordinary" | "major"

// "informal" | "ordinary" | "major".
std::string_view MatterClassName(MatterClass matter);
// The inverse of MatterClassName (exact, lower case); nullopt for anything else.
std::optional<MatterClass> ParseMatterClass(std::string_view name);

// One exclusive part (专有部分) of the electorate = one roster household.
struct Part {
  int64_t household_id = 0;
  int64_t area_centi = 0;  // exclusive floor area in 0.01 m²; negative is treated as 0
  std::string owner_key;   // parts with the same key are ONE owner by headcount
  bool developer = false;  // unsold developer-held: all developer parts count as one owner
};
// The household's current ballot: its choice (an option value) per household.
struct Cast {
  int64_t household_id = 0;
  std::string choice;
};

struct Count {
  int64_t owners = 0;      // headcount (Art. 278: deduplicated owners; informal: households)
  int64_t area_centi = 0;  // area in 0.01 m²
  friend bool operator==(const Count&, const Count&) = default;
};

struct RuleInput {
  MatterClass matter = MatterClass::kInformal;
  std::vector<Part> electorate;  // a household listed twice counts once (the first entry)
  // At most one per household (if a household appears more than once, the LAST entry counts);
  // households outside the electorate are ignored; so are empty choices and, when `options`
  // is non-empty, choices not among them.
  std::vector<Cast> ballots;
  std::string approve_value = "agree";
  // Every option value, display order (totals reported for each, zeros included). Empty: every
  // non-empty choice is valid and gets a total.
  std::vector<std::string> options;
  int informal_min_turnout_percent = 0;  // kInformal only: households voting / electorate, 0 = none
  // kInformal only: ballots with this choice count for turnout but not as votes cast.
  std::string abstain_value = "abstain";
};

struct RuleResult {
  Count electorate;                          // total owners (deduplicated) and area
  Count participating;                       // owners/area that cast any ballot (abstain included)
  std::map<std::string, Count> per_option;   // by option value
  Count participation_needed;  // the minimum that passes (Art.278: ceil(2/3)); informal: from min turnout
  Count approval_needed;       // the minimum in favour that passes
  bool participation_met = false;
  bool approval_met = false;
  bool adopted = false;  // both met
};

// Applies the rule of `input.matter` (see the top of this file). Never fails: an input that
// cannot be adopted (empty electorate, no ballots) yields adopted == false with every count
// reported. For kInformal, participation_needed.area_centi and approval_needed.area_centi are
// 0 (area is not part of the informal rule).
// Owner headcount rule (Art. 278 + interpretation): one per part, an owner with several parts
// (same owner_key) once, all developer parts together once. An owner participates / is counted
// for an option if ANY of their parts cast that (and, for an option, none cast another: see
// the top of this file for an owner whose parts voted differently).
RuleResult Decide(const RuleInput& input);

// The thresholds half of Decide: from counts already made - counts.electorate,
// counts.participating and counts.per_option (as Decide fills them) - sets the needed counts
// and the met / adopted flags by the rule of `rules.matter` (rules.approve_value,
// abstain_value, informal_min_turnout_percent; its electorate and ballots are not read). For a
// re-count from an audit file whose per-option totals are declared, not recomputable (secret
// ballots: domain/decisions/audit.h). Decide(in) == ApplyRule(in, <Decide's counts>).
RuleResult ApplyRule(const RuleInput& rules, RuleResult counts);

// Helpers the above is made of, exposed for the engine's displays and for tests.

// ceil(value * num / den) for value >= 0, num >= 0, den > 0, in 128-bit arithmetic.
int64_t CeilFraction(int64_t value, int64_t num, int64_t den);

// The headcount key of a part under Art. 278: "developer" for every developer part,
// "owner:<owner_key>" for a non-empty key, "household:<id>" otherwise.
std::string HeadcountKey(const Part& part);

}  // namespace linli::domain::decisions
