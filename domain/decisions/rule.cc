#include "domain/decisions/rule.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace linli::domain::decisions {

namespace {

using Int128 = __int128;

// a * an >= b * bn, exactly.
bool AtLeast(int64_t a, int64_t an, int64_t b, int64_t bn) {
  return static_cast<Int128>(a) * an >= static_cast<Int128>(b) * bn;
}
// a * an > b * bn, exactly.
bool MoreThan(int64_t a, int64_t an, int64_t b, int64_t bn) {
  return static_cast<Int128>(a) * an > static_cast<Int128>(b) * bn;
}

// The smallest x with x * 2 > value: floor(value / 2) + 1.
int64_t MoreThanHalf(int64_t value) { return value / 2 + 1; }

struct OwnerTally {
  bool cast = false;
  std::string choice;  // the one choice of all cast parts
  bool split = false;  // cast parts chose differently
};

}  // namespace

std::string_view MatterClassName(MatterClass matter) {
  switch (matter) {
    case MatterClass::kInformal:
      return "informal";
    case MatterClass::kOrdinary:
      return "ordinary";
    case MatterClass::kMajor:
      return "major";
  }
  return "informal";
}

std::optional<MatterClass> ParseMatterClass(std::string_view name) {
  for (MatterClass m : {MatterClass::kInformal, MatterClass::kOrdinary, MatterClass::kMajor}) {
    if (name == MatterClassName(m)) return m;
  }
  return std::nullopt;
}

int64_t CeilFraction(int64_t value, int64_t num, int64_t den) {
  Int128 product = static_cast<Int128>(value) * num;
  return static_cast<int64_t>((product + den - 1) / den);
}

std::string HeadcountKey(const Part& part) {
  if (part.developer) return "developer";
  if (!part.owner_key.empty()) return "owner:" + part.owner_key;
  return "household:" + std::to_string(part.household_id);
}

RuleResult Decide(const RuleInput& in) {
  RuleResult r;
  const bool informal = in.matter == MatterClass::kInformal;

  // The electorate, each household once.
  std::vector<const Part*> parts;
  std::unordered_map<int64_t, size_t> index;  // household id -> parts index
  for (const Part& p : in.electorate) {
    if (index.emplace(p.household_id, parts.size()).second) parts.push_back(&p);
  }

  // The valid ballot of each household (the last one listed).
  std::unordered_set<std::string> valid(in.options.begin(), in.options.end());
  std::unordered_map<int64_t, std::string> choice;
  for (const Cast& c : in.ballots) {
    if (c.choice.empty() || !index.count(c.household_id)) continue;
    if (!in.options.empty() && !valid.count(c.choice)) continue;
    choice[c.household_id] = c.choice;
  }

  for (const std::string& o : in.options) r.per_option[o] = Count{};

  // Area (always per part) and the per-owner tally.
  std::map<std::string, OwnerTally> owners;  // headcount key -> tally (ordered: deterministic)
  for (const Part* p : parts) {
    const int64_t area = std::max<int64_t>(p->area_centi, 0);
    r.electorate.area_centi += area;
    const std::string key = informal ? "household:" + std::to_string(p->household_id)
                                     : HeadcountKey(*p);
    OwnerTally& t = owners[key];
    auto it = choice.find(p->household_id);
    if (it == choice.end()) continue;
    r.participating.area_centi += area;
    r.per_option[it->second].area_centi += area;
    if (!t.cast) {
      t.cast = true;
      t.choice = it->second;
    } else if (t.choice != it->second) {
      t.split = true;
    }
  }
  r.electorate.owners = static_cast<int64_t>(owners.size());
  for (const auto& [key, t] : owners) {
    if (!t.cast) continue;
    ++r.participating.owners;
    if (!t.split) ++r.per_option[t.choice].owners;
  }

  return ApplyRule(in, std::move(r));
}

RuleResult ApplyRule(const RuleInput& in, RuleResult r) {
  const bool informal = in.matter == MatterClass::kInformal;
  r.participation_needed = r.approval_needed = Count{};
  const Count approve =
      r.per_option.count(in.approve_value) ? r.per_option[in.approve_value] : Count{};

  if (informal) {
    const int64_t percent = std::clamp(in.informal_min_turnout_percent, 0, 100);
    r.participation_needed.owners =
        std::max<int64_t>(1, CeilFraction(r.electorate.owners, percent, 100));
    r.participation_met = r.electorate.owners > 0 &&
                          AtLeast(r.participating.owners, 100, r.electorate.owners, percent) &&
                          r.participating.owners >= r.participation_needed.owners;
    int64_t abstained = 0;
    if (auto it = r.per_option.find(in.abstain_value);
        it != r.per_option.end() && in.abstain_value != in.approve_value) {
      abstained = it->second.owners;
    }
    const int64_t votes_cast = r.participating.owners - abstained;
    r.approval_needed.owners = MoreThanHalf(votes_cast);
    r.approval_met = approve.owners >= 1 && MoreThan(approve.owners, 2, votes_cast, 1);
  } else {
    // Art. 278: >= 2/3 of the area and of the owners. Needed = ceil(2/3 of each); an empty
    // electorate needs one owner it does not have.
    r.participation_needed.owners = std::max<int64_t>(1, CeilFraction(r.electorate.owners, 2, 3));
    r.participation_needed.area_centi = CeilFraction(r.electorate.area_centi, 2, 3);
    r.participation_met =
        r.electorate.owners > 0 &&
        AtLeast(r.participating.owners, 3, r.electorate.owners, 2) &&
        AtLeast(r.participating.area_centi, 3, r.electorate.area_centi, 2);
    if (in.matter == MatterClass::kOrdinary) {
      // 过半数: strictly more than 1/2 of the participating owners and area.
      r.approval_needed.owners = MoreThanHalf(r.participating.owners);
      r.approval_needed.area_centi = MoreThanHalf(r.participating.area_centi);
      r.approval_met = MoreThan(approve.owners, 2, r.participating.owners, 1) &&
                       MoreThan(approve.area_centi, 2, r.participating.area_centi, 1);
    } else {
      // 四分之三以上: at least 3/4 of the participating owners and area, and at least one owner.
      r.approval_needed.owners =
          std::max<int64_t>(1, CeilFraction(r.participating.owners, 3, 4));
      r.approval_needed.area_centi = CeilFraction(r.participating.area_centi, 3, 4);
      r.approval_met = approve.owners >= 1 &&
                       AtLeast(approve.owners, 4, r.participating.owners, 3) &&
                       AtLeast(approve.area_centi, 4, r.participating.area_centi, 3);
    }
  }
  r.adopted = r.participation_met && r.approval_met;
  return r;
}

}  // namespace linli::domain::decisions
