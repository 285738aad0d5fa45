// Boost.Beast is included only here (the header keeps it behind a pimpl).
//
// Connection life cycle, all on the connection's strand:
//   [idle wait] -> read header -> checks -> [100 Continue] -> read body -> handler
//   -> (respond, from any thread, posted back) -> write -> keep-alive ? [idle wait] : close
// The request deadline (request_timeout) is armed once when the first byte of a request is
// available (or at accept for the first request) and covers header, 100 Continue and body;
// it is never reset per byte, so trickling clients are closed on time.
#include "bot/server/webhook_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "bot/server/log.h"

namespace linli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

spdlog::logger& ServerLog() {
  static const std::shared_ptr<spdlog::logger> logger = GetLogger("webhook");
  return *logger;
}

// Bytes read and thrown away after an error response, so that the client sees the response
// instead of a reset caused by unread data (a "lingering close").
constexpr size_t kLingerMaxBytes = 256 * 1024;
constexpr std::chrono::milliseconds kLingerTimeout{500};
constexpr size_t kIdleReadSize = 4096;

bool HasHeaderBreak(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return c == '\r' || c == '\n' || c == '\0';
  });
}

bool IsParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::need_buffer;
}

HttpResponse PlainErrorResponse(int status, std::string_view text) {
  return HttpResponse::Text(status, std::string(text) + "\n");
}

}  // namespace

class WebhookServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  class Connection;

  Impl(asio::io_context& io, WebhookServerOptions options, Handler handler)
      : io_(io),
        options_(std::move(options)),
        handler_(std::move(handler)),
        acceptor_(asio::make_strand(io)),
        retry_timer_(acceptor_.get_executor()) {}

  Status Start();
  void Stop();
  void Accept();
  void OnAccept(const error_code& ec, tcp::socket socket);

  void Register(Connection* c) {
    std::lock_guard<std::mutex> lock(mu_);
    connections_.insert(c);
  }
  void Unregister(Connection* c) {
    std::lock_guard<std::mutex> lock(mu_);
    connections_.erase(c);
  }

  asio::io_context& io_;
  const WebhookServerOptions options_;
  const Handler handler_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<size_t> open_connections_{0};
  std::atomic<size_t> requests_in_flight_{0};

  std::mutex mu_;
  std::unordered_set<Connection*> connections_;  // guarded by mu_
};

class WebhookServer::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Impl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {
    ++server_->open_connections_;
    server_->Register(this);
    error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_addr_ = peer.address().to_string();
  }

  ~Connection() { Release(); }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs on the strand.
  void Start() {
    stream_.expires_after(server_->options_.request_timeout);
    ReadHeader();
  }

  // Posted by Stop(): closes the connection unless a request is being answered.
  void OnStop() {
    if (state_ == State::kIdle || state_ == State::kReading) Close();
  }

  // The respond() callback: runs on the strand. `seq` identifies the request, so a late or
  // repeated answer for an earlier request is dropped.
  void OnResponse(uint64_t seq, HttpResponse response) {
    if (state_ != State::kHandling || seq != seq_) return;
    --server_->requests_in_flight_;
    const bool keep_alive = request_keep_alive_ && !server_->stopped_.load();
    Write(std::move(response), keep_alive, /*linger=*/false);
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosed };

  struct RespondState {
    std::shared_ptr<Connection> conn;
    uint64_t seq;
    std::atomic<bool> called{false};

    RespondState(std::shared_ptr<Connection> c, uint64_t s) : conn(std::move(c)), seq(s) {}
    RespondState(const RespondState&) = delete;
    RespondState& operator=(const RespondState&) = delete;
    ~RespondState() {
      // The handler dropped respond() without calling it: answer for it.
      if (!called.load()) Send(PlainErrorResponse(500, "Internal Server Error"));
    }
    void Call(HttpResponse response) {
      if (called.exchange(true)) {
        ServerLog().warn("respond() called twice for one request; ignored");
        return;
      }
      Send(std::move(response));
    }
    // For the server's own fallback answer: silent when the handler already answered.
    void CallIfUnanswered(HttpResponse response) {
      if (!called.exchange(true)) Send(std::move(response));
    }
    void Send(HttpResponse response) {
      // dispatch: inline when the handler answers at once on the strand, posted otherwise.
      asio::dispatch(conn->executor(),
                     [c = conn, s = seq, r = std::move(response)]() mutable {
                       c->OnResponse(s, std::move(r));
                     });
    }
  };

  void ResetParser() {
    parser_.emplace();
    parser_->header_limit(server_->options_.max_header_bytes);
    parser_->body_limit(server_->options_.max_body_bytes);
  }

  // Keep-alive: wait up to idle_timeout for the next request's first bytes.
  void WaitIdle() {
    if (server_->stopped_.load()) return Close();
    if (buffer_.size() > 0) {  // pipelined bytes already here
      stream_.expires_after(server_->options_.request_timeout);
      return ReadHeader();
    }
    state_ = State::kIdle;
    stream_.expires_after(server_->options_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kIdleReadSize),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->OnIdleRead(ec, n);
                            });
  }

  void OnIdleRead(const error_code& ec, size_t n) {
    if (ec) return Close();
    buffer_.commit(n);
    if (server_->stopped_.load()) return Close();
    stream_.expires_after(server_->options_.request_timeout);
    ReadHeader();
  }

  void ReadHeader() {
    if (server_->stopped_.load()) return Close();
    state_ = State::kReading;
    ResetParser();
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](const error_code& ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  // Answers a read error: 4xx and close for a client mistake, silent close otherwise.
  void FailRead(const error_code& ec) {
    if (ec == http::error::header_limit) {
      return WriteError(431, "Request Header Fields Too Large");
    }
    if (ec == http::error::body_limit) return WriteError(413, "Payload Too Large");
    if (IsParseError(ec)) return WriteError(400, "Bad Request");
    Close();  // timeout, EOF, reset, aborted by Stop()
  }

  void OnHeader(const error_code& ec) {
    if (ec) return FailRead(ec);
    const auto& req = parser_->get();
    // No decompression here, ever: compressed bodies are refused (no gzip/brotli bombs).
    if (req.find(http::field::content_encoding) != req.end()) {
      return WriteError(415, "Unsupported Media Type");
    }
    // Only plain chunked transfer coding is understood (RFC 7230 3.3.1: 501 otherwise).
    auto te = req.find(http::field::transfer_encoding);
    if (te != req.end() && !beast::iequals(te->value(), "chunked")) {
      return WriteError(501, "Not Implemented");
    }
    // The parser already refuses a Content-Length over body_limit; keep the check explicit.
    if (parser_->content_length() && *parser_->content_length() > server_->options_.max_body_bytes) {
      return WriteError(413, "Payload Too Large");
    }
    if (!parser_->is_done() && beast::iequals(req[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](const error_code& ec, size_t) {
                                 if (ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, size_t) {
                       if (ec) return self->FailRead(ec);
                       self->Dispatch();
                     });
  }

  HttpRequest MakeRequest() {
    auto msg = parser_->release();
    parser_.reset();
    HttpRequest out;
    out.method = std::string(msg.method_string());
    out.target = std::string(msg.target());
    const std::string_view target = out.target;
    const size_t q = target.find('?');
    out.path = PercentDecode(target.substr(0, q));
    if (q != std::string_view::npos) out.query = ParseQuery(target.substr(q + 1));
    for (const auto& field : msg) {
      const std::string_view name = field.name_string();
      const std::string_view value = field.value();
      auto [it, inserted] = out.headers.try_emplace(std::string(name), value);
      if (!inserted) {  // repeated field: combine as RFC 9110 5.3 allows
        it->second.append(", ");
        it->second.append(value);
      }
    }
    out.body = std::move(msg.body());
    out.remote_addr = remote_addr_;
    return out;
  }

  void Dispatch() {
    // Read and decided before anything is handed over: after this the request is gone.
    request_keep_alive_ = parser_->keep_alive();
    version_ = parser_->get().version();
    head_ = parser_->get().method() == http::verb::head;
    stream_.expires_never();  // the handler may take its time; writing re-arms a deadline
    if (server_->stopped_.load()) {
      request_keep_alive_ = false;
      return WriteError(503, "Service Unavailable");
    }
    state_ = State::kHandling;
    ++seq_;
    ++server_->requests_in_flight_;
    HttpRequest request = MakeRequest();
    auto respond_state = std::make_shared<RespondState>(shared_from_this(), seq_);
    Respond respond = [respond_state](HttpResponse r) { respond_state->Call(std::move(r)); };
    try {
      server_->handler_(std::move(request), std::move(respond));
    } catch (const std::exception& e) {
      // Never echo exception text to the client (SECURITY.md).
      ServerLog().error("webhook handler threw: {}", e.what());
      respond_state->CallIfUnanswered(PlainErrorResponse(500, "Internal Server Error"));
    } catch (...) {
      ServerLog().error("webhook handler threw a non-standard exception");
      respond_state->CallIfUnanswered(PlainErrorResponse(500, "Internal Server Error"));
    }
    // `this` may already be writing (or closed) if the handler answered inline.
  }

  void WriteError(int status, std::string_view text) {
    parser_.reset();
    version_ = 11;
    head_ = false;
    Write(PlainErrorResponse(status, text), /*keep_alive=*/false, /*linger=*/true);
  }

  void Write(HttpResponse in, bool keep_alive, bool linger) {
    state_ = State::kWriting;
    int status = in.status;
    if (status < 200 || status > 599) {
      ServerLog().error("handler answered with invalid HTTP status {}; sending 500", status);
      status = 500;
      in = PlainErrorResponse(500, "Internal Server Error");
    }
    res_ = {};
    res_.version(version_ == 10 ? 10 : 11);
    res_.result(static_cast<unsigned>(status));
    res_.set(http::field::server, "linli");
    if (status != 204 && status != 304) {
      if (!in.content_type.empty() && !HasHeaderBreak(in.content_type)) {
        res_.set(http::field::content_type, in.content_type);
      }
      res_.body() = std::move(in.body);
    }
    for (auto& [name, value] : in.headers) {
      if (name.empty() || HasHeaderBreak(name) || HasHeaderBreak(value) ||
          beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
          beast::iequals(name, "connection")) {
        ServerLog().warn("dropping unsafe response header from handler");
        continue;
      }
      res_.insert(name, value);
    }
    res_.keep_alive(keep_alive);
    if (head_) {  // same headers as GET, no body
      res_.content_length(res_.body().size());
      res_.body().clear();
    } else {
      res_.prepare_payload();
    }
    keep_alive_after_write_ = keep_alive;
    linger_after_write_ = linger;
    // A reader that does not read must not hold the connection forever.
    stream_.expires_after(server_->options_.request_timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](const error_code& ec, size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(const error_code& ec) {
    res_ = {};
    if (ec) return Close();
    if (!keep_alive_after_write_) {
      if (linger_after_write_) return Linger();
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return Close();
    }
    WaitIdle();
  }

  // After an error response with unread request bytes: stop sending, read and discard a
  // bounded amount for a bounded time, then close.
  void Linger() {
    state_ = State::kClosed;
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    stream_.expires_after(kLingerTimeout);
    LingerRead();
  }

  void LingerRead() {
    stream_.async_read_some(buffer_.prepare(kIdleReadSize),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ >= kLingerMaxBytes) return self->Close();
                              self->LingerRead();
                            });
  }

  void Close() {
    state_ = State::kClosed;
    error_code ignored;
    stream_.socket().close(ignored);
    Release();
  }

  // Counts the connection as gone once its socket is closed, even while a late respond()
  // still holds the object.
  void Release() {
    if (released_) return;
    released_ = true;
    server_->Unregister(this);
    --server_->open_connections_;
  }

  const std::shared_ptr<Impl> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::string remote_addr_;
  State state_ = State::kReading;
  uint64_t seq_ = 0;
  unsigned version_ = 0;
  bool request_keep_alive_ = false;
  bool head_ = false;
  bool keep_alive_after_write_ = false;
  bool linger_after_write_ = false;
  size_t lingered_ = 0;
  bool released_ = false;
};

Status WebhookServer::Impl::Start() {
  if (started_.exchange(true)) return Status::FailedPrecondition("webhook server already started");
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  error_code ec;
  tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options_.port);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return Status::Unavailable("cannot resolve " + where + ": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return Status::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  ServerLog().debug("listening on {}:{}", options_.host, port_.load());
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
  return Status::Ok();
}

void WebhookServer::Impl::Accept() {
  if (stopped_.load()) return;
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](const error_code& ec, tcp::socket socket) {
                           self->OnAccept(ec, std::move(socket));
                         });
}

void WebhookServer::Impl::OnAccept(const error_code& ec, tcp::socket socket) {
  if (stopped_.load() || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE and friends: back off briefly instead of spinning on the error.
    ServerLog().warn("accept failed: {}", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([self = shared_from_this()](const error_code& wait_ec) {
      if (!wait_ec) self->Accept();
    });
    return;
  }
  if (open_connections_.load() >= static_cast<size_t>(std::max(options_.max_connections, 0))) {
    error_code ignored;
    socket.close(ignored);
  } else {
    auto conn = std::make_shared<Connection>(shared_from_this(), std::move(socket));
    asio::dispatch(conn->executor(), [conn] { conn->Start(); });
  }
  Accept();
}

void WebhookServer::Impl::Stop() {
  if (stopped_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live.reserve(connections_.size());
    for (Connection* c : connections_) {
      // Null when the connection is already being destroyed.
      if (auto sp = c->weak_from_this().lock()) live.push_back(std::move(sp));
    }
  }
  for (auto& c : live) {
    asio::post(c->executor(), [c] { c->OnStop(); });
  }
}

WebhookServer::WebhookServer(asio::io_context& io, WebhookServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(handler))) {}

WebhookServer::~WebhookServer() { impl_->Stop(); }

Status WebhookServer::Start() { return impl_->Start(); }

uint16_t WebhookServer::port() const { return impl_->port_.load(); }

void WebhookServer::Stop() { impl_->Stop(); }

size_t WebhookServer::open_connections() const { return impl_->open_connections_.load(); }

size_t WebhookServer::requests_in_flight() const { return impl_->requests_in_flight_.load(); }

}  // namespace linli
