// CSV export of tickets and of their events (issue 12 point 4), from the console
// (GET /console/export/tickets.csv and /console/export/events.csv, signed-in staff, with the
// list's filters: console_filter.h) and offline (`linli export tickets --from --to [--events]`,
// bot/server/export_command.h). UTF-8 with a byte order mark, RFC 4180, formulas defused (csv.h).
//
// What a row holds (staff only): the ticket's number, times, category, building and unit, the
// location text, status, tier, deadlines, summary, deferral and rating - never the reporter's
// name, phone or platform id. Free text a resident or staff member typed (the description, the
// rating comment, notes) passes through the masking module (domain/common/masking.h
// MaskFreeText with KnownNames), so a phone number or a roster name typed into it is masked.
// Internal notes are in the events export (it is for staff); the event's actor is the staff
// member's or key's name ("system" for the scheduler, empty for the resident's own events).
//
// Tickets: the filter's tickets (created in from..to). Events: the events at from..to of the
// tickets matching the filter's other fields. Labels are in `locale`. Read-only.
#pragma once

#include <string>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "web/console_filter.h"
#include "web/console_page.h"
#include "web/web_request.h"

namespace linli::web {

StatusOr<std::string> TicketsCsv(storage::Database& db, const domain::Deps& deps,
                                 const ConsoleFilter& filter, const std::string& locale);
StatusOr<std::string> EventsCsv(storage::Database& db, const domain::Deps& deps,
                                const ConsoleFilter& filter, const std::string& locale);

WebHandler ConsoleExportTickets();
WebHandler ConsoleExportEvents();

}  // namespace linli::web
