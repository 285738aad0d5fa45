#include "web/console_routes.h"

#include "web/console_export.h"
#include "web/console_login.h"
#include "web/console_tickets.h"
#include "web/console_work.h"

namespace linli::web {

std::vector<ConsoleRoute> ConsoleRoutes() {
  return {
      {{"GET"}, "/console/signin", false, ConsoleSigninPage()},
      {{"GET"}, "/console/login/{token}", false, ConsoleLoginConfirmPage()},
      {{"POST"}, "/console/login/{token}", false, ConsoleLoginPost()},
      {{"POST"}, "/console/logout", true, ConsoleLogoutPost()},
      {{"GET"}, "/console", true, ConsoleTicketList()},
      {{"GET"}, "/console/tickets/{n}", true, ConsoleTicketPage()},
      {{"POST"}, "/console/tickets/{n}/{action}", true, ConsoleTicketAction()},
      {{"GET"}, "/console/media/{n}", true, ConsoleTicketMedia()},
      {{"GET"}, "/console/wishes", true, ConsoleWishList()},
      {{"POST"}, "/console/wishes/{n}/{action}", true, ConsoleWishAction()},
      {{"GET"}, "/console/decisions", true, ConsoleDecisionList()},
      {{"POST"}, "/console/decisions/{id}/{action}", true, ConsoleDecisionAction()},
      {{"GET"}, "/console/reports", true, ConsoleReportList()},
      {{"POST"}, "/console/reports/red_black/{q}/confirm", true, ConsoleReportConfirm()},
      {{"GET"}, "/console/outbox", true, ConsoleOutbox()},
      {{"GET"}, "/console/export/tickets.csv", true, ConsoleExportTickets()},
      {{"GET"}, "/console/export/events.csv", true, ConsoleExportEvents()},
  };
}

}  // namespace linli::web
