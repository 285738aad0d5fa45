// Building heads (楼栋长, config building_heads): one concept for the whole compound. A head
// acts for the households and persons of their buildings only - paper ballots (代投,
// domain/decisions) and wishes posted for a resident (代许愿, domain/wishes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "domain/actor.h"
#include "storage/database.h"

namespace linli::domain {

// What a building head may do: the buildings they serve (the union over every config entry
// that is one of the person's identities) and the name recorded as the actor.
struct HeadStanding {
  std::string name;                    // the entry's name, else "building head #<person>"
  std::vector<std::string> buildings;  // compound building ids, at least one

  bool Serves(const std::string& building) const;
};

// The building-head standing of `actor`: std::nullopt for the system, an API key, or a person
// none of whose identities is listed in config.building_heads. Reads identities in the
// caller's transaction; database errors only.
StatusOr<std::optional<HeadStanding>> BuildingHeadOf(storage::Database& db,
                                                     const config::Config& config,
                                                     const Actor& actor);

}  // namespace linli::domain
