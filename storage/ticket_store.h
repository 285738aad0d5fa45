// Tickets (报事) and their audit history (ticket_events). A ticket's number is its short,
// public, sequential number shown as "#<number>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/ticket_state.h"

namespace linli::storage {

struct Ticket {
  int64_t id = 0;
  int64_t number = 0;
  int64_t reporter_person_id = 0;
  std::string channel;       // channel the report came from
  std::string category;      // category id ("repair", ...)
  std::string building;      // "3"
  std::string unit;          // "2", may be empty
  std::string location_text; // normalized text, e.g. "3号楼2单元", or a place label
  std::string description;   // the resident's words (never published as-is)
  std::string photo_ref;     // platform media id, may be empty
  TicketStatus status = TicketStatus::kNew;  // stored by name (storage/ticket_state.h)
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  // The channel the reporter last used for this ticket: pushes about it go there (a person
  // may have identities on several channels). Defaults to `channel`.
  std::string notify_channel;

  // Life cycle (migration 7). Times are epoch ms, 0 = not set.
  Tier tier = Tier::kCompound;     // who handles it now
  int64_t assignee_person_id = 0;  // 0 = nobody in particular
  std::string public_summary;      // staff-written, publishable summary
  std::string deferred_reason;     // 暂缓: why,
  std::string deferred_plan;       // the longer-term plan,
  std::string deferred_until;      // and the expected date "YYYY-MM-DD"
  int64_t accept_due_at_ms = 0;    // deadline to accept at the current tier
  int64_t resolve_due_at_ms = 0;   // deadline to resolve at the current tier
  int64_t resolved_at_ms = 0;      // last time it was resolved
  std::string rating;              // ""|satisfied|basic|unsatisfied (the latest rating)
  std::string rating_comment;
  int64_t rated_at_ms = 0;
  int64_t merged_into = 0;         // number of the ticket this duplicate was merged into
  int escalations = 0;             // how many times it moved up a tier
  int64_t overdue_flagged_at_ms = 0;  // overdue at the top tier, flagged (once per deadline)
};

struct TicketEvent {
  int64_t id = 0;
  int64_t ticket_id = 0;
  int64_t at_ms = 0;
  int64_t actor_person_id = 0;  // 0 = the system
  std::string kind;             // "created", "status", "note", ...
  std::string from_status;
  std::string to_status;
  std::string note;
  bool is_public = false;
  std::string photo_ref;        // optional photo with the event (migration 7)
  // Who acted, by name (migration 14): a staff member's display name (config.staff name, else
  // "staff #<person id>"), an admin API key's name, "system" for the scheduler. Never a
  // resident's name: '' for the reporter's own events (created, rating) and older rows.
  std::string actor_name;
  // The rating of a rating event (satisfied|basic|unsatisfied, migration 14), else ''.
  std::string rating;
};

// Filters for TicketStore::List and Page; empty fields match everything.
// Names are the stored ones (storage/ticket_state.h); an unknown name matches nothing.
struct TicketFilter {
  std::vector<std::string> statuses;
  std::string building;
  std::string category;
  std::string tier;
  int limit = 20;
  // Created in [created_from_ms, created_to_ms) (Page only).
  int64_t created_from_ms = 0;
  int64_t created_to_ms = INT64_MAX;
};

// The orders a ticket list pages in. Every order ends in id, so it is total.
enum class TicketOrder {
  kOldestFirst,  // created_at, id (the longest waiting on top)
  kNewestFirst,  // created_at DESC, id DESC
  // The deadline a ticket is waiting on (WaitingDeadline), soonest first, newest first among
  // equal deadlines; then the tickets without one (closed, resolved, deferred, no deadline),
  // newest first.
  kDeadline,
};

// A position in a list's order: the page after it starts with the next ticket. Opaque to
// callers but printable (Encode/Decode) for a link: "<created_at>.<id>", in deadline order
// "<deadline>.<created_at>.<id>" (deadline 0 = among the tickets without one).
struct TicketCursor {
  int64_t deadline_ms = 0;
  int64_t created_at_ms = 0;
  int64_t id = 0;
  std::string Encode(TicketOrder order) const;
  // nullopt for text that is not a cursor of `order`.
  static std::optional<TicketCursor> Decode(TicketOrder order, const std::string& text);
};

struct TicketPage {
  std::vector<Ticket> tickets;     // at most the filter's limit, in the order
  std::optional<TicketCursor> next;  // set when more tickets follow the last one
};

// The deadline a ticket is waiting on: accept_due for new, escalated and reopened tickets,
// resolve_due for accepted and in-progress ones; 0 when none. Pure.
int64_t WaitingDeadline(const Ticket& ticket);

class TicketStore {
 public:
  // Inserts `ticket` (id, number ignored; number = next sequential) and its "created" event.
  // Returns the stored ticket with id and number.
  static StatusOr<Ticket> Create(Database& db, Ticket ticket);
  static StatusOr<std::optional<Ticket>> FindByNumber(Database& db, int64_t number);
  // Newest first, at most `limit`.
  static StatusOr<std::vector<Ticket>> ListByReporter(Database& db, int64_t person_id, int limit);
  static Status AddEvent(Database& db, const TicketEvent& event);
  // Oldest first.
  static StatusOr<std::vector<TicketEvent>> Events(Database& db, int64_t ticket_id);
  static StatusOr<int64_t> Count(Database& db);
  // How many tickets have this status, category and building ("" = any), from the tallies
  // this store keeps with every write (ticket_tallies, migration 26): a read of at most
  // statuses x categories x buildings small rows, whatever the number of tickets.
  static StatusOr<int64_t> Tally(Database& db, const std::string& status,
                                 const std::string& category, const std::string& building);

  // Added with the implementation (not in the first contract):
  static StatusOr<std::optional<Ticket>> FindById(Database& db, int64_t id);
  // Moves ticket `ticket_id` to `to_status`, sets updated_at and records a "status" event
  // (from -> to, actor, note, is_public), all atomically. Returns the updated ticket.
  // kNotFound for an unknown ticket, kInvalidArgument for a value outside the enum.
  static StatusOr<Ticket> SetStatus(Database& db, int64_t ticket_id, TicketStatus to_status,
                                    int64_t actor_person_id, const std::string& note,
                                    bool is_public, int64_t now_ms);
  static Status SetNotifyChannel(Database& db, int64_t ticket_id, const std::string& channel);

  // Life cycle (used by domain/tickets/ticket_service, which records the events):
  // Writes every mutable field of `ticket` (status, updated_at and the migration-7 fields)
  // to the row with ticket.id. kNotFound for an unknown id, kInvalidArgument for a status or
  // tier outside its enum.
  static Status Update(Database& db, const Ticket& ticket);
  // Tickets matching `filter`, oldest first (the longest waiting on top), at most limit.
  static StatusOr<std::vector<Ticket>> List(Database& db, const TicketFilter& filter);
  // One page of the tickets matching `filter` in `order`, starting after `after` (nullopt =
  // the first page), at most filter.limit (1 if lower). Keyset paging: a deep page costs what
  // the first does, and a ticket created between two pages never shifts or repeats one. Each
  // query searches an index (tests/storage/query_plan_test.cc): created_at, or the
  // (status|category|building, created_at) index of a filter; the deadline order's first part
  // reads the open tickets (the backlog, not the history) through the status index.
  static StatusOr<TicketPage> Page(Database& db, const TicketFilter& filter, TicketOrder order,
                                   const std::optional<TicketCursor>& after);
  // How many tickets match `filter` (its limit ignored), counting no further than `cap`: the
  // result is min(matches, cap), so a caller shows "cap+" for a large result at a bounded cost.
  static StatusOr<int64_t> CountUpTo(Database& db, const TicketFilter& filter, int64_t cap);
  // Open tickets past a deadline at `now_ms` not yet flagged: status new/escalated/reopened
  // with accept_due_at <= now, or any open status but deferred with resolve_due_at <= now
  // (0 = no deadline). Oldest first, at most `limit`.
  static StatusOr<std::vector<Ticket>> ListOverdue(Database& db, int64_t now_ms, int limit);
  // Deferred tickets whose promised date (deferred_until, "YYYY-MM-DD") is on or before
  // `due_by` and that have no "reminder" event for that date since their last deferral
  // (status event to deferred). Oldest first, at most `limit`.
  static StatusOr<std::vector<Ticket>> ListDeferredDueUnreminded(Database& db,
                                                                 const std::string& due_by,
                                                                 int limit);
  // Inserts the "reminder" event `event` (note = the promised date; kind, is_public and
  // photo_ref are fixed: 'reminder', internal, none) if the ticket is still deferred to that
  // date and has none for it since its last deferral. True if inserted (this caller
  // reminds), false if the ticket was reminded already or changed: the affected-row count
  // decides, inside the caller's transaction.
  static StatusOr<bool> AddReminderOnce(Database& db, const TicketEvent& event);
  // Resolved tickets not rated since they were last resolved, resolved at or before `resolved_before_ms`. At most `limit`.
  static StatusOr<std::vector<Ticket>> ListUnratedResolvedBefore(Database& db,
                                                                 int64_t resolved_before_ms,
                                                                 int limit);
  // The reporter's user id on the ticket's notify_channel (the identity seen most recently
  // there), if the reporter has one on that channel.
  static StatusOr<std::optional<std::string>> ReporterUserId(Database& db, const Ticket& ticket);
  // For reports: tickets created in [from, to), tickets rated in [from, to), events in
  // [from, to) (oldest first).
  static StatusOr<std::vector<Ticket>> ListCreatedBetween(Database& db, int64_t from_ms,
                                                          int64_t to_ms);
  static StatusOr<std::vector<Ticket>> ListRatedBetween(Database& db, int64_t from_ms,
                                                        int64_t to_ms);
  static StatusOr<std::vector<TicketEvent>> EventsBetween(Database& db, int64_t from_ms,
                                                          int64_t to_ms);
  // Tickets created at or after `since_ms` by `person_id` - or, with `household_members`, by
  // anyone bound to a household `person_id` is bound to (abuse limits).
  static StatusOr<int64_t> CountCreatedSince(Database& db, int64_t person_id, int64_t since_ms,
                                             bool household_members);
};

}  // namespace linli::storage
