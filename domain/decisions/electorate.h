// The electorate of a decision (issue 10): the roster households of the whole compound or of
// chosen buildings, as the exclusive parts the counting rule takes (domain/decisions/rule.h).
#pragma once

#include <string>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "domain/decisions/rule.h"
#include "storage/database.h"
#include "storage/roster_store.h"

namespace linli::domain::decisions {

// The part a household is in the rule: its id, exact area (hundredths of a m²), owner key
// and developer flag. Pure.
Part PartOf(const storage::Household& household);

// Ok if every id in `buildings` is a building of `compound`; otherwise kInvalidArgument
// naming the first unknown id and the known ones. An empty list (the whole compound) is ok.
Status ValidateBuildings(const config::CompoundConfig& compound,
                         const std::vector<std::string>& buildings);

// The electorate: one Part per roster household of `buildings` (the whole compound when
// empty), by household id. Buildings without households contribute nothing (callers check
// ids with ValidateBuildings first). Reads in the caller's transaction, if any; errors are
// database errors.
StatusOr<std::vector<Part>> BuildElectorate(storage::Database& db,
                                            const std::vector<std::string>& buildings);

}  // namespace linli::domain::decisions
