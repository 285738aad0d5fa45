// The counts GET /metrics reads from the database at scrape time (issue 13 point 9): how deep
// the outbox is and how many tickets are open, read-only, on a reader connection
// (open_database.h OpenReader) off the event loop and the writer thread. Each is one grouped
// query over the rows that are not finished (the outbox without its 'sent' rows, the tickets
// without 'closed'), both through the indexes that lead with status, so they stay cheap with
// millions of finished rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/status.h"
#include "storage/database.h"

namespace linli::storage {

struct OutboxDepth {
  std::string status;   // pending | sending | failed | deferred
  std::string channel;  // the destination's channel name
  int64_t messages = 0;
};

// Every (status, channel) with at least one message that is not sent, ordered by status then
// channel. Errors: the database's.
StatusOr<std::vector<OutboxDepth>> CountOutboxDepth(Database& db);

struct OpenTicketCount {
  std::string state;  // a stored TicketStatus name other than "closed" (storage/ticket_state.h)
  std::string tier;   // a stored Tier name
  int64_t tickets = 0;
  // Of those, past a deadline at `now_ms`: not accepted by accept_due_at (new, escalated,
  // reopened) or not resolved by resolve_due_at (new, accepted, in_progress, escalated,
  // reopened) - the deadlines the tickets job escalates on (TicketStore::ListOverdue), counted
  // whether or not the job has flagged them yet.
  int64_t overdue = 0;
};

// Every (state, tier) with at least one ticket that is not closed, ordered by state then
// tier. Errors: the database's.
StatusOr<std::vector<OpenTicketCount>> CountOpenTickets(Database& db, int64_t now_ms);

struct TicketCount {
  std::string state;  // a stored TicketStatus name, "closed" included
  std::string tier;   // a stored Tier name
  int64_t tickets = 0;
};

// Every (state, tier) with at least one ticket, closed ones too, ordered by state then tier
// (`linli status`; one pass over the tickets, not for a hot path). Errors: the database's.
StatusOr<std::vector<TicketCount>> CountTickets(Database& db);

// How much room a PostgreSQL database takes (`linli status`; SQLite's size is its file's:
// open_database.h DatabaseSize).
struct PostgresSize {
  int64_t database_bytes = 0;  // pg_database_size(current_database()): every schema in it
  int64_t schema_bytes = 0;    // the current schema's tables with their indexes and TOAST
                               // (pg_total_relation_size)
  std::string schema;          // current_schema()
};

// The sizes of the database `db` is connected to. kFailedPrecondition on another backend than
// PostgreSQL; otherwise the database's errors.
StatusOr<PostgresSize> MeasurePostgres(Database& db);

// The outbox statuses CountOutboxDepth reports (for gauges that name each, zero or not).
std::vector<std::string> UnfinishedOutboxStatuses();

}  // namespace linli::storage
