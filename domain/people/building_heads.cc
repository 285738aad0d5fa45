#include "domain/people/building_heads.h"

#include <algorithm>

#include "storage/identity_store.h"

namespace linli::domain {

bool HeadStanding::Serves(const std::string& building) const {
  return !building.empty() &&
         std::find(buildings.begin(), buildings.end(), building) != buildings.end();
}

StatusOr<std::optional<HeadStanding>> BuildingHeadOf(storage::Database& db,
                                                     const config::Config& config,
                                                     const Actor& actor) {
  if (actor.person_id <= 0) return std::optional<HeadStanding>();
  std::optional<HeadStanding> out;
  for (const auto& h : config.building_heads) {
    LINLI_ASSIGN_OR_RETURN(auto identity,
                           storage::IdentityStore::FindIdentity(db, h.channel, h.user_id));
    if (!identity || identity->person_id != actor.person_id) continue;
    if (!out) out.emplace();
    if (out->name.empty()) out->name = h.name;
    for (const auto& b : h.buildings) {
      if (!out->Serves(b)) out->buildings.push_back(b);
    }
  }
  if (out && out->name.empty()) out->name = "building head #" + std::to_string(actor.person_id);
  return out;
}

}  // namespace linli::domain
