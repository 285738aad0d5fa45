// The admin HTTP API of micro-wishes (issue 9, point 7), rows of the route table
// (bot/server/routes.cc), bearer key required:
//
//   GET  /api/admin/wishes?status=open,claimed&category=&building=&limit=
//   GET  /api/admin/wishes/<number>           the wish, its claims and its history
//   POST /api/admin/wishes/<number>/<action>  approve|reject|cancel|confirm (one route per
//                                             entry of domain/wishes/wish_actions.h), JSON body
//                                             ({"reason": "..."} for reject)
//
// A refusal is {"error": "<the sentence staff see in chat, in config.locale>", "code": "<text
// key>"} with 400 (bad argument), 403 (not allowed), 404 (no such wish) or 409 (state does not
// allow it). The key acts with its name and tier (domain::Actor::ApiKey). Every database
// access goes through the write queue; responses are sent from its `done` callback.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "bot/http.h"

namespace linli {

namespace domain {
struct Deps;
struct WishAction;
}  // namespace domain
namespace storage {
class WriteQueue;
}

using RouteParams = std::map<std::string, std::string>;
using Respond = std::function<void(HttpResponse)>;

class WishApi {
 public:
  // `on_pushes` is called after an action committed (wakes the outbox).
  WishApi(const domain::Deps& services, storage::WriteQueue& queue, std::function<void()> on_pushes);

  void List(HttpRequest request, RouteParams params, Respond respond);
  void One(HttpRequest request, RouteParams params, Respond respond);
  void RunAction(const domain::WishAction& action, HttpRequest request, RouteParams params,
                 Respond respond);
  // A name no action has: 404 "unknown action".
  void UnknownAction(HttpRequest request, RouteParams params, Respond respond);

 private:
  const domain::Deps& services_;
  storage::WriteQueue& queue_;
  std::function<void()> on_pushes_;
};

}  // namespace linli
