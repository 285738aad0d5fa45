// HTTP routes as a table (issue 7 point 4): every path the server answers is one Route in
// ServerRoutes() (routes.cc), and App::HandleHttp hands each request to RouteTable::Dispatch.
// Adding an endpoint = one row there plus its handler and test.
//
// Matching. A pattern is "/" followed by segments; a segment is a literal ("tickets") or a
// parameter ("{n}") that matches exactly one non-empty segment and is passed to the handler
// by name. Paths are matched without their trailing slashes ("/api/public/tickets/" is
// "/api/public/tickets"). When several patterns match a path, the one with the most literal
// segments wins (first in the table on a tie), so "/api/admin/tickets/{n}/accept" beats
// "/api/admin/tickets/{n}/{action}".
//
// Answers the router gives itself (JSON bodies {"error": ...}):
//   404 "not found"           no pattern matches the path; or the path's route needs the
//                             bearer key and none is configured (the admin API is off)
//   401 "unauthorized"        kBearerKey route without "Authorization: Bearer <token>" of one
//                             of the configured keys (compared in constant time against
//                             every key; the answer carries WWW-Authenticate)
//   303 to /console/signin    a kStaffSession route without the staff console's cookie
//                             (web/web_session.h); with one, the handler checks the session
// A kBearerKey handler finds the key that authenticated the request in its params, under
// kRouteKeyName and kRouteKeyTier (its actions run with that key's name and tier).
//   405 "method not allowed"  the path is known but not for this method; Allow lists the
//                             methods it has. Authentication is checked first, so the methods
//                             of the admin API are not told to strangers.
// Everything else is the handler's. Thread-safety: a RouteTable is immutable after Create;
// Find/Dispatch may run on any thread; handlers run on the caller's thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/http.h"
#include "bot/status.h"
#include "config/config.h"

namespace linli {

class HttpApi;
class WishApi;

enum class RouteAuth {
  kPublic,        // anyone (webhooks check their platform's signature themselves)
  kBearerKey,     // one of the configured admin keys (config.admin AllKeys())
  kStaffSession,  // a signed-in staff member (the web console): without its cookie 303 to the
                  // sign-in page; the handler checks the session (web/console_page.h)
};

// Parameter segments of the matched path by name: "{n}" -> "12"; for kBearerKey routes also
// the key's name and tier under these names (no pattern may use a parameter starting "@").
using RouteParams = std::map<std::string, std::string>;
inline constexpr char kRouteKeyName[] = "@key_name";
inline constexpr char kRouteKeyTier[] = "@key_tier";
using Respond = std::function<void(HttpResponse)>;
// Must call `respond` exactly once, now or later (from any thread).
using RouteHandler = std::function<void(HttpRequest request, RouteParams params, Respond respond)>;

struct Route {
  std::vector<std::string> methods;  // "GET", "POST"; empty = any (the handler judges)
  std::string pattern;               // "/api/admin/tickets/{n}/{action}"
  RouteAuth auth = RouteAuth::kPublic;
  RouteHandler handler;
};

class RouteTable {
 public:
  // `keys` are what kBearerKey routes compare against; none switches them off (404).
  // kInvalidArgument names the route when a pattern is malformed (not starting with "/", an
  // empty segment, an unclosed or empty "{}", a parameter starting "@") or two rows have the
  // same pattern and a method in common; kInvalidArgument too for a key without a name or
  // token.
  static StatusOr<RouteTable> Create(std::vector<Route> routes,
                                     std::vector<config::AdminApiKey> keys);
  // One key named "admin" with tier admin (none if `bearer_key` is "").
  static StatusOr<RouteTable> Create(std::vector<Route> routes, std::string bearer_key);

  struct Match {
    const Route* route = nullptr;  // the route for this method, or nullptr
    RouteParams params;
    bool path_known = false;       // some route has this path (for another method: 405)
    std::string allow;             // the path's methods, "GET, POST" (when path_known)
  };
  // Pure lookup; no authentication.
  Match Find(std::string_view method, std::string_view path) const;

  // Looks `request` up, authenticates it per its route and calls the handler, or answers
  // 404/401/405 itself (see the file comment).
  void Dispatch(HttpRequest request, Respond respond) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;  // "{n}" kept as is
    int literals = 0;
  };
  RouteTable(std::vector<Compiled> routes, std::vector<config::AdminApiKey> keys)
      : routes_(std::move(routes)), keys_(std::move(keys)) {}

  std::vector<Compiled> routes_;
  std::vector<config::AdminApiKey> keys_;
};

// Whether `request` carries "Authorization: Bearer <key>". Constant time in the key's content
// and length (digests are compared). False when `key` is empty.
bool BearerAuthorized(const HttpRequest& request, const std::string& key);
// The key among `keys` whose token `request` carries as "Authorization: Bearer <token>", or
// nullptr. Compares the digest against every key (no early exit), in constant time in each
// token's content and length.
const config::AdminApiKey* FindBearerKey(const HttpRequest& request,
                                         const std::vector<config::AdminApiKey>& keys);

// The JSON error body every route of the API answers with: {"error": message}.
HttpResponse JsonError(int status, const std::string& message);

// The server's handlers that live outside the JSON API.
struct ServerHandlers {
  RouteHandler healthz;  // any method on /healthz
  RouteHandler webhook;  // any method on /webhook/{channel}
};

// THE table: healthz, webhooks, the public board (tickets, decisions), the admin API (one row
// per ticket action, from domain/tickets/ticket_actions.h, and per decision action, from
// domain/decisions/decision_actions.h), the admin outbox, the admin wish API (one row per wish
// action, from domain/wishes/wish_actions.h; bot/server/wish_api.h) and the points API (one
// row per points action, from domain/volunteers/points_actions.h).
std::vector<Route> ServerRoutes(const ServerHandlers& server, HttpApi& api, WishApi& wishes);

}  // namespace linli
