// GET /metrics (issue 13 point 9): the Prometheus text exposition format 0.0.4 of the
// service's series (bot/server/server_metrics.h) and of gauges read from the database at
// scrape time:
//   linli_outbox_messages{status,channel}   outbox rows not sent yet: pending, sending,
//                                           failed (dead letters kept for staff), deferred
//   linli_tickets_open{state,tier}          tickets not closed
//   linli_tickets_overdue{tier}             of those, past their accept or resolve deadline
//   linli_metrics_database_up               1 when the gauges above could be read, else 0
//                                           (they are then left out, not reported as 0)
// Every configured channel, open state and tier is listed, zero or not, so alert rules never
// meet an absent series. Sample rules: packaging/prometheus/linli-alerts.yml.
//
// Who may read it is config `metrics` (config/config.h): "loopback" - a public row whose
// handler answers 404 {"error":"not found"} (what the route table answers for an unknown path)
// unless the socket peer (HttpRequest::remote_addr, never a header) is loopback; "admin_key" -
// a RouteAuth::kBearerKey row, so the route table checks the admin API's keys as for
// /api/admin (401 without one). metrics.enabled false: no row (404).
//
// Threads. The handler never touches the database on the event loop: the scrape runs on the
// app's BlockingPool (bot/server/blocking_pool.h), reading through its own read-only
// connection (storage::OpenReader, kept between scrapes, reopened after an error), never
// through the write queue, so a scrape neither waits for nor delays a commit. A full or
// stopped pool (or none) answers 503 with Retry-After.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.h"
#include "bot/metrics.h"
#include "bot/server/routes.h"
#include "config/config.h"
#include "storage/metrics_counts.h"
#include "storage/open_database.h"

namespace linli {

class BlockingPool;
class ServerMetrics;

inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// What a scrape reads. Borrowed members outlive the route.
struct MetricsSource {
  ServerMetrics& metrics;
  const Clock& clock;               // "now" for the overdue count
  storage::DatabaseOptions reader;  // opened with storage::OpenReader
  BlockingPool* pool = nullptr;     // where scrapes run
};

// The route table's row for /metrics, or nullopt when config.enabled is false.
std::optional<Route> MetricsRoute(const config::MetricsConfig& config, MetricsSource source);

// Whether a socket peer address is loopback: 127.0.0.0/8, ::1, or either mapped into IPv6
// ("::ffff:127.0.0.1"). Pure.
bool IsLoopbackPeer(std::string_view addr);

// Pure: the database gauges' families (see the file comment) for `channels` from counts read
// at scrape time; `outbox` or `tickets` nullopt when they could not be read.
std::vector<metrics::Family> DatabaseGauges(
    const std::vector<std::string>& channels,
    const std::optional<std::vector<storage::OutboxDepth>>& outbox,
    const std::optional<std::vector<storage::OpenTicketCount>>& tickets);

}  // namespace linli
