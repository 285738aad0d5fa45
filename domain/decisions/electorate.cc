#include "domain/decisions/voters.h"

#include <algorithm>

namespace linli::domain::decisions {

Part PartOf(const storage::Household& household) {
  return Part{household.id, household.area_centi, household.owner_key, household.developer};
}

Status ValidateBuildings(const config::CompoundConfig& compound,
                         const std::vector<std::string>& buildings) {
  for (const std::string& id : buildings) {
    const bool known = std::any_of(compound.buildings.begin(), compound.buildings.end(),
                                   [&](const config::Building& b) { return b.id == id; });
    if (known) continue;
    std::string ids;
    for (const auto& b : compound.buildings) ids += (ids.empty() ? "" : ", ") + b.id;
    return Status::InvalidArgument("building " + id + " is not in the compound (buildings: " +
                                   ids + ")");
  }
  return Status::Ok();
}

StatusOr<std::vector<Part>> BuildElectorate(storage::Database& db,
                                            const std::vector<std::string>& buildings) {
  LINLI_ASSIGN_OR_RETURN(std::vector<storage::Household> households,
                         storage::RosterStore::HouseholdsIn(db, buildings));
  std::vector<Part> parts;
  parts.reserve(households.size());
  for (const auto& h : households) parts.push_back(PartOf(h));
  return parts;
}

}  // namespace linli::domain::decisions
