// Who may answer a decision (issue 10): the roster households of its buildings (all of the
// compound when it names none) and, for per-person decisions, every person bound to one of
// them, with the rule's parts (PartOf, domain/decisions/electorate.h). Read from the roster (storage/roster_store.h) and the bindings at the moment asked:
// at open (who is notified), for each ballot (who may cast) and at close (the rule's
// electorate).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/decisions/electorate.h"
#include "domain/decisions/rule.h"
#include "storage/database.h"
#include "storage/decision_store.h"
#include "storage/roster_store.h"

namespace linli::domain::decisions {

// "h:<household id>" / "p:<person id>": the one-answer unit of a ballot.
std::string HouseholdVoterKey(int64_t household_id);
std::string PersonVoterKey(int64_t person_id);

// One who may answer: a household (per household) or a bound person (per person).
struct Voter {
  std::string key;
  int64_t household_id = 0;
  int64_t person_id = 0;  // per person only
};

struct Electorate {
  std::vector<storage::Household> households;       // of the decision's buildings, by id
  std::map<int64_t, std::vector<int64_t>> members;  // household id -> bound persons
  std::vector<Voter> voters;                        // per household or per person
  // The rule's parts (domain/decisions/rule.h): one per household.
  std::vector<Part> parts;
  int64_t area_centi = 0;  // the households' total area
};

// The electorate of `d` now. Database errors as is.
StatusOr<Electorate> LoadElectorate(storage::Database& db, const storage::Decision& d);

// Who `person_id` answers as in `d`: per household, the person's household of the electorate
// with the lowest id (a person bound to two households of it answers for that one); per person, the person when bound to one of its
// households. nullopt when the person has no such household (the caller says how to bind).
std::optional<Voter> VoterOf(const Electorate& e, const storage::Decision& d, int64_t person_id);

// Turnout while open (staff see it; never who answered what): voters with a ballot, of how
// many, and the area of the households behind them.
struct Turnout {
  int64_t voted = 0;
  int64_t eligible = 0;
  int64_t area_centi = 0;        // voted households' area
  int64_t eligible_area_centi = 0;
};
Turnout TurnoutOf(const Electorate& e, const std::vector<storage::Ballot>& ballots);

}  // namespace linli::domain::decisions
