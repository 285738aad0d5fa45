// The console's other work lists (issue 12 point 2), for signed-in staff (console_page.h
// guards); each action goes through the capability's declared actions, which check the actor:
//
//   GET  /console/wishes                        wishes waiting for approval (待审核)
//   POST /console/wishes/<n>/<action>           approve | reject (reason) - domain/wishes/wish_actions.h
//   GET  /console/decisions                     decision drafts (to open) and open decisions (to close)
//   POST /console/decisions/<id>/<action>       open | close - domain/decisions/decision_actions.h
//   GET  /console/reports                       the red/black list drafts of the last two quarters
//   POST /console/reports/red_black/<q>/confirm 结果认定 (domain/reports/red_black_service.h)
//   GET  /console/outbox                        deferred and failed messages (recipient masked,
//                                               as GET /api/admin/outbox shows them)
// A refusal is the sentence chat shows, with nothing written; success is 303 back to the list.
#pragma once

#include "web/console_page.h"
#include "web/web_request.h"

namespace linli::web {

WebHandler ConsoleWishList();
WebHandler ConsoleWishAction();
WebHandler ConsoleDecisionList();
WebHandler ConsoleDecisionAction();
WebHandler ConsoleReportList();
WebHandler ConsoleReportConfirm();
WebHandler ConsoleOutbox();

}  // namespace linli::web
