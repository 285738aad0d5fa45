// HttplibClient against a real httplib::Server on loopback (STYLE.md 7).
#include "bot/server/httplib_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/fakes/fake_platform_server.h"

namespace linli::httplib_client_test {
namespace {

using namespace std::chrono_literals;

using testing::FakePlatformServer;
using testing::FakeRequest;
using testing::FakeResponse;

std::string Url(const FakePlatformServer& api, const std::string& path) {
  return api.base_url() + path;
}

FakeResponse Text(int status, std::string body) {
  FakeResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "text/plain";
  return r;
}

// A loopback port with nothing listening on it.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(ParseHttpUrlTest, AcceptsAbsoluteHttpUrls) {
  auto u = ParseHttpUrl("https://api.telegram.org/bot123:ABC/sendMessage?x=1");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.telegram.org");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/bot123:ABC/sendMessage?x=1");

  u = ParseHttpUrl("HTTP://127.0.0.1:8081");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->port, 8081);
  EXPECT_EQ(u->path, "/");

  u = ParseHttpUrl("http://[::1]:9000/a#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->path, "/a");

  u = ParseHttpUrl("http://example.com?q=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path, "/?q=1");
}

TEST(ParseHttpUrlTest, RejectsMalformedUrlsWithoutQuotingThem) {
  for (const char* bad :
       {"", "api.telegram.org/bot1/x", "ftp://h/x", "http://", "http:///secret", "http://h:/x",
        "http://h:0/x", "http://h:65536/x", "http://h:12a/x", "http://u:p@h/x", "http://h/a b",
        "http://h/a\r\nX: y", "http://[::1/x", "http://h_o st/x", "http://[]/x"}) {
    auto u = ParseHttpUrl(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(u.status().message().find("secret"), std::string::npos);
  }
}

TEST(HttplibClientTest, PostBodyRoundTrip) {
  FakePlatformServer api;
  std::mutex mu;
  std::string seen_path, seen_body, seen_type, seen_header, seen_agent;
  api.AddRoute({"POST", R"(/bot\d+:\w+/sendMessage)", nullptr, [&](const FakeRequest& req) {
                  std::lock_guard<std::mutex> lock(mu);
                  seen_path = req.path;
                  seen_body = req.body;
                  seen_type = req.header("Content-Type");
                  seen_header = req.header("X-Trace");
                  seen_agent = req.header("User-Agent");
                  FakeResponse res =
                      FakeResponse::Json(200, R"({"ok":true,"echo":)" + req.body + "}");
                  res.headers.emplace_back("X-Reply", "1");
                  return res;
                }});
  api.Start();
  HttplibClient client;
  HttpClientRequest req;
  req.url = Url(api, "/bot123:ABC/sendMessage");
  req.headers.emplace_back("X-Trace", "t-1");
  req.body = R"({"chat_id":1,"text":"你好"})";
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->content_type, "application/json");
  EXPECT_EQ(res->body, R"({"ok":true,"echo":{"chat_id":1,"text":"你好"}})");
  bool has_reply = false;
  for (const auto& [k, v] : res->headers) has_reply |= (k == "X-Reply" && v == "1");
  EXPECT_TRUE(has_reply);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen_path, "/bot123:ABC/sendMessage");
  EXPECT_EQ(seen_body, req.body);
  EXPECT_EQ(seen_type, "application/json");
  EXPECT_EQ(seen_header, "t-1");
  EXPECT_EQ(seen_agent, "linli");
}

TEST(HttplibClientTest, GetSendsQueryAsGiven) {
  FakePlatformServer api;
  std::string seen;
  api.AddRoute({"GET", "/gettoken", nullptr, [&](const FakeRequest& req) {
                  seen = req.param("corpsecret");
                  return FakeResponse::Json(200, "{}");
                }});
  api.Start();
  HttplibClient client;
  HttpClientRequest req;
  req.method = "GET";
  req.url = Url(api, "/gettoken?corpid=c&corpsecret=a%2Bb%26c");
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(seen, "a+b&c");
}

TEST(HttplibClientTest, ServerErrorIsAResponseNotAnError) {
  FakePlatformServer api;
  api.AddRoute({"POST", "/x", nullptr, [](const FakeRequest&) { return Text(500, "boom"); }});
  api.Start();
  HttplibClient client;
  HttpClientRequest req;
  req.url = Url(api, "/x");
  auto res = client.Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, "boom");
}

TEST(HttplibClientTest, ConnectionRefusedIsUnavailable) {
  HttplibClient client;
  HttpClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/bot123:SECRET/sendMessage";
  req.timeout = 1000ms;
  auto res = client.Send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable) << res.status().ToString();
  // The path carries the bot token: errors name the host only.
  EXPECT_EQ(res.status().message().find("SECRET"), std::string::npos);
  EXPECT_NE(res.status().message().find("127.0.0.1"), std::string::npos);
}

TEST(HttplibClientTest, SlowServerIsDeadlineExceeded) {
  FakePlatformServer api;
  api.AddRoute({"POST", "/slow", nullptr, [](const FakeRequest&) {
                  FakeResponse res = Text(200, "late");
                  res.delay = 700ms;
                  return res;
                }});
  api.Start();
  HttplibClient client;
  HttpClientRequest req;
  req.url = Url(api, "/slow");
  req.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto res = client.Send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kDeadlineExceeded) << res.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 650ms);
}

TEST(HttplibClientTest, BadUrlIsInvalidArgument) {
  HttplibClient client;
  HttpClientRequest req;
  req.url = "not a url";
  EXPECT_EQ(client.Send(req).status().code(), StatusCode::kInvalidArgument);
  req.url = "http://127.0.0.1:1/x";
  req.headers.emplace_back("X-Bad", "a\r\nInjected: 1");
  EXPECT_EQ(client.Send(req).status().code(), StatusCode::kInvalidArgument);
}

TEST(HttplibClientTest, OversizedResponseIsResourceExhausted) {
  FakePlatformServer api;
  api.AddRoute({"GET", "/big", nullptr,
                [](const FakeRequest&) { return Text(200, std::string(5000, 'x')); }});
  api.Start();
  HttplibClientOptions options;
  options.max_response_bytes = 1000;
  HttplibClient client(options);
  HttpClientRequest req;
  req.method = "GET";
  req.url = Url(api, "/big");
  auto res = client.Send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted) << res.status().ToString();
}

TEST(HttplibClientTest, ReusesKeepAliveConnectionsAndIsThreadSafe) {
  FakePlatformServer api;
  std::mutex mu;
  std::set<int> ports;
  std::atomic<int> calls{0};
  api.AddRoute({"POST", "/echo", nullptr, [&](const FakeRequest& req) {
                  {
                    std::lock_guard<std::mutex> lock(mu);
                    ports.insert(req.remote_port);
                  }
                  ++calls;
                  return Text(200, req.body);
                }});
  api.Start();
  HttplibClient client;
  // Sequential calls share one connection.
  for (int i = 0; i < 5; ++i) {
    HttpClientRequest req;
    req.url = Url(api, "/echo");
    req.body = "seq" + std::to_string(i);
    auto res = client.Send(req);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->body, req.body);
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(ports.size(), 1u);
  }
  // Concurrent calls each get their own answer.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        HttpClientRequest req;
        req.url = Url(api, "/echo");
        req.body = std::to_string(t) + "-" + std::to_string(i);
        auto res = client.Send(req);
        if (!res.ok() || res->body != req.body) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(calls.load(), 5 + 8 * 20);
}

}  // namespace
}  // namespace linli::httplib_client_test
