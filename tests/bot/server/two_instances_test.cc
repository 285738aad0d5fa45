// Two `linli serve` instances on one PostgreSQL database (issue 14 point 3): each Instance here
// is what one process has - its own connection, write queue, dialog engine, router and
// scheduler - on one schema of the LINLI_PG_DSN server (skipped, saying why, without one). The
// races are made to happen, not hoped for: one instance's batch is held open inside a unit
// while the other's unit is shown waiting for a lock (pg_stat_activity), then released. Every
// wait waits for a condition, never for a time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bot/server/blocking_pool.h"
#include "bot/server/router.h"
#include "bot/server/scheduler.h"
#include "bot/server/shared_tokens.h"
#include "bot/token_cache.h"
#include "dialogs/flows.h"
#include "storage/inbox_store.h"
#include "storage/job_store.h"
#include "storage/open_database.h"
#include "storage/platform_token_store.h"
#include "storage/seen_signature_store.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_adapter.h"
#include "tests/storage/test_database.h"

namespace linli::two_instances_test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr auto kBound = 60s;  // long enough for anything that should happen

// What one instance has of its own.
struct Instance {
  Instance(const storage::DatabaseOptions& options, const domain::Deps& deps, const Clock& clock) {
    auto opened = storage::OpenDatabase(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return;
    queue = std::make_unique<storage::WriteQueue>(std::move(opened->db), 16);
    auto made = dialogs::Engine::Create(deps, dialogs::AllFlows());
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    if (!made.ok()) return;
    engine = std::move(made).value();
    router = std::make_unique<Router>(*queue, *engine, clock, [] {});
    pool = std::make_unique<BlockingPool>(1);
    Scheduler::Options scheduling;
    scheduling.pool = pool.get();
    scheduler = std::make_unique<Scheduler>(
        io, *queue, clock, std::make_shared<const domain::TimeZone>(domain::TimeZone::Utc()),
        scheduling);
    EXPECT_TRUE(queue->Run([this](storage::Database& db) {
                  pid = storage::PgBackendPid(db);
                  return Status::Ok();
                }).ok());
  }
  ~Instance() {
    if (scheduler) scheduler->Stop();
    if (pool) pool->Stop();
    if (queue) queue->Stop();
  }

  boost::asio::io_context io;  // the scheduler's timers are not used: RunDue
  std::unique_ptr<storage::WriteQueue> queue;
  std::unique_ptr<dialogs::Engine> engine;
  std::unique_ptr<Router> router;
  std::unique_ptr<BlockingPool> pool;
  std::unique_ptr<Scheduler> scheduler;
  int64_t pid = -1;  // its connection's server process
};

// A unit that holds its queue's transaction open: once WaitRunning() returns, every unit
// submitted before it in its batch has run, uncommitted; Release() lets the batch commit.
class Holder {
 public:
  explicit Holder(storage::WriteQueue& q) {
    q.Submit(
        [this](storage::Database&) {
          running_.count_down();
          release_.wait();
          return Status::Ok();
        },
        nullptr);
  }
  void WaitRunning() { running_.wait(); }
  void Release() { release_.count_down(); }

 private:
  std::latch running_{1};
  std::latch release_{1};
};

// A unit that keeps its queue's thread until Open(), so that what is submitted behind it forms
// one batch.
class Gate {
 public:
  explicit Gate(storage::WriteQueue& q) {
    q.Submit(
        [this](storage::Database&) {
          open_.wait();
          return Status::Ok();
        },
        nullptr);
  }
  void Open() { open_.count_down(); }

 private:
  std::latch open_{1};
};

class TwoInstancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = storage::PgTestSkipReason(); !why.empty()) GTEST_SKIP() << why;
    schema_ = std::make_unique<storage::TestSchema>();
    ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
    for (int b = 1; b <= 6; ++b) {
      config_.compound.buildings.push_back({std::to_string(b), {"1", "2"}});
    }
    config_.compound.name = "测试小区";
    auto texts =
        config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
    ASSERT_TRUE(texts.ok());
    texts_ = std::move(texts).value();
    deps_ = std::make_unique<domain::Deps>(domain::Deps{config_, texts_, clock_});
    options_.backend = "postgresql";
    options_.postgresql = schema_->Options();
    a_ = std::make_unique<Instance>(options_, *deps_, clock_);
    b_ = std::make_unique<Instance>(options_, *deps_, clock_);
    ASSERT_TRUE(a_->router && b_->router);
    auto observer = storage::OpenPostgres(schema_->Options());
    ASSERT_TRUE(observer.ok()) << observer.status().ToString();
    observer_ = std::move(observer).value();
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    observer_.reset();
    schema_.reset();
  }

  InboundMessage Text(const std::string& id, const std::string& text,
                      const std::string& user = "u1") {
    InboundMessage m;
    m.conversation = {"wx", user, user, ChatType::kPrivate};
    m.platform_message_id = id;
    m.text = text;
    return m;
  }
  int64_t Count(const std::string& sql, const std::vector<storage::Value>& params = {}) {
    auto rows = observer_->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  }
  // Submits a turn; the future gets its outcome.
  std::future<StatusOr<Router::TurnOutcome>> SubmitTurn(Instance& at, Adapter& adapter,
                                                        InboundMessage m) {
    auto promise = std::make_shared<std::promise<StatusOr<Router::TurnOutcome>>>();
    auto future = promise->get_future();
    at.router->Submit(adapter, std::move(m),
                      [promise](StatusOr<Router::TurnOutcome> r) {
                        promise->set_value(std::move(r));
                      });
    return future;
  }
  // Runs `m` on `first` and holds that batch open (the turn done, not committed); `then`
  // starts the other instance's part and must end waiting for a lock of `waiting`'s - the
  // conversation's (an advisory lock), before it read anything.
  void WhileATurnIsUncommitted(Instance& first, Adapter& adapter, InboundMessage m,
                               StatusOr<Router::TurnOutcome>* first_outcome,
                               const std::function<void()>& then, Instance& waiting) {
    Gate gate(*first.queue);
    auto turn = SubmitTurn(first, adapter, std::move(m));
    Holder holder(*first.queue);
    gate.Open();
    holder.WaitRunning();  // the turn ran in the batch the holder keeps open
    then();
    std::string lock;
    EXPECT_TRUE(storage::WaitUntilWaitingForALock(*observer_, waiting.pid, &lock));
    EXPECT_EQ(lock, "advisory");
    holder.Release();
    ASSERT_EQ(turn.wait_for(kBound), std::future_status::ready);
    *first_outcome = turn.get();
  }

  config::Config config_;
  config::Texts texts_;
  testing::FakeClock clock_;
  std::unique_ptr<domain::Deps> deps_;
  std::unique_ptr<storage::TestSchema> schema_;
  storage::DatabaseOptions options_;
  std::unique_ptr<Instance> a_, b_;
  std::unique_ptr<storage::Database> observer_;
};

TEST_F(TwoInstancesTest, ARedeliveryToTheOtherInstanceGetsTheStoredAnswer) {
  testing::RecordingAdapter wx("wx", /*passive=*/true);
  auto first = a_->router->Run(wx, Text("m1", "报事"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_THAT(first->ack.body, HasSubstr("请选择问题类别"));
  auto again = b_->router->Run(wx, Text("m1", "报事"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->ack.body, first->ack.body);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM inbox"), 1);
}

// Both copies of one message at once: the second instance's turn waits for the first's
// commit on the conversation's lock, then finds the dedupe record and answers with it.
TEST_F(TwoInstancesTest, BothCopiesAtTheSameMomentAreProcessedOnce) {
  testing::RecordingAdapter tg("tg");
  InboundMessage m = Text("same", "报事");
  m.conversation.channel = "tg";
  std::future<StatusOr<Router::TurnOutcome>> second;
  StatusOr<Router::TurnOutcome> first = Status::Internal("not run");
  WhileATurnIsUncommitted(
      *a_, tg, m, &first, [&] { second = SubmitTurn(*b_, tg, m); }, *b_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(second.wait_for(kBound), std::future_status::ready);
  auto copy = second.get();
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(copy->duplicate);
  EXPECT_EQ(copy->ack.body, first->ack.body);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM inbox"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), 1);  // one reply, queued once
}

// Two messages of one conversation at two instances: the second waits for the first's commit
// and reads the state it left - the category prompt is answered, not taken for a new start.
TEST_F(TwoInstancesTest, TurnsOfOneConversationOnTwoInstancesRunOneAfterTheOther) {
  testing::RecordingAdapter wx("wx", /*passive=*/true);
  std::future<StatusOr<Router::TurnOutcome>> second;
  StatusOr<Router::TurnOutcome> first = Status::Internal("not run");
  WhileATurnIsUncommitted(
      *a_, wx, Text("m1", "报事"), &first, [&] { second = SubmitTurn(*b_, wx, Text("m2", "2")); },
      *b_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(second.wait_for(kBound), std::future_status::ready);
  auto next = second.get();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_THAT(first->ack.body, HasSubstr("请选择问题类别"));
  EXPECT_THAT(next->ack.body, HasSubstr("问题在哪里"));
}

TEST_F(TwoInstancesTest, AConversationWhoseTurnsAlternateBetweenInstancesMakesOneTicket) {
  testing::RecordingAdapter wx("wx", /*passive=*/true);
  int n = 0;
  std::string last;
  for (const char* s : {"报事", "2", "3-2", "水管漏水", "跳过", "1"}) {
    Instance& at = (n % 2 == 0) ? *a_ : *b_;
    auto out = at.router->Run(wx, Text("m" + std::to_string(++n), s));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    last = out->ack.body;
  }
  EXPECT_THAT(last, HasSubstr("#1"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tickets"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM conversations"), 0);
}

// The safety net behind the lock: another connection commits the dedupe record between this
// turn's lookup and its own record (here without the conversation lock). The turn rolls back
// and answers with the stored acknowledgement; nothing of it is written.
TEST_F(TwoInstancesTest, ARecordCommittedElsewhereMeanwhileRollsTheTurnBackToTheStoredAnswer) {
  testing::RecordingAdapter tg("tg");
  InboundMessage m = Text("race", "报事");
  m.conversation.channel = "tg";
  ASSERT_TRUE(observer_->Begin().ok());
  ASSERT_TRUE(storage::InboxStore::Record(*observer_, "tg", "race", clock_.NowMillis(),
                                          HttpResponse::Text(200, "stored elsewhere"))
                  .ok());
  auto turn = SubmitTurn(*b_, tg, m);
  ASSERT_TRUE(storage::WaitUntilWaitingForALock(*observer_, b_->pid));
  ASSERT_TRUE(observer_->Commit().ok());
  ASSERT_EQ(turn.wait_for(kBound), std::future_status::ready);
  auto out = turn.get();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->duplicate);
  EXPECT_EQ(out->ack.body, "stored elsewhere");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM conversations"), 0);
}

// A replayed signed header pair (DingTalk signs only the timestamp) reaching the other
// instance while the first claim is uncommitted: refused (401), not a 503 from a constraint.
TEST_F(TwoInstancesTest, AReplayWithAnotherBodyAtTheOtherInstanceIsRefused) {
  testing::RecordingAdapter dd("dd");
  InboundMessage forged = Text("forged-id", "报事", "mallory");
  forged.conversation.channel = "dd";
  forged.replay_claim =
      ReplayClaim{"1795568400000\nsig", "digest-forged", clock_.NowMillis() + 3600000};
  ASSERT_TRUE(observer_->Begin().ok());
  auto verdict = storage::SeenSignatureStore::Claim(*observer_, "dd", "1795568400000\nsig",
                                                    "digest-real", clock_.NowMillis() + 3600000,
                                                    clock_.NowMillis());
  ASSERT_TRUE(verdict.ok() && *verdict == storage::SeenSignatureStore::Verdict::kFirst);
  auto turn = SubmitTurn(*b_, dd, forged);
  ASSERT_TRUE(storage::WaitUntilWaitingForALock(*observer_, b_->pid));
  ASSERT_TRUE(observer_->Commit().ok());
  ASSERT_EQ(turn.wait_for(kBound), std::future_status::ready);
  auto out = turn.get();
  EXPECT_EQ(out.status().code(), StatusCode::kUnauthenticated) << out.status().ToString();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM inbox"), 0);
}

// Both schedulers find the same period due at once: the second's unit waits on the job's lock
// until the first commits, then finds the period done - one run, no failure recorded.
TEST_F(TwoInstancesTest, AJobDueOnBothInstancesRunsOncePerPeriod) {
  ASSERT_TRUE(observer_->Exec("CREATE TABLE effects (who TEXT NOT NULL)").ok());
  std::latch a_running(1), a_release(1);
  std::atomic<int> b_runs{0};
  auto schedule = domain::ParseSchedule("every 10m");
  ASSERT_TRUE(schedule.ok());
  auto job = [&](const std::string& who, bool hold) {
    Job j;
    j.name = "digest";
    j.schedule = *schedule;
    j.run = [&, who, hold](storage::Database& db, const JobTick&) -> Status {
      if (!hold) ++b_runs;
      if (hold) {
        a_running.count_down();
        a_release.wait();
      }
      return db.Exec("INSERT INTO effects (who) VALUES (?)", {who});
    };
    return j;
  };
  ASSERT_TRUE(a_->scheduler->Add(job("a", true)).ok());
  ASSERT_TRUE(b_->scheduler->Add(job("b", false)).ok());
  const int64_t now = clock_.NowMillis();
  auto a_ran = std::async(std::launch::async, [&] { return a_->scheduler->RunDue(now); });
  a_running.wait();
  auto b_ran = std::async(std::launch::async, [&] { return b_->scheduler->RunDue(now); });
  std::string lock;
  ASSERT_TRUE(storage::WaitUntilWaitingForALock(*observer_, b_->pid, &lock));
  EXPECT_EQ(lock, "advisory");  // the job's lock, before it read its period
  a_release.count_down();
  ASSERT_EQ(a_ran.wait_for(kBound), std::future_status::ready);
  ASSERT_EQ(b_ran.wait_for(kBound), std::future_status::ready);
  auto a_count = a_ran.get();
  auto b_count = b_ran.get();
  ASSERT_TRUE(a_count.ok()) << a_count.status().ToString();
  ASSERT_TRUE(b_count.ok()) << b_count.status().ToString();
  EXPECT_EQ(*a_count, 1);
  EXPECT_EQ(*b_count, 0);
  EXPECT_EQ(b_runs.load(), 0);  // not even run and rolled back: it waited, then found it done
  EXPECT_EQ(Count("SELECT COUNT(*) FROM effects"), 1);
  EXPECT_EQ(Count("SELECT runs FROM job_runs WHERE name = 'digest'"), 1);
  EXPECT_EQ(Count("SELECT failures FROM job_runs WHERE name = 'digest'"), 0);
}

// A job with blocking work runs it between two units: the first instance claims the job with
// its session lock before the blocking part, so the other runs nothing meanwhile (and no
// failure), finds the period done afterwards - and takes a period over from an instance whose
// connection died with the work unfinished.
TEST_F(TwoInstancesTest, BlockingWorkRunsOnOneInstanceAndIsTakenOverWhenItDies) {
  auto schedule = domain::ParseSchedule("every 10m");
  ASSERT_TRUE(schedule.ok());
  std::atomic<int> a_blocking{0}, b_blocking{0};
  std::latch a_running(1), a_release(1);
  Job a_job{"copy", *schedule, nullptr, nullptr,
            [&](const JobTick&) {
              ++a_blocking;
              a_running.count_down();
              a_release.wait();
              return Status::Ok();
            }};
  Job b_job{"copy", *schedule, nullptr, nullptr, [&](const JobTick&) {
              ++b_blocking;
              return Status::Ok();
            }};
  ASSERT_TRUE(a_->scheduler->Add(a_job).ok());
  ASSERT_TRUE(b_->scheduler->Add(b_job).ok());
  const int64_t now = clock_.NowMillis();
  auto a_ran = std::async(std::launch::async, [&] { return a_->scheduler->RunDue(now); });
  a_running.wait();
  auto b_ran = b_->scheduler->RunDue(now);  // claimed elsewhere: nothing, at once
  ASSERT_TRUE(b_ran.ok()) << b_ran.status().ToString();
  EXPECT_EQ(*b_ran, 0);
  EXPECT_EQ(b_blocking.load(), 0);
  a_release.count_down();
  ASSERT_EQ(a_ran.wait_for(kBound), std::future_status::ready);
  auto a_count = a_ran.get();
  ASSERT_TRUE(a_count.ok()) << a_count.status().ToString();
  EXPECT_EQ(*a_count, 1);
  // A's lock is released by a unit RunDue submitted last: let it run.
  ASSERT_TRUE(a_->queue->Run([](storage::Database&) { return Status::Ok(); }).ok());
  b_ran = b_->scheduler->RunDue(now);  // done
  ASSERT_TRUE(b_ran.ok());
  EXPECT_EQ(*b_ran, 0);
  EXPECT_EQ(b_blocking.load(), 0);
  EXPECT_EQ(Count("SELECT runs FROM job_runs WHERE name = 'copy'"), 1);
  EXPECT_EQ(Count("SELECT failures FROM job_runs WHERE name = 'copy'"), 0);

  // The next period: A claims it, then its connection dies (a crashed process) mid-work.
  clock_.Advance(10min);
  const int64_t later = clock_.NowMillis();
  std::latch a2_running(1), a2_release(1);
  Instance a2(options_, *deps_, clock_);
  ASSERT_TRUE(a2.scheduler->Add(Job{"copy", *schedule, nullptr, nullptr,
                                    [&](const JobTick&) {
                                      a2_running.count_down();
                                      a2_release.wait();
                                      return Status::Ok();
                                    }})
                  .ok());
  auto a2_ran = std::async(std::launch::async, [&] { return a2.scheduler->RunDue(later); });
  a2_running.wait();
  ASSERT_TRUE(
      observer_->Exec("SELECT pg_terminate_backend(CAST(? AS INTEGER), 10000)", {a2.pid}).ok());
  b_ran = b_->scheduler->RunDue(later);
  ASSERT_TRUE(b_ran.ok()) << b_ran.status().ToString();
  EXPECT_EQ(*b_ran, 1);  // taken over
  EXPECT_EQ(b_blocking.load(), 1);
  EXPECT_EQ(Count("SELECT runs FROM job_runs WHERE name = 'copy'"), 2);
  a2_release.count_down();
  ASSERT_EQ(a2_ran.wait_for(kBound), std::future_status::ready);
  auto a2_count = a2_ran.get();
  if (a2_count.ok()) {
    EXPECT_EQ(*a2_count, 0);  // the dead instance's run records nothing more
  }
  EXPECT_EQ(Count("SELECT runs FROM job_runs WHERE name = 'copy'"), 2);
}

// The platform tokens through both instances' write queues: the second instance's adapter
// takes the token the first fetched, and a refused token is gone for both.
TEST_F(TwoInstancesTest, PlatformTokensAreFetchedOnceForBothInstances) {
  QueueTokenStore a_store, b_store;
  a_store.Attach(a_->queue.get());
  b_store.Attach(b_->queue.get());
  const TokenCache::Options options{.channel = "wx", .kind = "access_token"};
  TokenCache a_cache(clock_, &a_store, options);
  TokenCache b_cache(clock_, &b_store, options);
  std::atomic<int> fetches{0};
  auto fetch = [&fetches]() -> StatusOr<TokenCache::Fetched> {
    return TokenCache::Fetched{"TOKEN-" + std::to_string(++fetches), 7200 * 1000};
  };
  EXPECT_EQ(*a_cache.Get(fetch), "TOKEN-1");
  EXPECT_EQ(*b_cache.Get(fetch), "TOKEN-1");
  EXPECT_EQ(fetches.load(), 1);
  b_cache.Invalidate("TOKEN-1");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM platform_tokens WHERE token <> ''"), 0);
  EXPECT_EQ(*b_cache.Get(fetch), "TOKEN-2");
  a_cache.Invalidate("TOKEN-1");  // A meets the refusal later: takes B's token
  EXPECT_EQ(*a_cache.Get(fetch), "TOKEN-2");
  EXPECT_EQ(fetches.load(), 2);
}

// Of two instances claiming one token fetch at the same moment, one gets it: the second's
// conditional upsert waits for the first's commit and then finds the claim live.
TEST_F(TwoInstancesTest, OfTwoSimultaneousFetchClaimsOneWins) {
  QueueTokenStore b_store;
  b_store.Attach(b_->queue.get());
  ASSERT_TRUE(observer_->Begin().ok());
  auto first = storage::PlatformTokenStore::ClaimFetch(*observer_, "wx", "access_token",
                                                       clock_.NowMillis(), 30000);
  ASSERT_TRUE(first.ok() && *first);
  auto second = std::async(std::launch::async, [&] {
    return b_store.ClaimFetch("wx", "access_token", clock_.NowMillis(), 30000);
  });
  ASSERT_TRUE(storage::WaitUntilWaitingForALock(*observer_, b_->pid));
  ASSERT_TRUE(observer_->Commit().ok());
  ASSERT_EQ(second.wait_for(kBound), std::future_status::ready);
  auto claimed = second.get();
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  EXPECT_FALSE(*claimed);
}

}  // namespace
}  // namespace linli::two_instances_test
