// A web page that must call out before its database unit (issue 12: /me's WeChat code
// exchange). The wiring (bot/server/web_routes.h WebCallRoute) runs the call on a thread of
// its blocking pool - never the event loop nor the write-queue thread - and then the unit the
// call returned on the write queue, answering after the commit like any WebHandler.
#pragma once

#include <functional>

#include "bot/http_client.h"
#include "bot/status.h"
#include "domain/deps.h"
#include "web/web_request.h"

namespace linli::web {

// Runs on a pool thread and may block on `http` (with a timeout of its own choosing). Returns
// the unit to run next on the write queue (it may simply answer a 4xx page, writing nothing);
// an error Status is a failure of the machine (answered 500 and logged), never a refusal.
using WebCallHandler = std::function<StatusOr<WebHandler>(
    const domain::Deps& deps, const WebRequest& request, HttpClient& http)>;

}  // namespace linli::web
