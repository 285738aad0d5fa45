// The web front end's rows in the route table (issue 12): each web/ handler runs as one unit
// on the write queue (reads see committed state; a page that changes something commits before
// it answers) and its response goes out after the commit. A handler's error Status (the
// machine failed) is answered with a plain 500 (503 when the queue is full) page and logged.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bot/server/routes.h"
#include "domain/deps.h"
#include "storage/write_queue.h"
#include "web/web_call.h"
#include "web/web_request.h"

namespace linli {

class BlockingPool;

struct WebContext {
  const domain::Deps& deps;
  storage::WriteQueue& queue;
  std::function<void()> on_pushes;  // wakes the outbox after a unit that may have queued pushes
  // For WebCallRoute (the /me page's WeChat exchange): the app's outbound HTTP client and the
  // pool its blocking calls run on. Without them a WebCallRoute answers 503.
  HttpClient* http = nullptr;
  BlockingPool* blocking = nullptr;
};

// A route whose handler runs `handler` on the write queue as described above.
Route WebRoute(std::vector<std::string> methods, std::string pattern, RouteAuth auth,
               web::WebHandler handler, const WebContext& context);

// A route whose `call` runs on context.blocking (a blocking outbound request through
// context.http) and whose returned unit then runs as WebRoute's handler does. 503 when the
// pool is full or stopped (or has no client); a failed call is answered 500 and logged.
Route WebCallRoute(std::vector<std::string> methods, std::string pattern, RouteAuth auth,
                   web::WebCallHandler call, const WebContext& context);

// Every web page and API of web/ (the board, the console, the resident's page, Open311).
std::vector<Route> WebRoutes(const WebContext& context);

}  // namespace linli
