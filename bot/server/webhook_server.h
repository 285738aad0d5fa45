// The inbound HTTP server: Boost.Beast on the shared Asio io_context (SECURITY.md explains
// why not cpp-httplib's server). Async connections cost no thread; every request has explicit
// header and body limits and one deadline for the whole read, so slow or hostile clients cost
// bounded memory and cannot delay other webhooks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bot/http.h"
#include "bot/status.h"

namespace boost::asio {
class io_context;
}

namespace linli {

struct WebhookServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                     // 0 = ephemeral (read port() after Start)
  uint64_t max_body_bytes = 1 << 20;        // larger: 413 before the body is read
  uint32_t max_header_bytes = 16 * 1024;    // whole header block; larger: 431, then close
  std::chrono::milliseconds request_timeout{10000};  // whole request read; then close
  std::chrono::milliseconds idle_timeout{30000};     // keep-alive idle; then close
  int max_connections = 4096;               // beyond: accept and close at once
};

class WebhookServer {
 public:
  // Answers one request. Must be called exactly once per request, from any thread; later
  // calls are ignored, an answer for a connection that has closed meanwhile is dropped, and
  // a respond destroyed without being called answers a generic 500. Copies may be kept on
  // other threads but must be called or destroyed before the io_context is destroyed.
  // Statuses outside 200..599 become 500; response headers containing CR/LF/NUL, and
  // Content-Length/Transfer-Encoding/Connection (the server sets those), are dropped.
  using Respond = std::function<void(HttpResponse)>;
  // Called on the io_context thread with a complete, size-checked request. The handler may
  // answer at once or later (after a commit) through `respond`.
  using Handler = std::function<void(HttpRequest request, Respond respond)>;

  // `io` is borrowed and must outlive the server. The handler runs on `io`'s thread(s).
  WebhookServer(boost::asio::io_context& io, WebhookServerOptions options, Handler handler);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  // Binds and starts accepting. Errors: kUnavailable naming host:port (in use, no permission).
  Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Stops accepting new connections; requests already being handled still get their answer,
  // idle keep-alive connections are closed. Thread-safe; idempotent.
  void Stop();
  // Connections currently open / requests awaiting their respond() (for shutdown and tests).
  size_t open_connections() const;
  size_t requests_in_flight() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace linli
