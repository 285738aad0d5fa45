// Fuzz target: the Art. 278 / informal counting rule (domain/decisions/rule.h Decide) checked
// against a slow reference written here from the rule's text alone: linear scans instead of
// hash maps, thresholds found by searching for the smallest passing count instead of
// ceil/floor formulas. Input: a matter byte, an options byte, the turnout percent, then
// parts (household, area, owner, developer) and ballots (household, choice) read from the
// bytes. Areas stay within what the roster import accepts (<= 10,000 m², negative allowed:
// the rule treats it as 0). Seeds: fuzz/corpus/art278_tally/.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "domain/decisions/rule.h"
#include "fuzz/fuzz_check.h"

namespace {

namespace dd = linli::domain::decisions;

constexpr int64_t kMaxAreaCenti = 1'000'000;  // domain/people/roster_import.cc

// The smallest n in [0, hi] with pred(n); hi + 1 when none (pred is monotone).
template <typename Pred>
int64_t Smallest(int64_t hi, Pred pred) {
  int64_t lo = 0;
  int64_t top = hi + 1;
  while (lo < top) {
    const int64_t mid = lo + (top - lo) / 2;
    if (pred(mid)) {
      top = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

dd::RuleResult Reference(const dd::RuleInput& in) {
  const bool informal = in.matter == dd::MatterClass::kInformal;
  // The electorate: each household once, its first entry.
  std::vector<dd::Part> parts;
  for (const dd::Part& p : in.electorate) {
    bool seen = false;
    for (const dd::Part& q : parts) seen = seen || q.household_id == p.household_id;
    if (!seen) parts.push_back(p);
  }
  auto valid_choice = [&](const std::string& c) {
    if (c.empty()) return false;
    if (in.options.empty()) return true;
    return std::find(in.options.begin(), in.options.end(), c) != in.options.end();
  };
  // Each part's ballot: the last valid one listed for its household, "" for none.
  std::vector<std::string> choice(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    for (size_t b = in.ballots.size(); b-- > 0;) {
      if (in.ballots[b].household_id == parts[i].household_id && valid_choice(in.ballots[b].choice)) {
        choice[i] = in.ballots[b].choice;
        break;
      }
    }
  }
  auto owner_of = [&](const dd::Part& p) -> std::string {
    if (informal) return "H" + std::to_string(p.household_id);
    if (p.developer) return "D";
    if (!p.owner_key.empty()) return "O" + p.owner_key;
    return "H" + std::to_string(p.household_id);
  };
  auto area_of = [](const dd::Part& p) { return p.area_centi < 0 ? 0 : p.area_centi; };

  dd::RuleResult r;
  std::vector<std::string> owners;
  for (const dd::Part& p : parts) {
    if (std::find(owners.begin(), owners.end(), owner_of(p)) == owners.end()) {
      owners.push_back(owner_of(p));
    }
    r.electorate.area_centi += area_of(p);
  }
  r.electorate.owners = static_cast<int64_t>(owners.size());
  std::vector<std::string> values = in.options;
  for (const std::string& c : choice) {
    if (!c.empty() && std::find(values.begin(), values.end(), c) == values.end()) values.push_back(c);
  }
  for (const std::string& v : values) r.per_option[v] = dd::Count{};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (choice[i].empty()) continue;
    r.participating.area_centi += area_of(parts[i]);
    r.per_option[choice[i]].area_centi += area_of(parts[i]);
  }
  for (const std::string& o : owners) {
    std::vector<std::string> cast;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (owner_of(parts[i]) == o && !choice[i].empty()) cast.push_back(choice[i]);
    }
    if (cast.empty()) continue;
    ++r.participating.owners;
    if (std::all_of(cast.begin(), cast.end(), [&](const std::string& c) { return c == cast[0]; })) {
      ++r.per_option[cast[0]].owners;
    }
  }

  const dd::Count approve =
      r.per_option.count(in.approve_value) ? r.per_option[in.approve_value] : dd::Count{};
  const int64_t e = r.electorate.owners;
  const int64_t ea = r.electorate.area_centi;
  const int64_t p = r.participating.owners;
  const int64_t pa = r.participating.area_centi;
  if (informal) {
    const int64_t percent = std::min<int64_t>(100, std::max(0, in.informal_min_turnout_percent));
    r.participation_needed.owners =
        std::max<int64_t>(1, Smallest(e, [&](int64_t n) { return n * 100 >= e * percent; }));
    r.participation_met = e > 0 && p >= r.participation_needed.owners;
    int64_t abstained = 0;
    if (in.abstain_value != in.approve_value && r.per_option.count(in.abstain_value)) {
      abstained = r.per_option[in.abstain_value].owners;
    }
    const int64_t votes = p - abstained;
    r.approval_needed.owners = Smallest(votes + 1, [&](int64_t n) { return 2 * n > votes; });
    r.approval_met = approve.owners >= 1 && 2 * approve.owners > votes;
  } else {
    r.participation_needed.owners =
        std::max<int64_t>(1, Smallest(e, [&](int64_t n) { return 3 * n >= 2 * e; }));
    r.participation_needed.area_centi = Smallest(ea, [&](int64_t n) { return 3 * n >= 2 * ea; });
    r.participation_met = e > 0 && 3 * p >= 2 * e && 3 * pa >= 2 * ea;
    if (in.matter == dd::MatterClass::kOrdinary) {
      r.approval_needed.owners = Smallest(p + 1, [&](int64_t n) { return 2 * n > p; });
      r.approval_needed.area_centi = Smallest(pa + 1, [&](int64_t n) { return 2 * n > pa; });
      r.approval_met = 2 * approve.owners > p && 2 * approve.area_centi > pa;
    } else {
      r.approval_needed.owners =
          std::max<int64_t>(1, Smallest(p, [&](int64_t n) { return 4 * n >= 3 * p; }));
      r.approval_needed.area_centi = Smallest(pa, [&](int64_t n) { return 4 * n >= 3 * pa; });
      r.approval_met = approve.owners >= 1 && 4 * approve.owners >= 3 * p &&
                       4 * approve.area_centi >= 3 * pa;
    }
  }
  r.adopted = r.participation_met && r.approval_met;
  return r;
}

bool Same(const dd::RuleResult& a, const dd::RuleResult& b) {
  return a.electorate == b.electorate && a.participating == b.participating &&
         a.per_option == b.per_option && a.participation_needed == b.participation_needed &&
         a.approval_needed == b.approval_needed && a.participation_met == b.participation_met &&
         a.approval_met == b.approval_met && a.adopted == b.adopted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  linli::fuzz::InputReader in(data, size);
  dd::RuleInput input;
  input.matter = static_cast<dd::MatterClass>(in.Byte() % 3);
  const uint8_t options = in.Byte();
  if (options % 3 == 1) input.options = {"agree", "against", "abstain"};
  if (options % 3 == 2) input.options = {"agree", "against"};
  if (options & 4) input.abstain_value = "agree";  // the same value as approve: no abstention
  input.informal_min_turnout_percent = static_cast<int>(in.Byte()) - 20;
  static const char* const kOwners[] = {"", "", "o1", "o2", "o3", "5"};
  static const char* const kChoices[] = {"", "agree", "against", "abstain", "other"};
  const size_t part_count = in.Byte() % 40;
  for (size_t i = 0; i < part_count && !in.empty(); ++i) {
    dd::Part p;
    p.household_id = in.Byte() % 48;
    const uint8_t flags = in.Byte();
    const int64_t magnitude = static_cast<int64_t>(in.Uint(3) % (kMaxAreaCenti + 1));
    p.area_centi = (flags & 0x80) ? -magnitude : magnitude;
    p.owner_key = kOwners[flags % 6];
    p.developer = (flags & 0x40) != 0;
    input.electorate.push_back(p);
  }
  // Enough ballots for every household several times over (the last one counts).
  while (!in.empty() && input.ballots.size() < 160) {
    const int64_t household = in.Byte() % 56;
    input.ballots.push_back({household, kChoices[in.Byte() % 5]});
  }

  const dd::RuleResult got = dd::Decide(input);
  const dd::RuleResult want = Reference(input);
  FUZZ_CHECK(Same(got, want), "Decide agrees with the slow reference");
  FUZZ_CHECK(Same(dd::ApplyRule(input, got), got), "ApplyRule(in, Decide's counts) == Decide(in)");
  FUZZ_CHECK(!got.adopted || got.per_option.at(input.approve_value).owners >= 1,
             "nothing is adopted without an owner in favour");
  FUZZ_CHECK(got.participating.owners <= got.electorate.owners &&
                 got.participating.area_centi <= got.electorate.area_centi,
             "participation within the electorate");
  return 0;
}
