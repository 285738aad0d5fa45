// Who performs a domain action: a person (checked by the service against roles and tiers),
// an admin API key (authenticated by the server, acting with its configured tier) or the
// system (the scheduler).
#pragma once

#include <cstdint>
#include <string>

namespace linli::domain {

// Who acts. Staff-ness and tier are looked up by the service (domain/tickets/authority.h)
// from the person's role and every identity of the person against config.staff; an API key
// carries its name and tier; `trusted` (the system only) skips the check.
struct Actor {
  int64_t person_id = 0;  // 0 = the system / an API key
  bool trusted = false;
  std::string key_name;   // an admin API key's name ("" otherwise): recorded as the actor
  std::string key_tier;   // its tier: grid|property|community|street|admin

  static Actor System() { return {0, true, "", ""}; }
  static Actor Person(int64_t id) { return {id, false, "", ""}; }
  static Actor ApiKey(std::string name, std::string tier) {
    return {0, false, std::move(name), std::move(tier)};
  }
};

}  // namespace linli::domain
