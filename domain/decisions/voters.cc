#include "domain/decisions/voters.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace linli::domain::decisions {

std::string HouseholdVoterKey(int64_t household_id) { return "h:" + std::to_string(household_id); }
std::string PersonVoterKey(int64_t person_id) { return "p:" + std::to_string(person_id); }

StatusOr<Electorate> LoadElectorate(storage::Database& db, const storage::Decision& d) {
  LINLI_ASSIGN_OR_RETURN(auto listing, storage::RosterStore::List(db));
  LINLI_ASSIGN_OR_RETURN(auto members, storage::DecisionStore::Members(db));
  Electorate e;
  const std::set<std::string> buildings(d.buildings.begin(), d.buildings.end());
  for (auto& l : listing) {
    if (!buildings.empty() && buildings.count(l.household.building) == 0) continue;
    e.households.push_back(std::move(l.household));
  }
  std::sort(e.households.begin(), e.households.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::set<int64_t> ids;
  for (const auto& h : e.households) ids.insert(h.id);
  for (const auto& m : members) {
    if (ids.count(m.household_id) > 0) e.members[m.household_id].push_back(m.person_id);
  }
  std::set<int64_t> persons;
  for (const auto& h : e.households) {
    e.parts.push_back(PartOf(h));
    e.area_centi += e.parts.back().area_centi;
    if (!d.per_person) {
      e.voters.push_back({HouseholdVoterKey(h.id), h.id, 0});
      continue;
    }
    for (int64_t p : e.members[h.id]) {
      if (persons.insert(p).second) e.voters.push_back({PersonVoterKey(p), h.id, p});
    }
  }
  return e;
}

std::optional<Voter> VoterOf(const Electorate& e, const storage::Decision& d, int64_t person_id) {
  // members lists persons in binding order within a household; pick the person's household
  // bound first among the electorate's (by household id order when equal).
  std::optional<Voter> found;
  for (const auto& h : e.households) {
    auto it = e.members.find(h.id);
    if (it == e.members.end()) continue;
    if (std::find(it->second.begin(), it->second.end(), person_id) == it->second.end()) continue;
    if (d.per_person) return Voter{PersonVoterKey(person_id), h.id, person_id};
    return Voter{HouseholdVoterKey(h.id), h.id, 0};
  }
  return found;
}

Turnout TurnoutOf(const Electorate& e, const std::vector<storage::Ballot>& ballots) {
  Turnout t;
  t.eligible = static_cast<int64_t>(e.voters.size());
  t.eligible_area_centi = e.area_centi;
  std::set<std::string> keys;
  for (const auto& v : e.voters) keys.insert(v.key);
  std::set<int64_t> households;
  for (const auto& b : ballots) {
    if (keys.count(b.voter_key) == 0) continue;
    ++t.voted;
    households.insert(b.household_id);
  }
  for (const auto& p : e.parts) {
    if (households.count(p.household_id) > 0) t.area_centi += p.area_centi;
  }
  return t;
}

}  // namespace linli::domain::decisions
