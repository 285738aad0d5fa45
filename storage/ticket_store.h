// Tickets (报事) and their audit history (ticket_events). A ticket's number is its short,
// public, sequential number shown as "#<number>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

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
  std::string status = "new";  // new|accepted|in_progress|resolved|closed|deferred|escalated|reopened
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  // The channel the reporter last used for this ticket: pushes about it go there (a person
  // may have identities on several channels). Defaults to `channel`.
  std::string notify_channel;
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
};

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

  // Added with the implementation (not in the first contract):
  static StatusOr<std::optional<Ticket>> FindById(Database& db, int64_t id);
  // Moves ticket `ticket_id` to `to_status` (one of the statuses listed on Ticket::status),
  // sets updated_at and records a "status" event (from -> to, actor, note, is_public), all
  // atomically. Returns the updated ticket. kNotFound for an unknown ticket,
  // kInvalidArgument for an unknown status.
  static StatusOr<Ticket> SetStatus(Database& db, int64_t ticket_id, const std::string& to_status,
                                    int64_t actor_person_id, const std::string& note,
                                    bool is_public, int64_t now_ms);
  static Status SetNotifyChannel(Database& db, int64_t ticket_id, const std::string& channel);
};

}  // namespace linli::storage
