// The inbound server against real sockets on loopback, including hostile clients
// (SECURITY.md "The inbound HTTP server").
#include "bot/server/webhook_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace linli::webhook_server_test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers, lower-cased
  std::string body;
};

// A blocking POSIX client that sends exactly the bytes it is told to (hostile cases included).
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    // Sends never block a test for long, whatever the server does.
    timeval tv{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  // False when the server closed or reset the connection.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response with a Content-Length body; nullopt on close, reset or timeout.
  std::optional<RawResponse> ReadResponse(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    RawResponse r;
    r.head = Lower(buf_.substr(0, end + 2));
    if (r.head.rfind("http/1.", 0) != 0 || r.head.size() < 12) return std::nullopt;
    r.status = std::stoi(r.head.substr(9, 3));
    size_t length = 0;
    if (auto p = r.head.find("\r\ncontent-length:"); p != std::string::npos) {
      length = std::stoul(r.head.substr(p + 17));
    }
    buf_.erase(0, end + 4);
    while (buf_.size() < length) {
      if (!Fill(deadline)) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // Exactly `n` raw bytes (for 100 Continue).
  std::optional<std::string> ReadBytes(size_t n, std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = Clock::now() + timeout;
    while (buf_.size() < n) {
      if (!Fill(deadline)) return std::nullopt;
    }
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
  }

  // True when the server closes (EOF or reset) within `timeout`; data is discarded.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
      if (rc <= 0) continue;
      char tmp[4096];
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return true;
    }
  }

 private:
  bool Fill(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

// A server on 127.0.0.1:<ephemeral> with its io_context on its own thread.
class TestServer {
 public:
  TestServer(WebhookServerOptions options, WebhookServer::Handler handler)
      : work_(boost::asio::make_work_guard(io_)) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<WebhookServer>(io_, options, std::move(handler));
    const Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    thread_ = std::thread([this] {
      io_.run();
      ran_dry_ = true;
    });
  }
  ~TestServer() {
    server_->Stop();
    work_.reset();
    // Let the server wind down by itself; cut it short if a test left a client open.
    for (int i = 0; i < 100 && !ran_dry_; ++i) std::this_thread::sleep_for(10ms);
    io_.stop();
    thread_.join();
    server_.reset();
  }

  WebhookServer& server() { return *server_; }
  uint16_t port() const { return server_->port(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<WebhookServer> server_;
  std::thread thread_;
  std::atomic<bool> ran_dry_{false};
};

WebhookServer::Handler Echo() {
  return [](HttpRequest req, WebhookServer::Respond respond) {
    respond(HttpResponse::Text(200, req.method + " " + req.path + " " + req.body));
  };
}

// Runs `f` at scope exit. Tests keeping respond() callbacks declare one after their
// TestServer, so the callbacks die before the io_context they post to (the server's contract).
struct AtExit {
  std::function<void()> f;
  ~AtExit() { f(); }
};

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout = 3000ms) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

TEST(WebhookServerTest, PostGetsHandlersResponse) {
  std::promise<HttpRequest> seen;
  TestServer ts({}, [&](HttpRequest req, WebhookServer::Respond respond) {
    seen.set_value(req);
    HttpResponse r = HttpResponse::Json(201, R"({"ok":true})");
    r.headers.emplace_back("X-Test", "yes");
    respond(std::move(r));
  });
  RawClient c(ts.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("POST /webhook/tg HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: s3\r\n"
                     "X-Forwarded-For: 6.6.6.6\r\nREMOTE_ADDR: 6.6.6.6\r\n"
                     "Content-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"b c\"}"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_NE(r->head.find("\r\nserver: linli\r\n"), std::string::npos) << r->head;
  EXPECT_NE(r->head.find("\r\nx-test: yes\r\n"), std::string::npos) << r->head;
  EXPECT_NE(r->head.find("\r\ncontent-type: application/json\r\n"), std::string::npos);

  HttpRequest req = seen.get_future().get();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/webhook/tg");
  EXPECT_EQ(req.path, "/webhook/tg");
  EXPECT_TRUE(req.query.empty());
  EXPECT_EQ(req.body, R"({"a":"b c"})");
  EXPECT_EQ(req.Header("x-telegram-bot-api-secret-token"), "s3");
  EXPECT_EQ(req.Header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(req.Header("Host"), "x");
  // The peer address comes from the socket, never from a header (CVE-2025-66570).
  EXPECT_EQ(req.remote_addr, "127.0.0.1");
}

TEST(WebhookServerTest, GetDecodesPathAndQuery) {
  std::promise<HttpRequest> seen;
  TestServer ts({}, [&](HttpRequest req, WebhookServer::Respond respond) {
    seen.set_value(req);
    respond(HttpResponse::Text(200, "ok"));
  });
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("GET /wx/a%20b?signature=abc&echostr=1%2B2&nonce=x+y&name=%E4%BD%A0 HTTP/1.1\r\n"
                     "Host: x\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  HttpRequest req = seen.get_future().get();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.path, "/wx/a b");
  EXPECT_EQ(req.target, "/wx/a%20b?signature=abc&echostr=1%2B2&nonce=x+y&name=%E4%BD%A0");
  EXPECT_EQ(req.Query("signature"), "abc");
  EXPECT_EQ(req.Query("echostr"), "1+2");
  EXPECT_EQ(req.Query("nonce"), "x+y");  // '+' stays '+' (WeChat/WeCom)
  EXPECT_EQ(req.Query("name"), "\xE4\xBD\xA0");
  EXPECT_TRUE(req.body.empty());
}

TEST(WebhookServerTest, HandlerRespondsLaterFromAnotherThread) {
  std::mutex mu;
  std::vector<WebhookServer::Respond> pending;
  TestServer ts({}, [&](HttpRequest, WebhookServer::Respond respond) {
    std::lock_guard<std::mutex> lock(mu);
    pending.push_back(std::move(respond));
  });
  AtExit clear{[&] { pending.clear(); }};
  auto conn = std::make_unique<RawClient>(ts.port());
  RawClient& c = *conn;
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"));
  ASSERT_TRUE(WaitFor([&] { return ts.server().requests_in_flight() == 1; }));
  // Nothing is answered before respond() is called.
  EXPECT_FALSE(c.ReadResponse(100ms));
  WebhookServer::Respond respond;
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(pending.size(), 1u);
    respond = pending[0];
  }
  std::thread worker([respond] {
    std::this_thread::sleep_for(50ms);
    respond(HttpResponse::Text(202, "later"));
    respond(HttpResponse::Text(500, "twice"));  // a second answer is dropped
  });
  auto r = c.ReadResponse();
  worker.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "later");
  EXPECT_TRUE(WaitFor([&] { return ts.server().requests_in_flight() == 0; }));
  // The connection is still usable, and the dropped second answer did not leak into it.
  ASSERT_TRUE(c.Send("POST /y HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return pending.size() == 2;
  }));
  {
    std::lock_guard<std::mutex> lock(mu);
    pending[1](HttpResponse::Text(200, "second"));
  }
  r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "second");
  // An answer for a connection that died meanwhile is dropped silently.
  ASSERT_TRUE(c.Send("POST /z HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return pending.size() == 3;
  }));
  conn.reset();
  std::this_thread::sleep_for(50ms);
  {
    std::lock_guard<std::mutex> lock(mu);
    pending[2](HttpResponse::Text(200, "to nobody"));
    pending.clear();
  }
  EXPECT_TRUE(WaitFor([&] { return ts.server().open_connections() == 0; }));
  EXPECT_EQ(ts.server().requests_in_flight(), 0u);
  RawClient fresh(ts.port());
  ASSERT_TRUE(fresh.Send("POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return pending.size() == 1;
  }));
  {
    std::lock_guard<std::mutex> lock(mu);
    pending[0](HttpResponse::Text(200, "fresh"));
  }
  r = fresh.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "fresh");
}

TEST(WebhookServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  TestServer ts({}, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na"));
  auto r1 = c.ReadResponse();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->body, "POST /one a");
  EXPECT_EQ(r1->head.find("connection: close"), std::string::npos);
  ASSERT_TRUE(c.Send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb"));
  auto r2 = c.ReadResponse();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "POST /two b");
  EXPECT_EQ(ts.server().open_connections(), 1u);
}

TEST(WebhookServerTest, ConnectionCloseIsHonoured) {
  TestServer ts({}, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_NE(r->head.find("connection: close"), std::string::npos);
  EXPECT_TRUE(c.WaitClosed(2s));
}

TEST(WebhookServerTest, IdleKeepAliveConnectionIsClosed) {
  WebhookServerOptions o;
  o.idle_timeout = 200ms;
  TestServer ts(o, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.ReadResponse());
  const auto start = Clock::now();
  EXPECT_TRUE(c.WaitClosed(3s));
  EXPECT_GE(Clock::now() - start, 150ms);
}

TEST(WebhookServerTest, Expect100ContinueGetsContinue) {
  TestServer ts({}, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  EXPECT_EQ(c.ReadBytes(kContinue.size()), kContinue);
  ASSERT_TRUE(c.Send("abc"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /e abc");
}

TEST(WebhookServerTest, ContentLengthOverLimitGets413WithoutSendingBody) {
  WebhookServerOptions o;
  o.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  TestServer ts(o, [&](HttpRequest, WebhookServer::Respond respond) {
    ++calls;
    respond(HttpResponse::Text(200, "no"));
  });
  RawClient c(ts.port());
  // Only the header: the server must answer without waiting for the 100 kB body.
  ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  auto r = c.ReadResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->head.find("connection: close"), std::string::npos);
  EXPECT_TRUE(c.WaitClosed(3s));
  EXPECT_EQ(calls.load(), 0);
}

TEST(WebhookServerTest, ChunkedBodyWithinLimitIsAccepted) {
  WebhookServerOptions o;
  o.max_body_bytes = 1024;
  TestServer ts(o, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /c hello world");
}

TEST(WebhookServerTest, ChunkedBodyOverLimitIsRefused) {
  WebhookServerOptions o;
  o.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  TestServer ts(o, [&](HttpRequest, WebhookServer::Respond respond) {
    ++calls;
    respond(HttpResponse::Text(200, "no"));
  });
  RawClient c(ts.port());
  std::string req = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'z') + "\r\n";  // 2 KiB
  req += "0\r\n\r\n";
  c.Send(req);  // may fail half-way once the server gives up: fine
  auto r = c.ReadResponse(2s);
  if (r) {
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_TRUE(c.WaitClosed(3s));
  EXPECT_EQ(calls.load(), 0);
}

TEST(WebhookServerTest, UnterminatedChunkedBodyIsClosedAtRequestTimeout) {
  WebhookServerOptions o;
  o.request_timeout = 300ms;
  std::atomic<int> calls{0};
  TestServer ts(o, [&](HttpRequest, WebhookServer::Respond respond) {
    ++calls;
    respond(HttpResponse::Text(200, "no"));
  });
  RawClient c(ts.port());
  const auto start = Clock::now();
  ASSERT_TRUE(c.Send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  EXPECT_TRUE(c.WaitClosed(3s));
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(calls.load(), 0);
}

TEST(WebhookServerTest, ContentEncodingIsRefusedWith415) {
  std::atomic<int> calls{0};
  TestServer ts({}, [&](HttpRequest, WebhookServer::Respond respond) {
    ++calls;
    respond(HttpResponse::Text(200, "no"));
  });
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("POST /z HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_TRUE(c.WaitClosed(3s));
  EXPECT_EQ(calls.load(), 0);
}

TEST(WebhookServerTest, UnknownTransferEncodingIsRefused) {
  TestServer ts({}, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("POST /z HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 501);
  EXPECT_TRUE(c.WaitClosed(3s));
}

TEST(WebhookServerTest, TenThousandHeadersGet431OrClose) {
  std::atomic<int> calls{0};
  TestServer ts({}, [&](HttpRequest, WebhookServer::Respond respond) {
    ++calls;
    respond(HttpResponse::Text(200, "no"));
  });
  RawClient c(ts.port());
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 10000; ++i) req += "X-H" + std::to_string(i) + ": v\r\n";
  req += "\r\n";
  c.Send(req);
  auto r = c.ReadResponse(2s);
  if (r) {
    EXPECT_EQ(r->status, 431);
  }
  EXPECT_TRUE(c.WaitClosed(3s));
  EXPECT_EQ(calls.load(), 0);
}

TEST(WebhookServerTest, OneMebibyteHeaderLineGets431OrClose) {
  std::atomic<int> calls{0};
  TestServer ts({}, [&](HttpRequest, WebhookServer::Respond respond) {
    ++calls;
    respond(HttpResponse::Text(200, "no"));
  });
  RawClient c(ts.port());
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n";
  c.Send(req);
  auto r = c.ReadResponse(2s);
  if (r) {
    EXPECT_EQ(r->status, 431);
  }
  EXPECT_TRUE(c.WaitClosed(3s));
  EXPECT_EQ(calls.load(), 0);
}

TEST(WebhookServerTest, GarbageRequestLineGets400) {
  TestServer ts({}, Echo());
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("\x01\x02 garbage\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.WaitClosed(3s));

  RawClient c2(ts.port());
  ASSERT_TRUE(c2.Send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
  r = c2.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(WebhookServerTest, SlowClientsDoNotDelayOtherRequests) {
  WebhookServerOptions o;
  o.request_timeout = 10s;  // the trickling clients stay open for the whole test
  TestServer ts(o, Echo());
  constexpr int kSlow = 200;
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<RawClient>(ts.port()));
    ASSERT_TRUE(slow.back()->connected());
  }
  const std::string partial = "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    for (size_t pos = 0; pos < partial.size() && !done; ++pos) {
      for (auto& s : slow) s->Send(partial.substr(pos, 1));
      std::this_thread::sleep_for(20ms);
    }
  });
  ASSERT_TRUE(WaitFor([&] { return ts.server().open_connections() >= kSlow; }));
  std::this_thread::sleep_for(100ms);

  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    RawClient c(ts.port());
    ASSERT_TRUE(c.Send("POST /fast HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"));
    auto r = c.ReadResponse(2s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "POST /fast ok");
    EXPECT_LT(Clock::now() - start, 2s);
  }
  EXPECT_GE(ts.server().open_connections(), static_cast<size_t>(kSlow));
  done = true;
  trickler.join();
}

TEST(WebhookServerTest, RequestDeadlineClosesTricklingClient) {
  WebhookServerOptions o;
  o.request_timeout = 300ms;
  TestServer ts(o, Echo());
  RawClient c(ts.port());
  const std::string req = "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  const auto start = Clock::now();
  std::optional<Clock::duration> closed_after;
  // One byte every 30 ms: a per-byte timeout would never fire; the request deadline must.
  for (size_t i = 0; i < req.size() && Clock::now() - start < 3s; ++i) {
    if (!c.Send(req.substr(i, 1)) || c.WaitClosed(30ms)) {
      closed_after = Clock::now() - start;
      break;
    }
  }
  ASSERT_TRUE(closed_after) << "never closed";
  EXPECT_GE(*closed_after, 250ms);
  EXPECT_LT(*closed_after, 2s);
}

TEST(WebhookServerTest, SilentConnectionIsClosedAtRequestTimeout) {
  WebhookServerOptions o;
  o.request_timeout = 200ms;
  TestServer ts(o, Echo());
  RawClient c(ts.port());
  EXPECT_TRUE(c.WaitClosed(3s));
}

TEST(WebhookServerTest, StopLetsInFlightRequestFinish) {
  std::mutex mu;
  std::vector<WebhookServer::Respond> pending;
  TestServer ts({}, [&](HttpRequest req, WebhookServer::Respond respond) {
    if (req.path == "/quick") return respond(HttpResponse::Text(200, "quick"));
    std::lock_guard<std::mutex> lock(mu);
    pending.push_back(std::move(respond));
  });
  AtExit clear{[&] { pending.clear(); }};
  // An idle keep-alive connection, to be closed by Stop().
  RawClient idle(ts.port());
  ASSERT_TRUE(idle.Send("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.ReadResponse());
  // A connection with a request in flight.
  RawClient busy(ts.port());
  ASSERT_TRUE(busy.Send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx"));
  ASSERT_TRUE(WaitFor([&] { return ts.server().requests_in_flight() == 1; }));

  ts.server().Stop();
  ts.server().Stop();  // idempotent
  EXPECT_TRUE(idle.WaitClosed(2s));
  // New connections are no longer served.
  RawClient late(ts.port());
  if (late.connected()) {
    late.Send("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_FALSE(late.ReadResponse(500ms));
  }

  std::thread worker([&] {
    std::lock_guard<std::mutex> lock(mu);
    pending.at(0)(HttpResponse::Text(200, "finished"));
  });
  auto r = busy.ReadResponse();
  worker.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finished");
  EXPECT_NE(r->head.find("connection: close"), std::string::npos);
  EXPECT_TRUE(busy.WaitClosed(2s));
  EXPECT_TRUE(WaitFor([&] { return ts.server().open_connections() == 0; }));
  EXPECT_EQ(ts.server().requests_in_flight(), 0u);
}

TEST(WebhookServerTest, HandlerExceptionGivesGeneric500) {
  TestServer ts({}, [](HttpRequest, WebhookServer::Respond) {
    throw std::runtime_error("secret database path /var/lib/linli");
  });
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->head.find("secret"), std::string::npos);
  EXPECT_EQ(r->body.find("secret"), std::string::npos);
  EXPECT_EQ(ts.server().requests_in_flight(), 0u);
}

TEST(WebhookServerTest, DroppedRespondGives500) {
  TestServer ts({}, [](HttpRequest, WebhookServer::Respond) {});
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST(WebhookServerTest, UnsafeResponseHeadersAreDropped) {
  TestServer ts({}, [](HttpRequest, WebhookServer::Respond respond) {
    HttpResponse r = HttpResponse::Text(200, "ok");
    r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=y");
    r.headers.emplace_back("Content-Length", "999");
    r.headers.emplace_back("X-Fine", "1");
    respond(std::move(r));
  });
  RawClient c(ts.port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(r->head.find("set-cookie"), std::string::npos);
  EXPECT_EQ(r->head.find("x-evil"), std::string::npos);
  EXPECT_NE(r->head.find("x-fine: 1"), std::string::npos);
}

TEST(WebhookServerTest, ConnectionsBeyondMaxAreClosedAtOnce) {
  WebhookServerOptions o;
  o.max_connections = 2;
  TestServer ts(o, Echo());
  RawClient a(ts.port());
  RawClient b(ts.port());
  ASSERT_TRUE(WaitFor([&] { return ts.server().open_connections() == 2; }));
  RawClient c(ts.port());
  EXPECT_TRUE(c.WaitClosed(2s));
  // The admitted ones still work.
  ASSERT_TRUE(a.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = a.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /a ");
}

TEST(WebhookServerTest, StartFailsWhenPortIsTaken) {
  TestServer ts({}, Echo());
  boost::asio::io_context io;
  WebhookServerOptions o;
  o.port = ts.port();
  WebhookServer second(io, o, Echo());
  const Status st = second.Start();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find(std::to_string(ts.port())), std::string::npos) << st.message();
}

}  // namespace
}  // namespace linli::webhook_server_test
