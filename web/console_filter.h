// The console's ticket filters and sorting (issue 12 points 2 and 4), read from a query string
// the same way by the list page and the CSV exports: status, category, building, tier (each
// "" = any), sort newest|oldest|deadline (default newest), created from/to dates
// (YYYY-MM-DD in config.timezone, both inclusive, "" = open) and where the page starts
// (`after`: the previous page's cursor, storage::TicketCursor; keyset paging, so a deep page
// costs what the first does).
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
  std::string after;  // a cursor of the sort's order, "" = the first page
};

// The filter of `request`'s query. kInvalidArgument naming the parameter for a status, tier,
// category, building or sort outside its set, a malformed or impossible date, from after to,
// or an `after` that is not a cursor of the sort's order. Pure.
StatusOr<ConsoleFilter> ParseConsoleFilter(const domain::Deps& deps, const HttpRequest& request);

// The filter as a query string without `after` ("status=new&sort=deadline"), "" when nothing
// differs from the defaults. Pure.
std::string FilterQuery(const ConsoleFilter& filter);

// [from 00:00, to + 1 day 00:00) in config.timezone as epoch ms; 0 / INT64_MAX for an open end.
struct DateRange {
  int64_t from_ms = 0;
  int64_t to_ms = INT64_MAX;
};
StatusOr<DateRange> RangeOf(const domain::Deps& deps, const ConsoleFilter& filter);

// The deadline a ticket is waiting on is storage::WaitingDeadline (storage/ticket_store.h).

// The store's order for the filter's sort. Pure.
storage::TicketOrder OrderOf(const ConsoleFilter& filter);

// One page of the tickets matching `filter` (starting after filter.after), at most `per_page`,
// with the cursor of the next page when there is one. Read-only; database errors, and
// kInvalidArgument as RangeOf.
StatusOr<storage::TicketPage> FilteredPage(storage::Database& db, const domain::Deps& deps,
                                           const ConsoleFilter& filter, int per_page);

// How many tickets match `filter` (all pages), no more than `cap` counted. Read-only.
StatusOr<int64_t> CountFiltered(storage::Database& db, const domain::Deps& deps,
                                const ConsoleFilter& filter, int64_t cap);

// Every ticket matching `filter` (all pages from the first, whatever filter.after), in its
// order: for the CSV exports. Read-only; database errors.
StatusOr<std::vector<storage::Ticket>> FilteredTickets(storage::Database& db,
                                                       const domain::Deps& deps,
                                                       const ConsoleFilter& filter);

}  // namespace linli::web
