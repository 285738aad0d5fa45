// Who performs a domain action: a person (checked by the service against roles and tiers)
// or a caller the server authenticated otherwise (the scheduler, an admin API key).
#pragma once

#include <cstdint>

namespace linli::domain {

// Who acts. Staff-ness is looked up by TicketService from the person's role and every identity
// of the person against config.staff; `trusted` skips that check for the system (deadline
// tick) and for callers that authenticated otherwise (the admin API's bearer token).
struct Actor {
  int64_t person_id = 0;  // 0 = the system / an API client
  bool trusted = false;

  static Actor System() { return {0, true}; }
  static Actor Person(int64_t id) { return {id, false}; }
};

}  // namespace linli::domain
