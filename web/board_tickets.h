// The public board's tickets (issue 12 point 1): GET /board (newest first, filters by status,
// category and building in a GET form that works without JavaScript, paging) and
// GET /board/tickets/<n> (one ticket's public history). Everything shown comes from the public
// projection (domain/tickets/public_ticket.h: masked, no unit, room, reporter, description or
// photo). Query parameters: status, category, building ("" = any; anything else not a stored
// status, configured category or building is a 400 page naming it), page (from 1; 400 when
// not a positive number), lang.
#pragma once

#include <string>

#include "bot/status.h"
#include "domain/tickets/public_ticket.h"
#include "web/board_nav.h"
#include "web/web_request.h"

namespace linli::web {

inline constexpr int kBoardTicketsPerPage = 20;
// Notes and texts on a list card are cut (the ticket's own page shows them whole), so a page
// of kBoardTicketsPerPage cards stays well under 50 KB.
inline constexpr int kCardNotes = 3;
inline constexpr size_t kCardTextBytes = 200;     // a note, the deferral's reason, plan
inline constexpr size_t kCardSummaryBytes = 300;

// Pure renderers (the body inside the board page).
// One ticket's card; `whole` shows every note and the whole texts (the ticket's page),
// otherwise the last kCardNotes notes, texts clipped, and the number links to its page.
std::string RenderTicketCard(const BoardView& view, const domain::PublicTicket& ticket, bool whole);
// The filter form, the count, the cards and the paging links.
std::string RenderTicketList(const BoardView& view, const domain::PublicTicketPage& tickets,
                             const domain::PublicTicketFilter& filter, int page, int per_page);

// Handlers (web::WebHandler).
// GET /: 303 to /board (keeping ?lang).
StatusOr<HttpResponse> BoardHome(storage::Database& db, const domain::Deps& deps,
                                 const WebRequest& request);
// GET /board.
StatusOr<HttpResponse> BoardTickets(storage::Database& db, const domain::Deps& deps,
                                    const WebRequest& request);
// GET /board/tickets/{n}: 404 page for an unknown or malformed number.
StatusOr<HttpResponse> BoardTicket(storage::Database& db, const domain::Deps& deps,
                                   const WebRequest& request);

}  // namespace linli::web
