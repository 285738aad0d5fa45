#include "bot/server/scheduler.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "bot/server/blocking_pool.h"
#include "bot/server/server_metrics.h"
#include "storage/job_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "storage/write_queue.h"
#include "tests/fakes/fake_clock.h"

namespace linli::scheduler_test {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// One lifetime of the service: its own connection, write queue and scheduler over a database
// file that outlives it. Destroying it is a stop (or a crash after the last commit).
class Life {
 public:
  Life(const std::string& path, const Clock& clock, const std::string& zone = "Asia/Shanghai",
       Scheduler::Options options = {}) {
    auto db = storage::OpenSqlite(storage::SqliteOptions{path});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_TRUE(storage::Migrate(**db).ok());
    EXPECT_TRUE((*db)->ExecScript("CREATE TABLE IF NOT EXISTS effects (job TEXT NOT NULL, "
                                  "period BIGINT NOT NULL, at BIGINT NOT NULL)")
                    .ok());
    queue_ = std::make_unique<storage::WriteQueue>(std::move(db).value(), 16);
    auto z = domain::LoadTimeZone(zone);
    EXPECT_TRUE(z.ok());
    scheduler_ = std::make_unique<Scheduler>(io_, *queue_, clock, *z, options);
  }
  ~Life() {
    if (io_thread_.joinable()) {
      queue_->Stop();
      io_.stop();
      io_thread_.join();
    }
    scheduler_->Stop();
    scheduler_.reset();
    queue_->Stop();
  }

  Scheduler& scheduler() { return *scheduler_; }
  storage::WriteQueue& queue() { return *queue_; }

  // A job whose effect is a row in `effects`, committed with its period record.
  void AddJob(const std::string& name, const std::string& schedule, Status result = Status::Ok()) {
    auto s = domain::ParseSchedule(schedule);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(scheduler_
                    ->Add(Job{name, *s,
                              [name, result](storage::Database& db, const JobTick& tick) {
                                LINLI_RETURN_IF_ERROR(db.Exec(
                                    "INSERT INTO effects (job, period, at) VALUES (?, ?, ?)",
                                    {name, tick.period.start_ms, tick.now_ms}));
                                return result;
                              },
                              [this] { ++committed_; }})
                    .ok());
  }

  int64_t Effects(const std::string& job) {
    int64_t n = -1;
    Status st = queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(storage::Rows rows,
                             db.Query("SELECT COUNT(*) FROM effects WHERE job = ?", {job}));
      n = rows[0].Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }
  std::vector<int64_t> Periods(const std::string& job) {
    std::vector<int64_t> out;
    Status st = queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(
          storage::Rows rows,
          db.Query("SELECT period FROM effects WHERE job = ? ORDER BY period", {job}));
      for (const auto& r : rows) out.push_back(r.Int(0));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // The job's record (runs and failures), or a default one when there is none.
  storage::JobRun Record(const std::string& job) {
    storage::JobRun out;
    Status st = queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto all, storage::JobStore::List(db));
      for (const auto& r : all) {
        if (r.name == job) out = r;
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  int RunDue(int64_t now_ms) {
    auto n = scheduler_->RunDue(now_ms);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  void StartTimers() {
    scheduler_->Start();
    io_thread_ = std::thread([this] {
      auto guard = boost::asio::make_work_guard(io_);
      io_.run();
    });
  }

  int committed() const { return committed_.load(); }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<storage::WriteQueue> queue_;
  std::unique_ptr<Scheduler> scheduler_;
  std::thread io_thread_;
  std::atomic<int> committed_{0};
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/linli_scheduler_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/linli.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Polls until `pred` holds (timer tests); false after 5 s.
  template <typename Pred>
  static bool Eventually(Pred pred) {
    for (int i = 0; i < 500; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return pred();
  }

  std::string dir_;
  std::string path_;
  testing::FakeClock clock_;  // 2026-11-25 09:00:00 Asia/Shanghai
};

TEST_F(SchedulerTest, NormalTickingRunsOncePerPeriod) {
  Life life(path_, clock_);
  life.AddJob("tick", "every 1m");
  int ran = 0;
  for (int i = 0; i <= 10; ++i) {  // 09:00:00 .. 09:03:20 in steps of 20 s
    ran += life.RunDue(clock_.NowMillis());
    clock_.Advance(seconds(20));
  }
  EXPECT_EQ(ran, 4);
  const int64_t t0 = 1795568400000;
  EXPECT_EQ(life.Periods("tick"),
            (std::vector<int64_t>{t0, t0 + 60'000, t0 + 120'000, t0 + 180'000}));
  EXPECT_EQ(life.committed(), 4);
}

TEST_F(SchedulerTest, DownOverSeveralPeriodsRunsOnceAtStart) {
  {
    Life life(path_, clock_);
    life.AddJob("tick", "every 1m");
    EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);
  }
  clock_.Advance(minutes(10) + seconds(5));  // ten periods missed
  Life life(path_, clock_);
  life.AddJob("tick", "every 1m");
  EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);
  EXPECT_EQ(life.RunDue(clock_.NowMillis()), 0);
  EXPECT_EQ(life.RunDue(clock_.NowMillis() + 30'000), 0);
  const int64_t t0 = 1795568400000;
  EXPECT_EQ(life.Periods("tick"), (std::vector<int64_t>{t0, t0 + 10 * 60'000}));
}

TEST_F(SchedulerTest, TwoRestartsInARowStillRunOnce) {
  for (int restart = 0; restart < 3; ++restart) {
    Life life(path_, clock_);
    life.AddJob("tick", "every 1m");
    life.AddJob("digest", "daily 08:30");
    EXPECT_EQ(life.RunDue(clock_.NowMillis()), restart == 0 ? 2 : 0) << "restart " << restart;
    EXPECT_EQ(life.Effects("tick"), 1);
    EXPECT_EQ(life.Effects("digest"), 1);
    clock_.Advance(seconds(15));
  }
}

TEST_F(SchedulerTest, DailyJobDownForThreeDaysRunsOnceThenDaily) {
  {
    Life life(path_, clock_);
    life.AddJob("digest", "daily 08:30");
    EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);  // 25 Nov 09:00: the period of 25 Nov 08:30
  }
  clock_.Advance(hours(24 * 3));  // 28 Nov 09:00
  {
    Life life(path_, clock_);
    life.AddJob("digest", "daily 08:30");
    EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);
  }
  {
    Life life(path_, clock_);  // a second restart the same morning
    life.AddJob("digest", "daily 08:30");
    EXPECT_EQ(life.RunDue(clock_.NowMillis() + 60'000), 0);
    EXPECT_EQ(life.RunDue(clock_.NowMillis() + milliseconds(hours(23)).count()), 0);  // 29 Nov 08:00
    EXPECT_EQ(life.RunDue(clock_.NowMillis() + milliseconds(hours(24)).count()), 1);  // 29 Nov 09:00
    EXPECT_EQ(life.Effects("digest"), 3);
  }
}

TEST_F(SchedulerTest, DailyJobFollowsTheConfiguredZone) {
  Life life(path_, clock_, "America/New_York");
  life.AddJob("digest", "daily 08:30");
  // 2026-11-25 09:00 Shanghai is 24 Nov 20:00 in New York: the period began 24 Nov 08:30 EST.
  EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);
  const int64_t nov25_0830_est = 1795613400000;  // 13:30 UTC
  EXPECT_EQ(life.Periods("digest"), (std::vector<int64_t>{nov25_0830_est - 24 * 3600'000LL}));
  // 25 Nov 08:29 EST: not yet (in Shanghai that is 21:29); 08:30 EST: due.
  EXPECT_EQ(life.RunDue(nov25_0830_est - 60'000), 0);
  EXPECT_EQ(life.RunDue(nov25_0830_est), 1);
}

TEST_F(SchedulerTest, AFailedRunRecordsNothingAndIsTriedAgain) {
  {
    Life life(path_, clock_);
    life.AddJob("tick", "every 1m", Status::Internal("boom"));
    auto n = life.scheduler().RunDue(clock_.NowMillis());
    EXPECT_EQ(n.status().code(), StatusCode::kInternal);
    EXPECT_EQ(life.Effects("tick"), 0);  // the effect was rolled back with the unit
    EXPECT_EQ(life.committed(), 0);
    Status st = life.queue().Run([](storage::Database& db) -> Status {
      auto found = storage::JobStore::Find(db, "tick");
      if (!found.ok()) return found.status();
      return found->has_value() ? Status::Internal("recorded") : Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  Life life(path_, clock_);
  life.AddJob("tick", "every 1m");
  EXPECT_EQ(life.RunDue(clock_.NowMillis() + 1000), 1);  // same period, now it works
  EXPECT_EQ(life.Effects("tick"), 1);
}

TEST_F(SchedulerTest, OnceRunsAtItsInstantAndNeverAgain) {
  {
    Life life(path_, clock_);
    life.AddJob("close-vote", "once 2026-11-25T09:05:00+08:00");
    EXPECT_EQ(life.RunDue(clock_.NowMillis()), 0);
    EXPECT_EQ(life.RunDue(clock_.NowMillis() + 5 * 60'000), 1);
    EXPECT_EQ(life.RunDue(clock_.NowMillis() + 6 * 60'000), 0);
  }
  Life life(path_, clock_);
  life.AddJob("close-vote", "once 2026-11-25T09:05:00+08:00");
  EXPECT_EQ(life.RunDue(clock_.NowMillis() + milliseconds(hours(48)).count()), 0);
  EXPECT_EQ(life.Effects("close-vote"), 1);
}

TEST_F(SchedulerTest, OnceMissedWhileDownRunsAtStart) {
  clock_.Advance(hours(3));
  Life life(path_, clock_);
  life.AddJob("close-vote", "once 2026-11-25T09:05:00+08:00");
  EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);
  EXPECT_EQ(life.Effects("close-vote"), 1);
}

TEST_F(SchedulerTest, AddRejectsDuplicateAndIncompleteJobs) {
  Life life(path_, clock_);
  life.AddJob("tick", "every 1m");
  auto run = [](storage::Database&, const JobTick&) { return Status::Ok(); };
  EXPECT_EQ(life.scheduler().Add(Job{"tick", domain::Schedule::Daily(8, 0), run, nullptr}).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(life.scheduler().Add(Job{"", domain::Schedule::Daily(8, 0), run, nullptr}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(life.scheduler().Add(Job{"x", domain::Schedule::Daily(8, 0), nullptr, nullptr}).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, TimersCatchUpAtStartAndThenRunOncePerPeriod) {
  Scheduler::Options fast;
  fast.max_wait = milliseconds(5);
  fast.retry_delay = milliseconds(5);
  {
    Life life(path_, clock_, "Asia/Shanghai", fast);
    life.AddJob("tick", "every 1m");
    life.StartTimers();
    EXPECT_TRUE(Eventually([&] { return life.Effects("tick") == 1; }));  // at start
    std::this_thread::sleep_for(milliseconds(100));  // many timer wake-ups, same period
    EXPECT_EQ(life.Effects("tick"), 1);
    clock_.Advance(minutes(1));
    EXPECT_TRUE(Eventually([&] { return life.Effects("tick") == 2; }));
    std::this_thread::sleep_for(milliseconds(100));
    EXPECT_EQ(life.Effects("tick"), 2);
  }
  for (int restart = 0; restart < 2; ++restart) {  // two restarts inside the same period
    Life life(path_, clock_, "Asia/Shanghai", fast);
    life.AddJob("tick", "every 1m");
    life.StartTimers();
    std::this_thread::sleep_for(milliseconds(100));
    EXPECT_EQ(life.Effects("tick"), 2) << "restart " << restart;
  }
}

TEST_F(SchedulerTest, TimersRetryAFailedPeriod) {
  Scheduler::Options fast;
  fast.max_wait = milliseconds(5);
  fast.retry_delay = milliseconds(5);
  Life life(path_, clock_, "Asia/Shanghai", fast);
  auto attempts = std::make_shared<std::atomic<int>>(0);
  ASSERT_TRUE(life.scheduler()
                  .Add(Job{"flaky", domain::Schedule::Every(minutes(1)),
                           [attempts](storage::Database& db, const JobTick& tick) -> Status {
                             if (++*attempts < 3) return Status::Unavailable("busy");
                             return db.Exec("INSERT INTO effects (job, period, at) VALUES (?, ?, ?)",
                                            {std::string("flaky"), tick.period.start_ms,
                                             tick.now_ms});
                           },
                           nullptr})
                  .ok());
  life.StartTimers();
  EXPECT_TRUE(Eventually([&] { return life.Effects("flaky") == 1; }));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(life.Effects("flaky"), 1);
  EXPECT_EQ(attempts->load(), 3);
}

// GET /metrics (issue 13 point 9): each job's committed runs and failed units, on both paths
// (RunDue and the timers); a period found done already is neither.
TEST_F(SchedulerTest, CountsRunsAndFailuresPerJob) {
  ServerMetrics metrics({});
  Scheduler::Options options;
  options.metrics = &metrics;
  options.max_wait = milliseconds(5);
  options.retry_delay = milliseconds(5);
  {
    Life life(path_, clock_, "Asia/Shanghai", options);
    life.AddJob("good", "every 1m");
    life.AddJob("bad", "every 1m", Status::Internal("boom"));
    auto due = life.scheduler().RunDue(clock_.NowMillis());
    EXPECT_FALSE(due.ok());  // "bad" failed
    EXPECT_FALSE(life.scheduler().RunDue(clock_.NowMillis() + 1).ok()) << "bad fails again";
    ServerMetrics::JobSeries good = metrics.ForJob("good");
    ServerMetrics::JobSeries bad = metrics.ForJob("bad");
    EXPECT_EQ(good.runs->value(), 1u);   // the second RunDue found its period done
    EXPECT_EQ(good.failures->value(), 0u);
    EXPECT_EQ(bad.runs->value(), 0u);
    EXPECT_EQ(bad.failures->value(), 2u);
  }
  // The timer path: the next period of "good" runs and is counted.
  clock_.Advance(minutes(1));
  Life life(path_, clock_, "Asia/Shanghai", options);
  life.AddJob("good", "every 1m");
  life.StartTimers();
  EXPECT_TRUE(Eventually([&] { return metrics.ForJob("good").runs->value() == 2u; }));
  EXPECT_EQ(metrics.ForJob("good").failures->value(), 0u);
}

// Issue 15: a failed unit is recorded (failures, when, why) by a unit of its own, while the
// period stays undone.
TEST_F(SchedulerTest, AFailedRunIsRecordedWithItsError) {
  Life life(path_, clock_);
  life.AddJob("tick", "every 1m", Status::Internal("boom"));
  EXPECT_FALSE(life.scheduler().RunDue(clock_.NowMillis()).ok());
  const storage::JobRun r = life.Record("tick");
  EXPECT_EQ(r.runs, 0);
  EXPECT_EQ(r.failures, 1);
  EXPECT_EQ(r.last_failed_at_ms, clock_.NowMillis());
  EXPECT_NE(r.last_error.find("boom"), std::string::npos);
}

// Jobs with blocking work (the daily backup): the work runs on the pool, not on the caller's
// thread nor the write queue's, once per period; the period is recorded after it.
TEST_F(SchedulerTest, BlockingWorkRunsOnThePoolOncePerPeriod) {
  BlockingPool pool(1);
  Scheduler::Options options;
  options.pool = &pool;
  Life life(path_, clock_, "Asia/Shanghai", options);
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto thread = std::make_shared<std::thread::id>();
  Job job;
  job.name = "copy";
  job.schedule = domain::Schedule::Daily(3, 30);
  job.blocking = [calls, thread](const JobTick& tick) {
    *thread = std::this_thread::get_id();
    EXPECT_NE(tick.stopping, nullptr);
    ++*calls;
    return Status::Ok();
  };
  ASSERT_TRUE(life.scheduler().Add(job).ok());
  EXPECT_EQ(life.RunDue(clock_.NowMillis()), 1);  // 09:00: today's 03:30 period
  EXPECT_EQ(calls->load(), 1);
  EXPECT_NE(*thread, std::this_thread::get_id());
  EXPECT_EQ(life.RunDue(clock_.NowMillis() + 60'000), 0);
  EXPECT_EQ(calls->load(), 1);
  EXPECT_EQ(life.Record("copy").runs, 1);
}

TEST_F(SchedulerTest, AFailedBlockingRunIsCountedRecordedAndTriedAgain) {
  BlockingPool pool(1);
  ServerMetrics metrics({});
  Scheduler::Options options;
  options.pool = &pool;
  options.metrics = &metrics;
  Life life(path_, clock_, "Asia/Shanghai", options);
  auto fail = std::make_shared<std::atomic<bool>>(true);
  Job job;
  job.name = "copy";
  job.schedule = domain::Schedule::Daily(3, 30);
  job.blocking = [fail](const JobTick&) {
    return fail->load() ? Status::Internal("backup: disk full") : Status::Ok();
  };
  ASSERT_TRUE(life.scheduler().Add(job).ok());
  auto first = life.scheduler().RunDue(clock_.NowMillis());
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("disk full"), std::string::npos);
  storage::JobRun r = life.Record("copy");
  EXPECT_EQ(r.runs, 0);
  EXPECT_EQ(r.failures, 1);
  EXPECT_NE(r.last_error.find("disk full"), std::string::npos);
  EXPECT_EQ(metrics.ForJob("copy").failures->value(), 1u);
  fail->store(false);
  EXPECT_EQ(life.RunDue(clock_.NowMillis() + 60'000), 1);  // the same period, now it works
  r = life.Record("copy");
  EXPECT_EQ(r.runs, 1);
  EXPECT_EQ(r.failures, 1);
  EXPECT_EQ(metrics.ForJob("copy").runs->value(), 1u);
}

TEST_F(SchedulerTest, BlockingWorkNeedsAPool) {
  Life life(path_, clock_);
  Job job;
  job.name = "copy";
  job.schedule = domain::Schedule::Daily(3, 30);
  job.blocking = [](const JobTick&) { return Status::Ok(); };
  EXPECT_EQ(life.scheduler().Add(job).code(), StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, TimersRunBlockingWorkAndRetryItAfterTheJobsOwnDelay) {
  BlockingPool pool(1);
  Scheduler::Options options;
  options.pool = &pool;
  options.max_wait = milliseconds(5);
  options.retry_delay = hours(1);  // the job's own delay must win
  Life life(path_, clock_, "Asia/Shanghai", options);
  auto attempts = std::make_shared<std::atomic<int>>(0);
  Job job;
  job.name = "copy";
  job.schedule = domain::Schedule::Daily(3, 30);
  job.retry_delay = milliseconds(5);
  job.blocking = [attempts](const JobTick&) {
    return ++*attempts < 3 ? Status::Unavailable("busy") : Status::Ok();
  };
  ASSERT_TRUE(life.scheduler().Add(job).ok());
  life.StartTimers();
  EXPECT_TRUE(Eventually([&] { return life.Record("copy").runs == 1; }));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(attempts->load(), 3);
  EXPECT_EQ(life.Record("copy").runs, 1);
  EXPECT_EQ(life.Record("copy").failures, 2);
}

TEST_F(SchedulerTest, InterruptTellsBlockingWorkToGiveUp) {
  BlockingPool pool(1);
  Scheduler::Options options;
  options.pool = &pool;
  Life life(path_, clock_, "Asia/Shanghai", options);
  Job job;
  job.name = "copy";
  job.schedule = domain::Schedule::Daily(3, 30);
  job.blocking = [](const JobTick& tick) {
    for (int i = 0; i < 500 && !tick.stopping->load(); ++i) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    return tick.stopping->load() ? Status::Unavailable("interrupted") : Status::Internal("not told");
  };
  ASSERT_TRUE(life.scheduler().Add(job).ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    life.scheduler().Interrupt();
  });
  auto n = life.scheduler().RunDue(clock_.NowMillis());
  stopper.join();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(), "interrupted");
  EXPECT_EQ(life.Record("copy").runs, 0);
}

}  // namespace
}  // namespace linli::scheduler_test
