// The JSON HTTP API under /api/ (issue 4, points 4 and 8):
//
//   GET  /api/public/tickets?page=N&per_page=M     the public board (no personal data)
//   GET  /api/public/tickets/<number>
//   GET  /api/admin/tickets?status=&building=&category=&tier=&limit=   (bearer token)
//   GET  /api/admin/tickets/<number>
//   POST /api/admin/tickets/<number>/<action>      accept|start|note|resolve|defer|escalate|
//                                                  assign|merge|summary, JSON body
//   GET  /api/admin/outbox?status=deferred
//   GET  /api/admin/persons/<id>/export            everything the personal-data map exports
//   POST /api/admin/persons/<id>/erase             erases the person (PIPL; issue 8 point 8)
//   GET  /api/admin/points/<person>                balance, newest entries, pending redemptions
//   POST /api/admin/points/<person>                award {"amount": N > 0, "reason": "..."}
//   POST /api/admin/points/<person>/deduct         deduct {"amount": N > 0, "reason": "..."}
//   POST /api/admin/points/entries/<id>/reverse    reversal {"note": "..."} (optional)
//   POST /api/admin/redemptions/<id>/give|cancel   hand out / cancel a redemption
//   (the points routes are built from domain/volunteers/points_actions.h; a refusal is
//   {"error": "<the sentence staff see in chat>", "code": "points.refused.<...>"} with 400,
//   404 or 409; each answer is the person's points: {"person_id", "balance", "entries",
//   "pending_redemptions"} plus, for an action, "action", "entry" and "redemption")
//   GET  /api/admin/decisions?kind=&status=        covenants, polls, appraisals, elections
//   POST /api/admin/decisions                      a new draft (domain/decisions DraftFromJson)
//   GET  /api/admin/decisions/<id>                 the staff view: turnout, comments, result;
//                                                  who voted what only for an open ballot after
//                                                  close (never for a secret one)
//   POST /api/admin/decisions/<id>/<action>        edit|invite|open|close|paper, JSON body
//                                                  (domain/decisions/decision_actions.h)
//   GET  /api/public/decisions                     the board: open and closed decisions, the
//   GET  /api/public/decisions/<id>                results of closed ones shown on the board
//   GET  /api/public/red-black[?quarter=YYYY-Qn]   the confirmed quarterly red/black lists
//                                                  (newest first), or one quarter's (404 when
//                                                  not confirmed); drafts are never shown
//
// The paths, methods and authentication are rows of the route table (bot/server/routes.h);
// this class is their handlers. The action routes are built from the ticket action list
// (domain/tickets/ticket_actions.h), as the staff chat commands are; an action's refusal is
// {"error": "<the sentence staff see in chat, in config.locale>", "code": "<text key>"} with
// 400 (bad argument), 404 (no such ticket/assignee) or 409 (state does not allow it).
// A body that is not a JSON object or lacks a field is 400 {"error": "missing field: x"}.
//
// Every database access goes through the write queue; responses are sent from its `done`
// callback, never blocking the io thread. Times are epoch milliseconds (UTC); dates chosen by
// staff (deferred_until) are "YYYY-MM-DD" in config.timezone.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "bot/http.h"

namespace linli {

namespace config {
struct Config;
}
namespace domain {
struct Deps;
struct TicketAction;
struct PointsAction;
namespace decisions {
struct DecisionAction;
}
}
namespace storage {
class WriteQueue;
}

// As in bot/server/routes.h (not included here: the wiring's headers stay light).
using RouteParams = std::map<std::string, std::string>;
using Respond = std::function<void(HttpResponse)>;

class HttpApi {
 public:
  // `on_pushes` is called after an admin action committed (wakes the outbox).
  HttpApi(const config::Config& config, const domain::Deps& services,
          storage::WriteQueue& queue, std::function<void()> on_pushes);

  // Route handlers (ServerRoutes in routes.cc). The router has matched the method and
  // checked the bearer key; {n} is the ticket number from the path.
  void PublicTicketList(HttpRequest request, RouteParams params, Respond respond);
  void PublicTicketOne(HttpRequest request, RouteParams params, Respond respond);
  void AdminTicketList(HttpRequest request, RouteParams params, Respond respond);
  void AdminTicketOne(HttpRequest request, RouteParams params, Respond respond);
  void AdminOutbox(HttpRequest request, RouteParams params, Respond respond);
  // GET /api/admin/persons/{id}/export: 200 with domain::PersonalExportJson; 404 {"error":
  // "no such person"} for an unknown (or erased) person.
  void AdminPersonExport(HttpRequest request, RouteParams params, Respond respond);
  // POST /api/admin/persons/{id}/erase: domain::ErasePerson as one write-queue unit (all or
  // nothing); 200 {"person_id": id, "erased": true}; 404 for an unknown person. The person's
  // tickets stay, without a link to them.
  void AdminPersonErase(HttpRequest request, RouteParams params, Respond respond);
  // POST /api/admin/tickets/{n}/<action.name>: runs `action` as a trusted caller; the answer
  // is the ticket with "masked": true when its published text will be masked.
  void RunTicketAction(const domain::TicketAction& action, HttpRequest request, RouteParams params,
                    Respond respond);
  // GET /api/admin/points/{id}: 200 with the person's points; 404 "no such person".
  void AdminPoints(HttpRequest request, RouteParams params, Respond respond);
  // POST <action.api_path>: runs the points action as the bearer key (its name is the
  // ledger's actor); {id} is the action's target.
  void RunPointsAction(const domain::PointsAction& action, HttpRequest request,
                       RouteParams params, Respond respond);
  // POST /api/admin/tickets/{n}/{action} for a name no action has: 404 "unknown action".
  void AdminUnknownAction(HttpRequest request, RouteParams params, Respond respond);

  // Decisions (issue 10). Refusals as for tickets: {"error": <the sentence staff see in
  // chat>, "code": <text key>} with 400/403/404/409.
  void AdminDecisionList(HttpRequest request, RouteParams params, Respond respond);
  void AdminDecisionCreate(HttpRequest request, RouteParams params, Respond respond);
  void AdminDecisionOne(HttpRequest request, RouteParams params, Respond respond);
  void RunDecisionAction(const domain::decisions::DecisionAction& action, HttpRequest request,
                         RouteParams params, Respond respond);
  void PublicDecisionList(HttpRequest request, RouteParams params, Respond respond);
  void PublicDecisionOne(HttpRequest request, RouteParams params, Respond respond);
  void PublicRedBlack(HttpRequest request, RouteParams params, Respond respond);

 private:

  const config::Config& config_;
  const domain::Deps& services_;
  storage::WriteQueue& queue_;
  std::function<void()> on_pushes_;
};

}  // namespace linli
