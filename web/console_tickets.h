// The console's tickets (issue 12 point 2), for signed-in staff (console_page.h guards):
//
//   GET  /console                        the list: filters (status, category, building, tier,
//                                        created from/to), sorting (newest, oldest, deadline),
//                                        50 a page, links to the CSV exports with the same filters
//   GET  /console/tickets/<n>            one ticket: the whole report (description, the location
//                                        with the room, photo, deadlines, deferral, rating), the
//                                        staff history (internal notes included) and a form for
//                                        each declared ticket action (domain/tickets/ticket_actions.h)
//                                        the person's tier may run on it (authority.h MayAct)
//   POST /console/tickets/<n>/<action>   runs the action as the signed-in person: its fields are
//                                        read as the admin API reads JSON (ArgsFromJson), the
//                                        service applies the authority table; a refusal is the
//                                        sentence chat shows (DescribeRefusal) with the status's
//                                        HTTP code and nothing written; success is 303 back to
//                                        the ticket. Pushes to the resident go through the outbox
//                                        exactly as from chat (the web route wakes it).
//   GET  /console/media/<n>              the ticket's fetched photo (domain/media/ticket_media.h
//                                        TicketMediaFor) with its content type; 404 when none.
#pragma once

#include "web/console_page.h"
#include "web/web_request.h"

namespace linli::web {

WebHandler ConsoleTicketList();
WebHandler ConsoleTicketPage();
WebHandler ConsoleTicketAction();
WebHandler ConsoleTicketMedia();

// Strict decimal parse of a positive number of at most 15 digits; 0 otherwise. Pure.
int64_t PositiveNumber(const std::string& s);

}  // namespace linli::web
