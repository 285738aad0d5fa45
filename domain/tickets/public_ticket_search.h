// Searching the public projection (domain/tickets/public_ticket.h) for front ends that filter
// by numbers, categories, statuses and a creation window - Open311's GET requests
// (web/open311/). What comes back is the projection only: masked, never the unit, room,
// reporter or the resident's words.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/status.h"
#include "domain/deps.h"
#include "domain/tickets/public_ticket.h"
#include "storage/database.h"
#include "storage/ticket_state.h"

namespace linli::domain {

struct PublicTicketQuery {
  // When non-empty: exactly the tickets with these numbers (unknown ones are left out) and
  // every other filter below but `limit` is ignored.
  std::vector<int64_t> numbers;
  std::vector<std::string> categories;          // empty = every category
  std::vector<storage::TicketStatus> statuses;  // empty = every status
  int64_t created_from_ms = 0;                  // created_at >= this
  int64_t created_to_ms = INT64_MAX;            // created_at <= this
  int limit = 1000;                             // at most this many (>= 1)
};

// The matching tickets, newest first (created_at, then number), masked with KnownNames once
// for the whole answer. Database errors only.
StatusOr<std::vector<PublicTicket>> FindPublicTickets(storage::Database& db, const Deps& deps,
                                                      const PublicTicketQuery& query);

}  // namespace linli::domain
