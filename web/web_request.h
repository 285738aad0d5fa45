// What a web page handler gets and returns (issue 12). Handlers are functions of the
// database, the domain's Deps and the request; the wiring (bot/server/web_routes.cc) runs each
// as one unit on the write queue and answers after the commit, so a page that changes
// something (a console action, a login) is all or nothing, and reads see committed state.
//
// A handler returns the response it wants (pages, redirects, 4xx with a page saying why);
// an error Status is for failures of the machine (database), which the wiring answers with
// a plain 500 page and logs.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "bot/http.h"
#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::web {

struct WebRequest {
  const HttpRequest& http;
  // Parameter segments of the matched path by name ("{n}" -> "12").
  const std::map<std::string, std::string>& params;
};

using WebHandler = std::function<StatusOr<HttpResponse>(storage::Database& db,
                                                        const domain::Deps& deps,
                                                        const WebRequest& request)>;

}  // namespace linli::web
