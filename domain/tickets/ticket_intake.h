// Opening a ticket, whatever front end took the report: the chat's report flow
// (dialogs/report_flow.cc) and Open311's POST requests (web/open311/) both come here, so a
// ticket reported through either gets the same tier and deadlines (SLA), its photo queued for
// fetching and its card in the staff groups that take it (routing), all in the caller's
// transaction: on an error the caller rolls back and nothing of the ticket remains.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

struct NewTicket {
  // The person who reported it; 0 for a report from an outside system (Open311), which has
  // nobody to push to: its updates reach nobody privately and show on the board.
  int64_t reporter_person_id = 0;
  std::string channel;        // where it came from ("tg", "open311"); pushes go there
  std::string category;       // a configured category id (not checked here)
  std::string building;       // "" for a place or a shared map location
  std::string unit;
  std::string location_text;  // for staff (may hold the room)
  std::string description;    // the reporter's words (staff only; published masked at most)
  std::string photo_ref;      // platform media id, may be ""
  std::string photo_message;  // the message carrying the photo where fetching needs it
};

// Creates the ticket (status new, tier compound with its deadlines, number = next), queues
// its photo (domain/media/ticket_media.h) and posts its card (domain/tickets/ticket_cards.h).
// Returns the stored ticket. Database errors only; the caller has checked the report.
StatusOr<storage::Ticket> OpenTicket(storage::Database& db, const Deps& deps,
                                     const NewTicket& report, int64_t now_ms);

}  // namespace linli::domain
