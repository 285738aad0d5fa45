// The console's ticket filters and sorting (issue 12 points 2 and 4), read from a query string
// the same way by the list page and the CSV exports: status, category, building, tier (each
// "" = any), sort newest|oldest|deadline (default newest), created from/to dates
// (YYYY-MM-DD in config.timezone, both inclusive, "" = open) and the page (1-based).
//
// Deadline order: the deadline a ticket is waiting on (accept_due for new, escalated and
// reopened tickets, resolve_due for the other open ones), soonest first; tickets without one
// (closed, resolved, deferred, no deadline) after, newest first among them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/http.h"
#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::web {

struct ConsoleFilter {
  std::string status;
  std::string category;
  std::string building;
  std::string tier;
  std::string sort = "newest";
  std::string from;  // "YYYY-MM-DD" or ""
  std::string to;
  int page = 1;
};

// The filter of `request`'s query. kInvalidArgument naming the parameter for a status, tier,
// category, building or sort outside its set, a malformed or impossible date, from after to,
// or a page that is not a positive integer. Pure.
StatusOr<ConsoleFilter> ParseConsoleFilter(const domain::Deps& deps, const HttpRequest& request);

// The filter as a query string without the page ("status=new&sort=deadline"), "" when nothing
// differs from the defaults. Pure.
std::string FilterQuery(const ConsoleFilter& filter);

// [from 00:00, to + 1 day 00:00) in config.timezone as epoch ms; 0 / INT64_MAX for an open end.
struct DateRange {
  int64_t from_ms = 0;
  int64_t to_ms = INT64_MAX;
};
StatusOr<DateRange> RangeOf(const domain::Deps& deps, const ConsoleFilter& filter);

// The deadline a ticket is waiting on, 0 when none (see the file comment). Pure.
int64_t WaitingDeadline(const storage::Ticket& ticket);

// Every ticket matching `filter` (all pages), in its order. Read-only; database errors.
StatusOr<std::vector<storage::Ticket>> FilteredTickets(storage::Database& db,
                                                       const domain::Deps& deps,
                                                       const ConsoleFilter& filter);

}  // namespace linli::web
