// GET /metrics end to end (issue 13 point 9): the real App on loopback with the fake Telegram
// Bot API (and a WeChat channel whose closed reply window defers a push), driven through
// webhooks that succeed, a bad signature, a webhook for an unknown channel, a report that
// creates a ticket, sends the platform refuses (403 for good, 500 once), a deferred push, a
// ticket past its SLA and scheduled jobs - one of them failing on a hidden table - and then
// read through /metrics, checking that every family moved by what was done (not only that it
// is there), that the text is well-formed exposition format, and who may read it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "bot/server/metrics_route.h"
#include "bot/server/outbox.h"
#include "storage/outbox_store.h"
#include "storage/write_queue.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::metrics_e2e_test {
namespace {

using ::testing::HasSubstr;
using testing::FakeClock;

constexpr int64_t kResident = 5560001;
constexpr int64_t kBlocked = 5560002;
constexpr int64_t kFlaky = 5560003;
constexpr char kWxUser[] = "oMetricsResident000000000001";
constexpr char kAdminToken[] = "metrics-e2e-admin-token-0123456789";

// One scrape, parsed: every sample by its name and labels as written
// ("linli_webhooks_total{channel=\"tg\",status=\"200\"}"). Checks the format on the way:
// each line is a HELP, a TYPE or a sample; a sample follows its family's TYPE; no series twice.
struct Scrape {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram
  std::vector<std::string> errors;

  // The sample's value, or -1 when it is absent.
  double operator[](const std::string& series) const {
    auto it = samples.find(series);
    return it == samples.end() ? -1 : it->second;
  }
};

Scrape Parse(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\})? (\S+)$)");
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
  Scrape s;
  std::istringstream in(text);
  std::string line;
  std::string current;  // the family of the last TYPE line
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kType)) {
      current = m[1];
      if (!s.types.emplace(current, m[2]).second) s.errors.push_back("TYPE twice: " + line);
    } else if (std::regex_match(line, kHelp)) {
      continue;
    } else if (std::regex_match(line, m, kSample)) {
      std::string name = m[1];
      const std::string& type = s.types[current];
      bool belongs = name == current;
      if (type == "histogram") {
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
          if (name == current + suffix) belongs = true;
        }
      }
      if (!belongs) s.errors.push_back("sample outside its family: " + line);
      if (type == "counter" && current.size() > 6 &&
          current.compare(current.size() - 6, 6, "_total") != 0) {
        s.errors.push_back("counter without _total: " + current);
      }
      const std::string key = name + std::string(m[2]);
      if (!s.samples.emplace(key, std::stod(m[7])).second) s.errors.push_back("twice: " + key);
    } else {
      s.errors.push_back("not exposition format: " + line);
    }
  }
  return s;
}

std::string Webhooks(const std::string& channel, const std::string& status) {
  return "linli_webhooks_total{channel=\"" + channel + "\",status=\"" + status + "\"}";
}

class MetricsE2eTest : public ::testing::Test {
 protected:
  void Start(const std::function<void(config::Config&)>& more = {}) {
    ASSERT_TRUE(h_.StartApp(AppOptions{&clock_}, [&](config::Config& c) {
      config::ChannelConfig w;  // sends only here: the reply window is closed, so it defers
      w.name = "wx";
      w.type = "wechat_mp";
      w.api_base = h_.api().api_base();
      w.fields = {{"token", "metricsToken2026"},
                  {"app_id", "wx1234567890abcdef"},
                  {"app_secret", "wx-app-secret"},
                  {"encoding_aes_key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"},
                  {"mode", "safe"}};
      c.channels.push_back(w);
      if (more) more(c);
    }));
  }

  Scrape Read() {
    const HttpResult r = h_.Get("/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, kMetricsContentType);
    Scrape s = Parse(r.body);
    EXPECT_TRUE(s.errors.empty()) << ::testing::PrintToString(s.errors);
    return s;
  }

  // Polls /metrics until `series` reads `value` (the outbox and the scheduler record their
  // outcomes asynchronously).
  Scrape ReadUntil(const std::string& series, double value) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    Scrape s = Read();
    while (s[series] != value && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      s = Read();
    }
    EXPECT_EQ(s[series], value) << series;
    return s;
  }

  // A text to the bot whose reply arrives (the webhook answered 200).
  void Say(int64_t user, const std::string& text) {
    ASSERT_EQ(h_.SendText(user, text), 200) << text;
    ++ok_webhooks_;
  }
  void SayAndWait(int64_t user, const std::string& text) {
    Say(user, text);
    ASSERT_FALSE(h_.NextReplyText(user).empty()) << "no reply to " << text;
  }

  Status RenameTable(const std::string& from, const std::string& to) {
    auto db = h_.OpenDb();
    if (!db) return Status::Internal("no db");
    return db->Exec("ALTER TABLE " + from + " RENAME TO " + to);
  }

  FakeClock clock_;
  Harness h_;
  int ok_webhooks_ = 0;
};

TEST_F(MetricsE2eTest, EveryFamilyMovesWithWhatTheServerDid) {
  Start();
  // The jobs' start-up runs (every job never ran) settle first.
  Scrape s0 = ReadUntil("linli_job_runs_total{job_name=\"inbox-prune\"}", 1);
  s0 = ReadUntil("linli_job_runs_total{job_name=\"tickets\"}", 1);
  EXPECT_EQ(s0["linli_job_failures_total{job_name=\"inbox-prune\"}"], 0);
  EXPECT_EQ(s0[Webhooks("tg", "200")], -1);  // nothing answered yet
  EXPECT_EQ(s0["linli_turn_duration_seconds_count{channel=\"tg\"}"], 0);
  EXPECT_EQ(s0["linli_tickets_open{state=\"new\",tier=\"compound\"}"], 0);
  EXPECT_EQ(s0["linli_outbox_messages{status=\"failed\",channel=\"tg\"}"], 0);
  EXPECT_EQ(s0["linli_metrics_database_up"], 1);

  // ---- a report that creates ticket #1 (numbered category, no buttons needed)
  for (const char* text : {"报事", "2", "3号楼2单元", "楼道灯坏了", "跳过"}) {
    SayAndWait(kResident, text);
    if (HasFatalFailure()) return;
  }
  Say(kResident, "1");
  EXPECT_THAT(h_.NextReplyText(kResident), HasSubstr("#1"));

  // ---- the webhook server's other answers
  const HttpResult forged = h_.Post("/webhook/tg", h_.TextUpdate(kResident, "你好").dump(),
                                    {{kSecretHeader, "not-the-secret"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(h_.Post("/webhook/nope", "{}", {}).status, 404);

  // ---- a send the platform refuses for good (Telegram 403: blocked by the user)
  h_.api().FailNext("sendMessage", 1, 403,
                    R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  Say(kBlocked, "帮助");
  ReadUntil("linli_outbox_dead_letters_total{channel=\"tg\"}", 1);
  // ---- and one it refuses once (500), then takes
  h_.api().FailNextWith500("sendMessage", 1);
  Say(kFlaky, "帮助");
  ReadUntil("linli_platform_errors_total{platform=\"telegram\",code=\"500\"}", 1);
  clock_.Advance(1s);  // past the retry's backoff (the outbox reads the fake clock)
  h_.app().outbox().Notify();
  ASSERT_FALSE(h_.NextReplyText(kFlaky).empty()) << "the retried reply";

  // ---- a push to WeChat outside its reply window: deferred
  OutboundMessage push;
  push.to = {"wx", kWxUser, kWxUser, ChatType::kPrivate};
  push.text = "您的报事 #1 处理中";
  ASSERT_TRUE(h_.app()
                  .write_queue()
                  .Run([&](storage::Database& db) {
                    return storage::OutboxStore::Enqueue(db, push, clock_.NowMillis()).status();
                  })
                  .ok());
  h_.app().outbox().Notify();
  ReadUntil("linli_outbox_deferred_total{channel=\"wx\"}", 1);
  // The outcome is counted when the send returns, the row's status when its record commits.
  ReadUntil("linli_outbox_messages{status=\"failed\",channel=\"tg\"}", 1);
  Scrape s2 = ReadUntil("linli_outbox_messages{status=\"deferred\",channel=\"wx\"}", 1);
  EXPECT_EQ(s2["linli_outbox_deferred_total{channel=\"wx\"}"], 1);

  EXPECT_EQ(s2[Webhooks("tg", "200")], ok_webhooks_);
  EXPECT_EQ(s2[Webhooks("tg", "401")], 1);
  EXPECT_EQ(s2[Webhooks("(unknown)", "404")], 1);
  // Only webhooks that carried a turn are timed: the 401 and the 404 are not.
  EXPECT_EQ(s2["linli_turn_duration_seconds_count{channel=\"tg\"}"], ok_webhooks_);
  EXPECT_EQ(s2["linli_turn_duration_seconds_bucket{channel=\"tg\",le=\"+Inf\"}"], ok_webhooks_);
  EXPECT_GT(s2["linli_turn_duration_seconds_sum{channel=\"tg\"}"], 0);
  EXPECT_LE(s2["linli_turn_duration_seconds_bucket{channel=\"tg\",le=\"0.001\"}"],
            s2["linli_turn_duration_seconds_bucket{channel=\"tg\",le=\"10\"}"]);
  EXPECT_EQ(s2["linli_platform_errors_total{platform=\"telegram\",code=\"403\"}"], 1);
  EXPECT_EQ(s2["linli_platform_errors_total{platform=\"telegram\",code=\"500\"}"], 1);
  EXPECT_EQ(s2["linli_outbox_dead_letters_total{channel=\"tg\"}"], 1);  // the 500 was retried
  EXPECT_EQ(s2["linli_outbox_dead_letters_total{channel=\"wx\"}"], 0);
  EXPECT_EQ(s2["linli_outbox_deferred_total{channel=\"tg\"}"], 0);
  EXPECT_EQ(s2["linli_outbox_messages{status=\"failed\",channel=\"tg\"}"], 1);
  EXPECT_EQ(s2["linli_outbox_messages{status=\"deferred\",channel=\"wx\"}"], 1);
  EXPECT_EQ(s2["linli_outbox_messages{status=\"pending\",channel=\"tg\"}"], 0);
  EXPECT_EQ(s2["linli_tickets_open{state=\"new\",tier=\"compound\"}"], 1);
  EXPECT_EQ(s2["linli_tickets_overdue{tier=\"compound\"}"], 0);

  // ---- the write queue: one batch-size and one commit observation per transaction. The
  // outbox polls through the queue meanwhile, so the scrape is bracketed by the queue's own
  // count of commits, and a batch may be between its two observations (+1).
  {
    const uint64_t before = h_.app().write_queue().commits();
    Scrape w = Read();
    const uint64_t after = h_.app().write_queue().commits();
    const double commits = w["linli_write_queue_commit_seconds_count"];
    EXPECT_GE(commits, static_cast<double>(before));
    EXPECT_LE(commits, static_cast<double>(after) + 1);
    EXPECT_GE(commits, ok_webhooks_);  // at least one commit per turn (they came one by one)
    const double batches = w["linli_write_queue_batch_units_count"];  // none failed so far
    EXPECT_GE(batches, commits);
    EXPECT_LE(batches, commits + 1);
    EXPECT_GE(w["linli_write_queue_batch_units_sum"], batches);
    EXPECT_EQ(w["linli_write_queue_commit_seconds_bucket{le=\"+Inf\"}"], commits);
    EXPECT_GT(w["linli_write_queue_commit_seconds_sum"], 0);
  }

  // ---- SLA: a day later ticket #1 is past its accept deadline (24 h) until the job escalates
  clock_.Advance(25h);
  Scrape s3 = Read();
  EXPECT_EQ(s3["linli_tickets_overdue{tier=\"compound\"}"], 1);
  // The jobs run; the inbox-prune job finds its table gone and fails (its period is retried).
  ASSERT_TRUE(RenameTable("inbox", "inbox_hidden").ok());
  EXPECT_FALSE(h_.app().RunDueJobs().ok());
  ASSERT_TRUE(RenameTable("inbox_hidden", "inbox").ok());
  auto again = h_.app().RunDueJobs();  // now it runs its period
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Scrape s4 = ReadUntil("linli_job_runs_total{job_name=\"inbox-prune\"}", 2);
  EXPECT_EQ(s4["linli_job_failures_total{job_name=\"inbox-prune\"}"], 1);
  EXPECT_EQ(s4["linli_job_runs_total{job_name=\"tickets\"}"], 2);
  EXPECT_EQ(s4["linli_job_failures_total{job_name=\"tickets\"}"], 0);
  // The tickets job escalated #1 to the community with new deadlines.
  EXPECT_EQ(s4["linli_tickets_open{state=\"new\",tier=\"compound\"}"], 0);
  EXPECT_EQ(s4["linli_tickets_open{state=\"escalated\",tier=\"community\"}"], 1);
  EXPECT_EQ(s4["linli_tickets_overdue{tier=\"compound\"}"], 0);
  EXPECT_EQ(s4["linli_tickets_overdue{tier=\"community\"}"], 0);
  // Every family of server_metrics.h and metrics_route.h was in the scrape.
  for (const char* family :
       {"linli_webhooks_total", "linli_turn_duration_seconds", "linli_write_queue_batch_units",
        "linli_write_queue_commit_seconds", "linli_outbox_deferred_total",
        "linli_outbox_dead_letters_total", "linli_platform_errors_total", "linli_job_runs_total",
        "linli_job_failures_total", "linli_outbox_messages", "linli_tickets_open",
        "linli_tickets_overdue", "linli_metrics_database_up"}) {
    EXPECT_EQ(s4.types.count(family), 1u) << family;
  }
}

TEST_F(MetricsE2eTest, AdminKeyAccessRefusesRequestsWithoutTheKey) {
  Start([](config::Config& c) {
    c.admin.api_token = kAdminToken;
    c.metrics.access = "admin_key";
  });
  const HttpResult none = h_.Get("/metrics");
  EXPECT_EQ(none.status, 401);
  EXPECT_THAT(none.body, ::testing::Not(HasSubstr("linli_")));
  EXPECT_EQ(h_.Get("/metrics", {{"Authorization", "Bearer wrong-token-0123456789abcdef"}}).status,
            401);
  const HttpResult ok =
      h_.Get("/metrics", {{"Authorization", std::string("Bearer ") + kAdminToken}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, kMetricsContentType);
  EXPECT_TRUE(Parse(ok.body).errors.empty());
  EXPECT_THAT(ok.body, HasSubstr("# TYPE linli_webhooks_total counter\n"));
}

TEST_F(MetricsE2eTest, LoopbackAccessServesLoopbackAndDisabledServesNobody) {
  Start();
  // The server's own loopback peer gets it (a stranger's 404 is in metrics_route_test: a
  // server here only listens on 127.0.0.1).
  const HttpResult ok = h_.Get("/metrics");
  EXPECT_EQ(ok.status, 200);
  // A forwarded-for header does not make a request a stranger or a friend: the socket decides.
  EXPECT_EQ(h_.Get("/metrics", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
  EXPECT_EQ(h_.Post("/metrics", "", {}, "text/plain").status, 405);
  h_.StopApp();
  Start([](config::Config& c) { c.metrics.enabled = false; });
  EXPECT_EQ(h_.Get("/metrics").status, 404);
}

}  // namespace
}  // namespace linli::e2e::metrics_e2e_test
