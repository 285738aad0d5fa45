// bot/server/metrics_route.h: who gets /metrics (a loopback peer, or the admin key through the
// route table; strangers 404 or 401, and a stranger's POST learns nothing either), the scrape
// on the blocking pool with the database gauges read through a reader connection, and the
// gauges' pure assembly (every channel, state and tier listed; absent when unreadable).
#include "bot/server/metrics_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>

#include "bot/server/blocking_pool.h"
#include "bot/server/server_metrics.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "tests/fakes/fake_clock.h"

namespace linli::metrics_route_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "metrics-route-key-0123456789";

TEST(IsLoopbackPeerTest, AcceptsLoopbackOnly) {
  EXPECT_TRUE(IsLoopbackPeer("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackPeer("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackPeer("::1"));
  EXPECT_TRUE(IsLoopbackPeer("::ffff:127.0.0.1"));
  EXPECT_FALSE(IsLoopbackPeer(""));
  EXPECT_FALSE(IsLoopbackPeer("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackPeer("::ffff:10.0.0.1"));
  EXPECT_FALSE(IsLoopbackPeer("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackPeer("127.0.0.1.evil"));
  EXPECT_FALSE(IsLoopbackPeer("127.example.org"));
  EXPECT_FALSE(IsLoopbackPeer("fe80::1"));
}

TEST(DatabaseGaugesTest, ListsEveryChannelStateAndTier) {
  const auto families = DatabaseGauges(
      {"console", "tg"}, std::vector<storage::OutboxDepth>{{"failed", "tg", 2}, {"pending", "gone", 1}},
      std::vector<storage::OpenTicketCount>{{"new", "compound", 3, 1}, {"escalated", "street", 1, 1}});
  const std::string text = metrics::Render(families);
  EXPECT_THAT(text, HasSubstr("# TYPE linli_outbox_messages gauge\n"));
  EXPECT_THAT(text, HasSubstr("linli_outbox_messages{status=\"failed\",channel=\"tg\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("linli_outbox_messages{status=\"deferred\",channel=\"console\"} 0\n"));
  // A channel no longer configured still shows what it has left.
  EXPECT_THAT(text, HasSubstr("linli_outbox_messages{status=\"pending\",channel=\"gone\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_tickets_open{state=\"new\",tier=\"compound\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("linli_tickets_open{state=\"reopened\",tier=\"community\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("state=\"closed\"")));
  EXPECT_THAT(text, HasSubstr("linli_tickets_overdue{tier=\"compound\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_tickets_overdue{tier=\"community\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("linli_tickets_overdue{tier=\"street\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("linli_metrics_database_up 1\n"));
  // 7 open states x 3 tiers.
  size_t open_lines = 0;
  for (size_t at = text.find("\nlinli_tickets_open{"); at != std::string::npos;
       at = text.find("\nlinli_tickets_open{", at + 1)) {
    ++open_lines;
  }
  EXPECT_EQ(open_lines, 21u);
}

TEST(DatabaseGaugesTest, UnreadableDatabaseLeavesTheGaugesOut) {
  const std::string text = metrics::Render(DatabaseGauges({"tg"}, std::nullopt, std::nullopt));
  EXPECT_THAT(text, Not(HasSubstr("linli_outbox_messages")));
  EXPECT_THAT(text, Not(HasSubstr("linli_tickets_open")));
  EXPECT_THAT(text, HasSubstr("linli_metrics_database_up 0\n"));
}

class MetricsRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/linli_metrics_route_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    options_.sqlite.path = dir_ + "/linli.db";
    auto opened = storage::OpenDatabase(options_);  // creates and migrates the file
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    writer_ = std::move(opened->db);
  }
  void TearDown() override {
    pool_.Stop();
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }

  RouteTable Table(const config::MetricsConfig& config, std::vector<config::AdminApiKey> keys = {}) {
    std::vector<Route> routes;
    auto route = MetricsRoute(config, MetricsSource{metrics_, clock_, options_, &pool_});
    if (route) routes.push_back(std::move(*route));
    auto table = RouteTable::Create(std::move(routes), std::move(keys));
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return std::move(table).value();
  }

  static HttpResponse Call(const RouteTable& table, std::string method, std::string peer,
                           std::string auth = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = r.target = "/metrics";
    r.remote_addr = std::move(peer);
    if (!auth.empty()) r.headers["Authorization"] = auth;
    std::promise<HttpResponse> answer;
    auto got = answer.get_future();
    table.Dispatch(std::move(r), [&answer](HttpResponse resp) { answer.set_value(std::move(resp)); });
    return got.get();
  }

  std::string dir_;
  storage::DatabaseOptions options_;
  std::unique_ptr<storage::Database> writer_;
  testing::FakeClock clock_;
  ServerMetrics metrics_{{"tg"}};
  BlockingPool pool_{1};
};

TEST_F(MetricsRouteTest, LoopbackPeerGetsTheTextFormatOthers404) {
  OutboundMessage m;
  m.to = {"tg", "u1", "u1", ChatType::kPrivate};
  m.text = "hello";
  ASSERT_TRUE(storage::OutboxStore::Enqueue(*writer_, m, clock_.NowMillis()).ok());
  ASSERT_TRUE(writer_->Exec("UPDATE outbox SET status = 'failed'").ok());
  metrics_.ForWebhook("tg").Answered(200);
  const RouteTable table = Table(config::MetricsConfig{});
  const HttpResponse ok = Call(table, "GET", "127.0.0.1");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, kMetricsContentType);
  EXPECT_THAT(ok.body, HasSubstr("linli_webhooks_total{channel=\"tg\",status=\"200\"} 1\n"));
  EXPECT_THAT(ok.body, HasSubstr("linli_outbox_messages{status=\"failed\",channel=\"tg\"} 1\n"));
  EXPECT_THAT(ok.body, HasSubstr("linli_metrics_database_up 1\n"));
  EXPECT_EQ(Call(table, "GET", "::1").status, 200);

  const HttpResponse stranger = Call(table, "GET", "192.0.2.7");
  EXPECT_EQ(stranger.status, 404);
  EXPECT_THAT(stranger.body, Not(HasSubstr("linli_")));
  EXPECT_EQ(Call(table, "POST", "192.0.2.7").status, 404);  // not 405: nothing is told
  EXPECT_EQ(Call(table, "POST", "127.0.0.1").status, 405);
  // A loopback-only endpoint ignores any bearer key: the peer decides.
  EXPECT_EQ(Call(table, "GET", "192.0.2.7", std::string("Bearer ") + kKey).status, 404);
}

TEST_F(MetricsRouteTest, AdminKeyAccessChecksTheKeyFromAnywhere) {
  config::MetricsConfig config;
  config.access = "admin_key";
  const RouteTable table = Table(config, {{"prom", kKey, "street"}});
  EXPECT_EQ(Call(table, "GET", "192.0.2.7").status, 401);
  EXPECT_EQ(Call(table, "GET", "127.0.0.1").status, 401);  // loopback is no key
  EXPECT_EQ(Call(table, "GET", "192.0.2.7", "Bearer wrong-key-0123456789abcdef").status, 401);
  const HttpResponse ok = Call(table, "GET", "192.0.2.7", std::string("Bearer ") + kKey);
  EXPECT_EQ(ok.status, 200);
  EXPECT_THAT(ok.body, HasSubstr("# TYPE linli_webhooks_total counter\n"));
}

TEST_F(MetricsRouteTest, DisabledHasNoRow) {
  config::MetricsConfig config;
  config.enabled = false;
  EXPECT_FALSE(MetricsRoute(config, MetricsSource{metrics_, clock_, options_, &pool_}).has_value());
  EXPECT_EQ(Call(Table(config), "GET", "127.0.0.1").status, 404);
}

TEST_F(MetricsRouteTest, UnreadableDatabaseStillServesTheCounters) {
  options_.sqlite.path = ":memory:";  // no second reader for that
  const HttpResponse r = Call(Table(config::MetricsConfig{}), "GET", "127.0.0.1");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("linli_metrics_database_up 0\n"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE linli_webhooks_total counter\n"));
}

TEST_F(MetricsRouteTest, StoppedPoolAnswers503) {
  pool_.Stop();
  const HttpResponse r = Call(Table(config::MetricsConfig{}), "GET", "127.0.0.1");
  EXPECT_EQ(r.status, 503);
}

}  // namespace
}  // namespace linli::metrics_route_test
