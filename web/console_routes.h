// THE list of the staff console's routes (issue 12 points 2 and 4): the wiring
// (bot/server/web_routes.cc) adds each as one web route, with RouteAuth::kStaffSession when
// `signed_in` (the route table sends a request without the staff cookie to the sign-in page;
// the handler's guard, console_page.h, checks the session itself) and kPublic otherwise
// (the sign-in page and the login link). The handlers are in console_login.h,
// console_tickets.h, console_work.h and console_export.h.
#pragma once

#include <string>
#include <vector>

#include "web/web_request.h"

namespace linli::web {

struct ConsoleRoute {
  std::vector<std::string> methods;
  std::string pattern;
  bool signed_in = true;
  WebHandler handler;
};

std::vector<ConsoleRoute> ConsoleRoutes();

}  // namespace linli::web
