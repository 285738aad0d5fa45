// The Open311 GeoReport v2 endpoints (issue 12 point 5; docs/open311.md), as web handlers
// (web/web_request.h) that bot/server/web_routes.cc puts in the route table, each run as one
// unit on the write queue:
//
//   GET  /open311/v2/discovery.{xml,json}          the endpoint, its formats, contact, key service
//   GET  /open311/v2/services.{xml,json}           the report categories (Open311Resource)
//   GET  /open311/v2/services/<code>.{xml,json}    a category's definition (Open311Service)
//   GET  /open311/v2/requests.{xml,json}           tickets (filters below) (Open311Resource)
//   POST /open311/v2/requests.{xml,json}           a new ticket (api_key)   (Open311Resource)
//   GET  /open311/v2/requests/<id>.{xml,json}      one ticket               (Open311Request)
//
// Creation is realtime (the id is answered at once), so there is no tokens/ resource.
//
// GET requests: service_request_id (comma list; overrides every other filter), service_code
// (comma list; an unknown code matches nothing), status (open / closed, comma list),
// start_date and end_date (W3C date-times; the window may not span more than 90 days; left
// out, it is the 90 days up to end_date / from start_date / up to now), at most 1000 requests,
// newest first. Read through the public projection only.
//
// POST requests (application/x-www-form-urlencoded): api_key (one of config open311 keys,
// compared in constant time), service_code, a location (lat and long, address_string or
// address_id), attribute[building] (required when buildings are configured), optional
// attribute[unit], description (at most 4000 characters). email, first_name, last_name,
// phone, device_id, account_id and media_url are accepted and not kept: Linli has nobody to
// contact for an outside system's report, and nothing of it is ever published. The ticket is
// opened like one reported in chat (domain/tickets/ticket_intake.h: tier, SLA deadlines, the
// staff groups' card) with channel "open311" and no reporter, so its updates are pushed to
// nobody and show on the board. Answered 201 with [{service_request_id, service_notice,
// account_id}].
//
// Errors are the spec's array of {code, description} (texts open311.error.* in the page's
// locale, web/page_locale.h) in the format the path asked for (XML when it names neither):
//   404  Open311 is off (no key configured); a resource or format that does not exist
//        (discovery.csv, services/<unknown code>, requests/<unknown id>); POST with an unknown
//        service_code
//   403  POST without api_key or with a wrong one
//   400  anything else: a missing service_code or location, an unknown building or unit, a
//        malformed id, date, range or status, a description too long, POST where only GET is
// A database failure is the error Status (the wiring answers 500). `open311` is the config
// section (config.open311, config/config.h).
#pragma once

#include "bot/http.h"
#include "bot/status.h"
#include "config/config.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "web/web_request.h"

namespace linli::web::open311 {

// The route parameters the handlers read: "/open311/v2/{resource}",
// "/open311/v2/services/{file}", "/open311/v2/requests/{file}".
inline constexpr char kResourceParam[] = "resource";
inline constexpr char kFileParam[] = "file";

// The changeset discovery names: the date this endpoint's documents last changed shape
// (services follow the config, which changes only with a restart).
inline constexpr char kChangeset[] = "2026-12-01T00:00:00Z";

StatusOr<HttpResponse> Open311Resource(storage::Database& db, const domain::Deps& deps,
                                       const config::Open311Config& open311,
                                       const WebRequest& request);
StatusOr<HttpResponse> Open311Service(storage::Database& db, const domain::Deps& deps,
                                       const config::Open311Config& open311,
                                       const WebRequest& request);
StatusOr<HttpResponse> Open311Request(storage::Database& db, const domain::Deps& deps,
                                       const config::Open311Config& open311,
                                       const WebRequest& request);

}  // namespace linli::web::open311
