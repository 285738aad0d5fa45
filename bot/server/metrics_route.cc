#include "bot/server/metrics_route.h"

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "bot/server/blocking_pool.h"
#include "bot/server/log.h"
#include "bot/server/server_metrics.h"
#include "storage/ticket_state.h"

namespace linli {

namespace {

HttpResponse NotFound() { return HttpResponse::Json(404, "{\"error\":\"not found\"}"); }

HttpResponse Busy() {
  HttpResponse r = HttpResponse::Text(503, "busy, try again\n");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

// The reader connection, kept between scrapes; one scrape at a time uses it.
class Scraper {
 public:
  explicit Scraper(MetricsSource source) : source_(std::move(source)) {}

  std::string Scrape() {
    std::optional<std::vector<storage::OutboxDepth>> outbox;
    std::optional<std::vector<storage::OpenTicketCount>> tickets;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!db_) {
        auto opened = storage::OpenReader(source_.reader);
        if (opened.ok()) {
          db_ = std::move(opened).value();
        } else {
          GetLogger("http")->warn("metrics: no database reader: {}", opened.status().ToString());
        }
      }
      if (db_) {
        auto o = storage::CountOutboxDepth(*db_);
        auto t = storage::CountOpenTickets(*db_, source_.clock.NowMillis());
        if (o.ok() && t.ok()) {
          outbox = std::move(o).value();
          tickets = std::move(t).value();
        } else {
          GetLogger("http")->warn("metrics: database gauges: {}",
                                  (o.ok() ? t.status() : o.status()).ToString());
          db_.reset();  // reopened by the next scrape
        }
      }
    }
    std::vector<metrics::Family> families = source_.metrics.Collect();
    for (metrics::Family& f : DatabaseGauges(source_.metrics.channels(), outbox, tickets)) {
      families.push_back(std::move(f));
    }
    return metrics::Render(families);
  }

  BlockingPool* pool() const { return source_.pool; }

 private:
  MetricsSource source_;
  std::mutex mu_;
  std::unique_ptr<storage::Database> db_;
};

// Answers 503 if destroyed before Answer (a pool task dropped at Stop).
class AnswerOnce {
 public:
  explicit AnswerOnce(Respond respond) : respond_(std::move(respond)) {}
  ~AnswerOnce() {
    if (respond_) respond_(Busy());
  }
  AnswerOnce(const AnswerOnce&) = delete;
  AnswerOnce& operator=(const AnswerOnce&) = delete;
  void Answer(HttpResponse r) { std::exchange(respond_, nullptr)(std::move(r)); }

 private:
  Respond respond_;
};

}  // namespace

bool IsLoopbackPeer(std::string_view addr) {
  if (addr == "::1") return true;
  if (addr.substr(0, 7) == "::ffff:") addr.remove_prefix(7);
  if (addr.substr(0, 4) != "127.") return false;
  // The rest must be three dotted numbers (no "127.evil.example" can come from a socket, but
  // say what we accept).
  int dots = 0;
  for (char c : addr.substr(4)) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 2;
}

std::vector<metrics::Family> DatabaseGauges(
    const std::vector<std::string>& channels,
    const std::optional<std::vector<storage::OutboxDepth>>& outbox,
    const std::optional<std::vector<storage::OpenTicketCount>>& tickets) {
  std::vector<metrics::Family> out;
  if (outbox) {
    std::map<std::pair<std::string, std::string>, int64_t> depth;
    for (const std::string& status : storage::UnfinishedOutboxStatuses()) {
      for (const std::string& channel : channels) depth[{status, channel}] = 0;
    }
    for (const auto& row : *outbox) depth[{row.status, row.channel}] += row.messages;
    metrics::Family f{"linli_outbox_messages",
                      "Outbox messages not sent yet, by status and channel.",
                      metrics::Type::kGauge,
                      {}};
    for (const auto& [key, n] : depth) {
      f.samples.push_back(
          {"", {{"status", key.first}, {"channel", key.second}}, static_cast<double>(n)});
    }
    out.push_back(std::move(f));
  }
  if (tickets) {
    std::map<std::pair<std::string, std::string>, int64_t> open;
    std::map<std::string, int64_t> overdue;
    for (storage::Tier tier : storage::kAllTiers) {
      overdue[storage::NameOf(tier)] = 0;
      for (storage::TicketStatus s : storage::kAllTicketStatuses) {
        if (s != storage::TicketStatus::kClosed)
          open[{storage::NameOf(s), storage::NameOf(tier)}] = 0;
      }
    }
    for (const auto& row : *tickets) {
      open[{row.state, row.tier}] += row.tickets;
      overdue[row.tier] += row.overdue;
    }
    metrics::Family f{
        "linli_tickets_open", "Tickets not closed, by state and tier.", metrics::Type::kGauge, {}};
    for (const auto& [key, n] : open) {
      f.samples.push_back(
          {"", {{"state", key.first}, {"tier", key.second}}, static_cast<double>(n)});
    }
    out.push_back(std::move(f));
    metrics::Family o{"linli_tickets_overdue",
                      "Open tickets past their accept or resolve deadline (SLA), by tier.",
                      metrics::Type::kGauge,
                      {}};
    for (const auto& [tier, n] : overdue) {
      o.samples.push_back({"", {{"tier", tier}}, static_cast<double>(n)});
    }
    out.push_back(std::move(o));
  }
  out.push_back({"linli_metrics_database_up",
                 "1 when this scrape read the database gauges, 0 when it could not.",
                 metrics::Type::kGauge,
                 {{"", {}, outbox && tickets ? 1.0 : 0.0}}});
  return out;
}

std::optional<Route> MetricsRoute(const config::MetricsConfig& config, MetricsSource source) {
  if (!config.enabled) return std::nullopt;
  const bool loopback_only = config.access != "admin_key";
  auto scraper = std::make_shared<Scraper>(std::move(source));
  RouteHandler handler = [scraper, loopback_only](HttpRequest request, RouteParams,
                                                  Respond respond) {
    if (loopback_only && !IsLoopbackPeer(request.remote_addr)) {
      respond(NotFound());
      return;
    }
    if (request.method != "GET") {  // after the peer check: strangers learn nothing
      HttpResponse r = HttpResponse::Json(405, "{\"error\":\"method not allowed\"}");
      r.headers.emplace_back("Allow", "GET");
      respond(std::move(r));
      return;
    }
    BlockingPool* pool = scraper->pool();
    auto once = std::make_shared<AnswerOnce>(std::move(respond));
    const bool posted = pool != nullptr && pool->Post([scraper, once] {
      try {
        HttpResponse r = HttpResponse::Text(200, scraper->Scrape());
        r.content_type = kMetricsContentType;
        once->Answer(std::move(r));
      } catch (const std::exception& e) {
        GetLogger("http")->error("metrics: scrape failed: {}", e.what());
        once->Answer(HttpResponse::Text(500, "internal error\n"));
      }
    });
    if (!posted) once->Answer(Busy());
  };
  // Any method: the handler answers 405 itself, after the peer check.
  return Route{{},
               "/metrics",
               loopback_only ? RouteAuth::kPublic : RouteAuth::kBearerKey,
               std::move(handler)};
}

}  // namespace linli
