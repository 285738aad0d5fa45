// The fake platform server base itself, with a raw cpp-httplib client.
#include "tests/fakes/fake_platform_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace linli::testing::fake_platform_server_test {
namespace {

using namespace std::chrono_literals;

FakeResponse Echo(const FakeRequest& req) {
  return FakeResponse::Json(200, R"({"path":")" + req.path + R"("})");
}

httplib::Client ClientFor(const FakePlatformServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  return client;
}

TEST(FakePlatformServerTest, RecordsMethodPathQueryHeadersBodyAndMatches) {
  FakePlatformServer server;
  server.AddRoute({"POST", R"(/items/([0-9]+)/send)", nullptr, Echo});
  server.Start();
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()));
  auto client = ClientFor(server);
  auto r = client.Post("/items/42/send?kind=a%2Bb&x=1", {{"X-Trace", "t-1"}}, R"({"n":1})",
                       "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"path":"/items/42/send"})");
  ASSERT_TRUE(server.WaitForRequests(1, 1s));
  const auto ex = server.exchanges();
  ASSERT_EQ(ex.size(), 1u);
  const FakeRequest& req = ex[0].request;
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, "/items/42/send");
  EXPECT_EQ(req.param("kind"), "a+b");
  EXPECT_EQ(req.param("x"), "1");
  EXPECT_EQ(req.param("missing"), "");
  EXPECT_EQ(req.header("x-trace"), "t-1");  // case-insensitive
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.body, R"({"n":1})");
  EXPECT_EQ(req.json["n"], 1);
  ASSERT_EQ(req.matches.size(), 2u);
  EXPECT_EQ(req.matches[1], "42");
  EXPECT_GT(req.remote_port, 0);
  EXPECT_EQ(ex[0].response.status, 200);
  EXPECT_EQ(ex[0].answered_by, FakeExchange::AnsweredBy::kRoute);
}

TEST(FakePlatformServerTest, NonJsonBodyIsDiscarded) {
  FakePlatformServer server;
  server.AddRoute({"POST", "/x", nullptr, Echo});
  server.Start();
  auto client = ClientFor(server);
  ASSERT_TRUE(client.Post("/x", "not json", "text/plain"));
  ASSERT_TRUE(server.WaitForRequests(1, 1s));
  EXPECT_TRUE(server.exchanges()[0].request.json.is_discarded());
}

TEST(FakePlatformServerTest, AuthorizeRefusesWithoutConsumingScripts) {
  FakePlatformServer server;
  server.AddRoute({"POST", "/send",
                   [](const FakeRequest& req) -> std::optional<FakeResponse> {
                     if (req.param("token") == "good") return std::nullopt;
                     return FakeResponse::Json(401, "{}");
                   },
                   Echo});
  server.Start();
  server.FailNext("/send", 2, FakeResponse::Json(503, R"({"busy":true})"));
  auto client = ClientFor(server);
  std::vector<int> statuses;
  for (const char* token : {"bad", "good", "bad", "good", "good"}) {
    auto r = client.Post((std::string("/send?token=") + token).c_str(), "{}", "application/json");
    ASSERT_TRUE(r);
    statuses.push_back(r->status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{401, 503, 401, 503, 200}));
  EXPECT_EQ(server.Count([](const FakeExchange& e) { return e.refused(); }), 2u);
  EXPECT_EQ(server.Count([](const FakeExchange& e) {
    return e.answered_by == FakeExchange::AnsweredBy::kScript;
  }),
            2u);
  EXPECT_EQ(server.exchange_count(), 5u);
}

TEST(FakePlatformServerTest, ScriptsArePerPathAndPersistentUntilCleared) {
  FakePlatformServer server;
  server.AddRoute({"GET", "/a", nullptr, Echo});
  server.AddRoute({"GET", "/b", nullptr, Echo});
  server.Start();
  FakeResponse teapot = FakeResponse::Json(418, "{}");
  teapot.headers.emplace_back("X-Script", "1");
  server.Script("/a", teapot);
  auto client = ClientFor(server);
  auto a1 = client.Get("/a");
  auto b = client.Get("/b");
  auto a2 = client.Get("/a");
  ASSERT_TRUE(a1 && b && a2);
  EXPECT_EQ(a1->status, 418);
  EXPECT_EQ(a1->get_header_value("X-Script"), "1");
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(a2->status, 418);
  server.ClearScript("/a");
  auto a3 = client.Get("/a");
  ASSERT_TRUE(a3);
  EXPECT_EQ(a3->status, 200);
}

TEST(FakePlatformServerTest, ScriptedDelayAndServerDelay) {
  FakePlatformServer server;
  server.AddRoute({"GET", "/slow", nullptr, Echo});
  server.Start();
  FakeResponse slow = FakeResponse::Json(200, "{}");
  slow.delay = 300ms;
  server.FailNext("/slow", 1, slow);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(0, 100 * 1000);  // 100 ms
  EXPECT_FALSE(client.Get("/slow"));       // the scripted answer comes too late
  auto fast = ClientFor(server).Get("/slow");
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->status, 200);

  server.SetResponseDelay(300ms);
  EXPECT_FALSE(client.Get("/slow"));
  server.SetResponseDelay(0ms);
  EXPECT_TRUE(ClientFor(server).Get("/slow"));
}

TEST(FakePlatformServerTest, ThrowingHandlerAnswersTheErrorBody) {
  FakePlatformServer server({.name = "T", .error_body = R"({"oops":1})"});
  server.AddRoute({"GET", "/boom", nullptr,
                   [](const FakeRequest&) -> FakeResponse { throw std::runtime_error("boom"); }});
  server.Start();
  auto r = ClientFor(server).Get("/boom");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"oops":1})");
  EXPECT_EQ(r->get_header_value("EXCEPTION_WHAT"), "");
}

TEST(FakePlatformServerTest, WaitForFilteredRequestsAndTimeouts) {
  FakePlatformServer server;
  server.AddRoute({"GET", "/a", nullptr, Echo});
  server.AddRoute({"GET", "/b", nullptr, Echo});
  server.Start();
  EXPECT_FALSE(server.WaitForRequests(1, 30ms));
  const auto is_b = [](const FakeExchange& e) { return e.request.path == "/b"; };
  std::thread t([&] {
    auto client = ClientFor(server);
    client.Get("/a");
    client.Get("/a");
    client.Get("/b");
  });
  EXPECT_TRUE(server.WaitForRequests(1, is_b, 5s));
  t.join();
  EXPECT_FALSE(server.WaitForRequests(2, is_b, 30ms));
  EXPECT_EQ(server.exchanges(is_b).size(), 1u);
  EXPECT_EQ(server.Count(is_b), 1u);
  EXPECT_EQ(server.exchange_count(), 3u);
}

TEST(FakePlatformServerTest, ManyConcurrentKeepAliveClients) {
  FakePlatformServer server;
  server.AddRoute({"POST", "/x", nullptr, Echo});
  server.Start();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int i = 0; i < kPerThread; ++i) {
        auto r = client.Post("/x", "{}", "application/json");
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(server.exchange_count(), static_cast<size_t>(kThreads * kPerThread));
  // Keep-alive holds past cpp-httplib's default of 5 requests per connection.
  std::set<int> ports;
  for (const auto& e : server.exchanges()) ports.insert(e.request.remote_port);
  EXPECT_EQ(ports.size(), static_cast<size_t>(kThreads));
}

TEST(FakePlatformServerTest, StopIsIdempotentAndRefusesAfterwards) {
  FakePlatformServer never_started;
  never_started.Stop();
  FakePlatformServer server;
  server.AddRoute({"GET", "/a", nullptr, Echo});
  server.Start();
  const int port = server.port();
  server.Stop();
  server.Stop();
  EXPECT_EQ(server.port(), port);
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  EXPECT_FALSE(client.Get("/a"));
}

}  // namespace
}  // namespace linli::testing::fake_platform_server_test
