#include "bot/server/app.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "adapters/registry.h"
#include "bot/json.h"
#include "bot/server/api.h"
#include "bot/server/blocking_pool.h"
#include "bot/server/console_channel.h"
#include "bot/server/httplib_client.h"
#include "bot/server/jobs.h"
#include "bot/server/locale_dir.h"
#include "bot/server/log.h"
#include "bot/server/media_worker.h"
#include "bot/server/metrics_route.h"
#include "bot/server/outbox.h"
#include "bot/server/router.h"
#include "bot/server/routes.h"
#include "bot/server/web_routes.h"
#include "bot/server/scheduler.h"
#include "bot/server/server_metrics.h"
#include "bot/server/shared_tokens.h"
#include "bot/server/startup.h"
#include "bot/server/webhook_server.h"
#include "bot/server/wish_api.h"
#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/common/time_zone.h"
#include "domain/people/roles.h"
#include "domain/volunteers/points_service.h"
#include "domain/volunteers/volunteers.h"
#include "storage/redemption_store.h"
#include "domain/tickets/ticket_service.h"
#include "domain/tickets/ticket_photos.h"
#include "storage/inbox_store.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/write_queue.h"

namespace linli {

namespace {

HttpResponse ErrorResponse(int status, const std::string& message) {
  std::string body = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') body.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) body.push_back(c);
  }
  body += "\"}";
  return HttpResponse::Json(status, std::move(body));
}

// The config's staff, volunteers and catalogue stock into the database, inside the caller's
// transaction, after taking the lock that makes instances starting together take turns.
Status SyncFromConfig(storage::Database& db, const config::Config& cfg, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.LockKey("config sync"));
  LINLI_ASSIGN_OR_RETURN(storage::RoleSyncResult roles,
                         domain::SyncStaffFromConfig(db, cfg, now_ms));
  GetLogger("storage")->info("staff from config: {} listed, {} new, {} roles set, {} revoked",
                             cfg.staff.size(), roles.persons_created, roles.roles_changed,
                             roles.roles_revoked);
  // Volunteers listed in the config, and the catalogue's stock (issue 9), the same way.
  LINLI_ASSIGN_OR_RETURN(storage::VolunteerSyncResult volunteers,
                         domain::SyncVolunteersFromConfig(db, cfg, now_ms));
  GetLogger("storage")->info("volunteers from config: {} listed, {} new, {} activated, {} removed",
                             cfg.volunteers.size(), volunteers.persons_created,
                             volunteers.activated, volunteers.removed);
  return storage::RedemptionStore::SyncStock(db, domain::CatalogueStock(cfg));
}

}  // namespace

App::App(config::Config config) : config_(std::move(config)) {}

App::~App() { Stop(); }

StatusOr<std::unique_ptr<App>> App::Create(config::Config config, AppOptions options) {
  // The media folder defaults to "media" beside the database (the loader does the same for
  // configs read from a file; this covers configs built in code).
  if (config.media.dir.empty()) {
    config.media.dir =
        (std::filesystem::path(config.storage.sqlite.path).parent_path() / "media").string();
  }
  std::unique_ptr<App> app(new App(std::move(config)));
  const config::Config& cfg = app->config_;
  if (options.clock == nullptr) app->owned_clock_ = std::make_unique<SystemClock>();
  app->clock_ = options.clock ? options.clock : app->owned_clock_.get();
  if (options.http == nullptr) {
    // Room for the largest photo media.max_bytes allows (the media worker checks the cap).
    HttplibClientOptions http_options;
    http_options.max_response_bytes = std::max<size_t>(
        http_options.max_response_bytes, static_cast<size_t>(cfg.media.max_bytes) + 64 * 1024);
    app->owned_http_ = std::make_unique<HttplibClient>(http_options);
  }
  app->http_ = options.http ? options.http : app->owned_http_.get();
  app->outbox_threads_ = options.outbox_threads;

  // Texts, then the whole-config check (bot/server/startup.h): the same as every command's.
  auto texts = LoadTexts(cfg);
  if (!texts.ok()) return texts.status();  // (not the macro: GCC 12 -O2 false maybe-uninitialized)
  app->texts_ = std::move(texts).value();
  LINLI_RETURN_IF_ERROR(CheckLoadedConfig(cfg, app->texts_));
  std::vector<std::string> channel_names;
  for (const auto& channel : cfg.channels) channel_names.push_back(channel.name);
  app->metrics_ = std::make_unique<ServerMetrics>(channel_names);
  LINLI_RETURN_IF_ERROR(app->metrics_->Check());

  // Channels first: a bad channel config stops start-up before anything is written. Their
  // tokens are shared through the database once it is open (Attach below).
  app->tokens_ = std::make_unique<QueueTokenStore>();
  adapters::AdapterDeps deps{*app->clock_, *app->http_, app->tokens_.get()};
  for (const auto& channel : cfg.channels) {
    if (channel.type == "console") continue;
    LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Adapter> adapter, adapters::CreateAdapter(channel, deps));
    app->adapters_[channel.name] = std::move(adapter);
  }
  // Database, through the one door. The server's one writing connection flushes on the write
  // queue's sync thread (storage/write_queue.h), so the disk's flush overlaps the next batch.
  storage::DatabaseOptions db_options = DatabaseOptionsFor(cfg.storage);
  db_options.sqlite.sync_on_request = true;
  LINLI_ASSIGN_OR_RETURN(storage::OpenedDatabase opened, storage::OpenDatabase(db_options));
  std::unique_ptr<storage::Database> db = std::move(opened.db);
  GetLogger("storage")->info("database {} at schema version {}",
                             storage::DescribeDatabase(db_options), opened.schema_version);
  // Roles come from the config and from the database: config staff get theirs now. In one
  // transaction under a lock, so instances starting together on one PostgreSQL database sync
  // one after the other (the second finds everything done) rather than both creating the
  // same persons.
  LINLI_RETURN_IF_ERROR(db->Begin());
  Status synced = SyncFromConfig(*db, cfg, app->clock_->NowMillis());
  if (synced.ok()) synced = db->Commit();
  if (!synced.ok()) {
    Status undo = db->Rollback();
    (void)undo;
    return synced;
  }
  app->queue_ = std::make_unique<storage::WriteQueue>(
      std::move(db), cfg.storage.group_commit_max_batch, app->metrics_->write_queue());
  app->tokens_->Attach(app->queue_.get());


  // Dialogs.
  app->services_.reset(new domain::Deps{app->config_, app->texts_, *app->clock_});
  LINLI_ASSIGN_OR_RETURN(app->engine_, dialogs::Engine::Create(*app->services_, dialogs::AllFlows()));

  app->console_ = std::make_unique<ConsoleAdapter>(options.console_out ? *options.console_out
                                                                        : std::cout);

  App* raw = app.get();
  // On PostgreSQL other instances' enqueues wake this one's outbox (none on SQLite).
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<storage::Notifier> outbox_wake,
                         storage::OpenNotifier(db_options, storage::OutboxStore::kWakeTopic));
  app->outbox_ = std::make_unique<OutboxWorker>(
      *app->queue_, *app->clock_, cfg.outbox,
      [raw](const std::string& name) { return raw->FindAdapter(name); }, app->outbox_threads_,
      app->metrics_.get(), std::move(outbox_wake));
  // A fetched photo goes on to the staff groups that took the ticket's card, in the fetch's
  // transaction (domain/tickets/ticket_photos.h).
  app->media_ = std::make_unique<MediaWorker>(
      *app->queue_, *app->clock_, cfg.media,
      [raw](const std::string& name) { return raw->FindAdapter(name); }, 1000,
      [raw](storage::Database& db, const storage::MediaItem& item, int64_t now_ms) {
        return domain::PostTicketPhoto(db, *raw->services_, item, now_ms);
      },
      [raw] { raw->outbox_->Notify(); });
  // After a turn's commit: its replies, and any photo it queued.
  app->router_ = std::make_unique<Router>(*app->queue_, *app->engine_, *app->clock_,
                                          [raw] {
                                            raw->outbox_->Notify();
                                            raw->media_->Notify();
                                          },
                                          cfg.limits);
  app->api_ = std::make_unique<HttpApi>(app->config_, *app->services_, *app->queue_,
                                        [raw] { raw->outbox_->Notify(); });
  app->wish_api_ = std::make_unique<WishApi>(*app->services_, *app->queue_,
                                             [raw] { raw->outbox_->Notify(); });
  app->blocking_ = std::make_unique<BlockingPool>(2);
  app->jobs_pool_ = std::make_unique<BlockingPool>(1, 16);
  LINLI_RETURN_IF_ERROR(raw->BuildRoutes());
  return app;
}

Adapter* App::FindAdapter(const std::string& channel) {
  if (channel == "console") return console_.get();
  auto it = adapters_.find(channel);
  return it == adapters_.end() ? nullptr : it->second.get();
}

Status App::BuildRoutes() {
  StatusOr<RouteTable> routes = RouteTable::Create(Routes(), config_.admin.AllKeys());
  if (!routes.ok()) return routes.status();
  routes_ = std::make_unique<RouteTable>(std::move(routes).value());
  return Status::Ok();
}

std::vector<Route> App::Routes() {
  ServerHandlers server;
  server.healthz = [this](HttpRequest, RouteParams, Respond respond) {
    // While writes fail (the disk is full) webhooks answer 503 so platforms redeliver; this
    // says why, until a commit succeeds again (storage/write_queue.h fault()).
    const std::string fault = queue_->fault();
    if (fault.empty()) {
      respond(HttpResponse::Json(200, "{\"status\":\"ok\"}"));
    } else {
      respond(HttpResponse::Json(
          503, DumpJson(nlohmann::json{{"status", "degraded"}, {"reason", fault}})));
    }
  };
  server.webhook = [this](HttpRequest request, RouteParams params, Respond respond) {
    ServerMetrics::Webhook* counted = &metrics_->ForWebhook(params["channel"]);
    HandleWebhook(std::move(request), params["channel"],
                  [counted, respond = std::move(respond)](HttpResponse r) {
                    counted->Answered(r.status);
                    respond(std::move(r));
                  });
  };
  std::vector<Route> routes = ServerRoutes(server, *api_, *wish_api_);
  if (auto metrics = MetricsRoute(config_.metrics,
                                  MetricsSource{*metrics_, *clock_,
                                                DatabaseOptionsFor(config_.storage),
                                                blocking_.get()})) {
    routes.push_back(std::move(*metrics));
  }
  App* raw = this;
  for (Route& r : WebRoutes(WebContext{*services_, *queue_, [raw] { raw->outbox_->Notify(); },
                                       http_, blocking_.get()})) {
    routes.push_back(std::move(r));
  }
  return routes;
}

void App::HandleHttp(HttpRequest request, std::function<void(HttpResponse)> respond) {
  routes_->Dispatch(std::move(request), std::move(respond));
}

void App::HandleWebhook(HttpRequest request, const std::string& name,
                        std::function<void(HttpResponse)> respond) {
  const auto received = std::chrono::steady_clock::now();  // linli_turn_duration_seconds
  auto it = adapters_.find(name);
  if (it == adapters_.end()) {
    respond(ErrorResponse(404, "unknown channel"));
    return;
  }
  Adapter& adapter = *it->second;
  StatusOr<WebhookResult> parsed = Status::Internal("not parsed");
  try {
    parsed = adapter.ParseWebhook(request);
  } catch (const std::exception& e) {
    parsed = Status::InvalidArgument(std::string("unparsable request: ") + e.what());
  }
  if (!parsed.ok()) {
    const Status& st = parsed.status();
    // The reason is logged for the operator; the body says only the class of error.
    GetLogger("http")->warn("channel {}: rejected {} request: {}", name, request.method,
                            st.ToString());
    int code = st.HttpStatus();
    if (st.code() == StatusCode::kNotFound) code = 405;
    respond(ErrorResponse(code, StatusCodeName(st.code())));
    return;
  }
  if (parsed->immediate) {
    respond(std::move(*parsed->immediate));
    return;
  }
  if (!parsed->message) {
    respond(HttpResponse::Text(200, ""));
    return;
  }
  router_->Submit(adapter, std::move(*parsed->message),
                  [respond = std::move(respond), received,
                   turn = &metrics_->ForWebhook(name)](StatusOr<Router::TurnOutcome> outcome) {
                    turn->TurnAnswered(std::chrono::steady_clock::now() - received);
                    if (outcome.ok()) {
                      respond(std::move(outcome->ack));
                    } else if (outcome.status().code() == StatusCode::kUnauthenticated) {
                      respond(ErrorResponse(401, StatusCodeName(StatusCode::kUnauthenticated)));
                    } else {
                      respond(ErrorResponse(503, "try again"));
                    }
                  });
}

Status App::Start() {
  if (started_.exchange(true)) return Status::FailedPrecondition("already started");
  io_ = std::make_unique<boost::asio::io_context>(1);
  WebhookServerOptions opts;
  opts.host = config_.server.host;
  opts.port = static_cast<uint16_t>(config_.server.port);
  opts.max_body_bytes = static_cast<uint64_t>(config_.server.max_body_bytes);
  opts.max_header_bytes = static_cast<uint32_t>(config_.server.max_header_bytes);
  opts.request_timeout = std::chrono::milliseconds(config_.server.request_timeout_ms);
  opts.max_connections = config_.server.max_connections;
  server_ = std::make_unique<WebhookServer>(
      *io_, opts, [this](HttpRequest req, WebhookServer::Respond respond) {
        HandleHttp(std::move(req), std::move(respond));
      });
  LINLI_RETURN_IF_ERROR(server_->Start());
  LINLI_RETURN_IF_ERROR(outbox_->Start());
  LINLI_RETURN_IF_ERROR(media_->Start());
  ScheduleJobs();
  io_thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(*io_);
    io_->run();
  });
  GetLogger("http")->info("linli listening on http://{}:{} ({} channel(s))", config_.server.host,
                          port(), adapters_.size());
  return Status::Ok();
}

void App::ScheduleJobs() {
  // The configured zone for daily/monthly jobs (config validation rejects a bad name first).
  auto zone = domain::LoadTimeZone(config_.timezone);
  if (!zone.ok()) {
    GetLogger("scheduler")->warn("{}; scheduling in UTC", zone.status().message());
    zone = std::make_shared<const domain::TimeZone>(domain::TimeZone::Utc());
  }
  Scheduler::Options scheduling;
  scheduling.metrics = metrics_.get();
  scheduling.pool = jobs_pool_.get();
  scheduler_ = std::make_unique<Scheduler>(*io_, *queue_, *clock_, *zone, scheduling);
  for (Job& job : ServerJobs(JobDeps{*services_, [this] { outbox_->Notify(); }})) {
    Status st = scheduler_->Add(std::move(job));
    if (!st.ok()) GetLogger("scheduler")->error("{}", st.message());
  }
  scheduler_->Start();
}

StatusOr<int> App::RunDueJobs() {
  if (!scheduler_) return Status::FailedPrecondition("app: not started");
  return scheduler_->RunDue(clock_->NowMillis());
}

uint16_t App::port() const { return server_ ? server_->port() : 0; }

void App::Stop() {
  if (!started_.load() || stopped_.exchange(true)) {
    if (!started_.load() && queue_) {
      if (blocking_) blocking_->Stop();
      if (jobs_pool_) jobs_pool_->Stop();
      queue_->Stop();
    }
    return;
  }
  // Start() may have failed part-way (port in use): stop only what exists.
  if (server_) server_->Stop();
  // Let in-flight turns commit and be answered (bounded wait).
  for (int i = 0; i < 200 && server_ && server_->requests_in_flight() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  blocking_->Stop();  // before the queue: a call in progress still commits and answers
  // A backup in progress gives up at its next step; the pool then joins at once.
  if (scheduler_) scheduler_->Interrupt();
  jobs_pool_->Stop();
  outbox_->Stop();
  media_->Stop();
  queue_->Stop();
  if (io_) io_->stop();
  if (io_thread_.joinable()) io_thread_.join();
  if (scheduler_) scheduler_->Stop();  // the io thread is gone: timers can be cancelled here
  GetLogger("http")->info("linli stopped");
}

int App::Serve() {
  Status st = Start();
  if (!st.ok()) {
    std::cerr << "linli: " << st.message() << "\n";
    return 1;
  }
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int signo) {
    GetLogger("http")->info("signal {} received; shutting down", signo);
  });
  signals_io.run();
  Stop();
  return 0;
}

}  // namespace linli
