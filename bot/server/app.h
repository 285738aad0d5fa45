// The application: the only place that knows concrete classes. Builds the database, write
// queue, adapters, dialog engine, router, outbox worker and webhook server from a Config, and
// runs them on one Boost.Asio io_context.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "config/config.h"
#include "config/texts.h"

namespace boost::asio {
class io_context;
}

namespace linli {

namespace dialogs {
class Engine;
}  // namespace dialogs
namespace domain {
struct Deps;
}  // namespace domain
namespace storage {
class WriteQueue;
}
class BlockingPool;
class ConsoleAdapter;
class HttpApi;
class WishApi;
class OutboxWorker;
class MediaWorker;
class Router;
class RouteTable;
struct Route;
class Scheduler;
class ServerMetrics;
class QueueTokenStore;
class WebhookServer;

struct AppOptions {
  Clock* clock = nullptr;          // default: the system clock
  HttpClient* http = nullptr;      // default: cpp-httplib client
  std::ostream* console_out = nullptr;  // where console pushes go (default std::cout)
  int outbox_threads = 4;
};

class App {
 public:
  // Opens and migrates the database, loads the texts, builds every channel. Errors name what
  // is wrong (a channel's field, the database path); nothing is started.
  static StatusOr<std::unique_ptr<App>> Create(config::Config config, AppOptions options = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Starts the webhook server, the outbox and the io_context thread; returns at once.
  Status Start();
  // Graceful shutdown: stop accepting, finish in-flight turns, stop the outbox after its
  // current sends are recorded, commit and close the database. Idempotent.
  void Stop();
  // Start(), then block until SIGINT/SIGTERM, then Stop(). Returns the exit code.
  int Serve();

  uint16_t port() const;
  Router& router() { return *router_; }
  OutboxWorker& outbox() { return *outbox_; }
  MediaWorker& media() { return *media_; }
  storage::WriteQueue& write_queue() { return *queue_; }
  ConsoleAdapter& console() { return *console_; }
  ServerMetrics& metrics() { return *metrics_; }  // what GET /metrics shows (server_metrics.h)
  Adapter* FindAdapter(const std::string& channel);
  const config::Config& config() const { return config_; }
  const Clock& clock() const { return *clock_; }
  // Tests with a FakeClock: runs every scheduled job due at the clock's reading now, waiting
  // for their commits (Scheduler::RunDue), instead of waiting for the timers' next re-check.
  // Not from the io or write-queue thread. Returns how many jobs ran their period.
  StatusOr<int> RunDueJobs();

 private:
  explicit App(config::Config config);
  void ScheduleJobs();
  // Every request goes through the route table (bot/server/routes.h).
  void HandleHttp(HttpRequest request, std::function<void(HttpResponse)> respond);
  std::vector<Route> Routes();
  Status BuildRoutes();
  void HandleWebhook(HttpRequest request, const std::string& channel,
                     std::function<void(HttpResponse)> respond);

  config::Config config_;
  std::unique_ptr<Clock> owned_clock_;
  std::unique_ptr<HttpClient> owned_http_;
  Clock* clock_ = nullptr;
  HttpClient* http_ = nullptr;
  config::Texts texts_;
  std::unique_ptr<ServerMetrics> metrics_;  // before everything that feeds it
  // The channels' platform tokens shared with the other instances (bot/server/shared_tokens.h);
  // before the adapters, which use it.
  std::unique_ptr<QueueTokenStore> tokens_;
  std::unique_ptr<domain::Deps> services_;
  std::unique_ptr<storage::WriteQueue> queue_;
  std::unique_ptr<dialogs::Engine> engine_;
  std::map<std::string, std::unique_ptr<Adapter>> adapters_;
  std::unique_ptr<ConsoleAdapter> console_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpApi> api_;  // /api/ (bot/server/api.h)
  std::unique_ptr<WishApi> wish_api_;  // /api/admin/wishes (bot/server/wish_api.h)
  std::unique_ptr<RouteTable> routes_;
  std::unique_ptr<OutboxWorker> outbox_;
  std::unique_ptr<MediaWorker> media_;  // ticket photos (bot/server/media_worker.h)
  std::unique_ptr<BlockingPool> blocking_;  // web pages' outbound calls (bot/server/blocking_pool.h)
  // Jobs' blocking work (the daily backup), apart so a long copy never delays a web call.
  std::unique_ptr<BlockingPool> jobs_pool_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<WebhookServer> server_;
  std::unique_ptr<Scheduler> scheduler_;
  std::thread io_thread_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  int outbox_threads_ = 4;
};

}  // namespace linli
