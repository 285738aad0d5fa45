// The daily backup job (issue 15 point 4): its pure naming and retention, one run's files, and
// the job on the scheduler with the fake clock - exactly once per local day at backup.at, the
// newest backup.keep kept, runs and failures in job_runs and the /metrics job counters.
#include "bot/server/backup_job.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "bot/server/blocking_pool.h"
#include "bot/server/scheduler.h"
#include "bot/server/server_metrics.h"
#include "storage/job_store.h"
#include "storage/open_database.h"
#include "storage/write_queue.h"
#include "tests/fakes/fake_clock.h"

namespace linli::backup_job_test {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::minutes;

TEST(BackupJobTest, FileNamesAreTheLocalMinute) {
  EXPECT_EQ(BackupFileName({2026, 3, 5, 3, 7, 59}), "linli-20260305-0307.db");
  EXPECT_TRUE(IsBackupFileName("linli-20260305-0307.db"));
  for (const char* other : {"linli-20260305-0307.db.tmp-12", "linli-2026035-0307.db",
                            "linli-20260305-0307.sqlite", "notes.txt", "xlinli-20260305-0307.db",
                            "linli-2026030a-0307.db", "linli.db"}) {
    EXPECT_FALSE(IsBackupFileName(other)) << other;
  }
}

TEST(BackupJobTest, RetentionKeepsTheNewestAndIgnoresOtherFiles) {
  const std::vector<std::string> names = {"linli-20260303-0330.db", "notes.txt",
                                          "linli-20260301-0330.db", "linli-20260304-0330.db",
                                          "linli-20260302-0330.db", "linli-20260302-0330.db.tmp-9"};
  EXPECT_EQ(BackupsBeyondKeep(names, 2),
            (std::vector<std::string>{"linli-20260301-0330.db", "linli-20260302-0330.db"}));
  EXPECT_TRUE(BackupsBeyondKeep(names, 4).empty());
  EXPECT_TRUE(BackupsBeyondKeep(names, 9).empty());
  EXPECT_EQ(BackupsBeyondKeep(names, 1).size(), 3u);
}

class BackupJobRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/linli_backup_job_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    database_.sqlite.path = dir_ + "/linli.db";
    database_.sqlite.synchronous = "NORMAL";
    config_.enabled = true;
    config_.dir = dir_ + "/backups";
    config_.at = "03:30";
    config_.keep = 3;
    auto zone = domain::LoadTimeZone("Asia/Shanghai");
    ASSERT_TRUE(zone.ok());
    zone_ = *zone;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::set<std::string> Files(const std::string& folder) const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(folder)) out.insert(e.path().filename().string());
    return out;
  }

  std::string dir_;
  storage::DatabaseOptions database_;
  config::BackupConfig config_;
  std::shared_ptr<const domain::TimeZone> zone_;
};

TEST_F(BackupJobRunTest, OneRunCreatesAPrivateFolderWritesTheCopyAndPrunes) {
  auto opened = storage::OpenDatabase(database_);
  ASSERT_TRUE(opened.ok());
  const int64_t now = 1795568400000;  // 2026-11-25 09:00 Asia/Shanghai
  auto done = RunDailyBackup(config_, database_, *zone_, now, nullptr);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->backup.path, config_.dir + "/linli-20261125-0900.db");
  struct stat st {};
  ASSERT_EQ(::stat(config_.dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Old backups beyond keep go; a file of another name stays.
  for (const char* old : {"linli-20261120-0330.db", "linli-20261121-0330.db",
                          "linli-20261122-0330.db"}) {
    std::ofstream(config_.dir + "/" + old) << "old";
  }
  std::ofstream(config_.dir + "/README") << "mine";
  done = RunDailyBackup(config_, database_, *zone_, now + 60'000, nullptr);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->deleted.size(), 2u);
  EXPECT_EQ(Files(config_.dir),
            (std::set<std::string>{"README", "linli-20261122-0330.db", "linli-20261125-0900.db",
                                   "linli-20261125-0901.db"}));
}

// The job with the fake clock: nine days, each tried at 03:29, 03:30 and 03:45 local time and
// after a restart the same morning; one backup a day, the newest three kept.
TEST_F(BackupJobRunTest, RunsOncePerDayAtTheLocalTimeAndKeepsTheNewest) {
  testing::FakeClock clock(1795548540000);  // 2026-11-25 03:29 Asia/Shanghai
  ServerMetrics metrics({});
  for (int day = 0; day < 9; ++day) {
    for (int restart = 0; restart < 2; ++restart) {
      BlockingPool pool(1);
      boost::asio::io_context io;
      auto opened = storage::OpenDatabase(database_);
      ASSERT_TRUE(opened.ok());
      storage::WriteQueue queue(std::move(opened->db), 8);
      Scheduler::Options options;
      options.pool = &pool;
      options.metrics = &metrics;
      Scheduler scheduler(io, queue, clock, zone_, options);
      ASSERT_TRUE(scheduler.Add(BackupJob(config_, database_, zone_)).ok());
      const int64_t t0329 = 1795548540000 + int64_t{day} * 24 * 3600 * 1000;
      if (restart == 0) {
        auto early = scheduler.RunDue(t0329);
        ASSERT_TRUE(early.ok()) << early.status().ToString();
        // Day 0 at 03:29 runs the period that began yesterday at 03:30 (it never ran).
        EXPECT_EQ(*early, day == 0 ? 1 : 0) << "day " << day << " 03:29";
        auto due = scheduler.RunDue(t0329 + 60'000);
        ASSERT_TRUE(due.ok()) << due.status().ToString();
        EXPECT_EQ(*due, 1) << "day " << day << " 03:30";
      }
      auto later = scheduler.RunDue(t0329 + 16 * 60'000);
      ASSERT_TRUE(later.ok());
      EXPECT_EQ(*later, 0) << "day " << day << " 03:45, restart " << restart;
      scheduler.Stop();
      pool.Stop();
      queue.Stop();
    }
  }
  std::set<std::string> files = Files(config_.dir);
  EXPECT_EQ(files, (std::set<std::string>{"linli-20261201-0330.db", "linli-20261202-0330.db",
                                          "linli-20261203-0330.db"}));
  // 10 runs: the catch-up at the very first 03:29 (yesterday's period), then one a day.
  EXPECT_EQ(metrics.ForJob(kBackupJobName).runs->value(), 10u);
  EXPECT_EQ(metrics.ForJob(kBackupJobName).failures->value(), 0u);
  auto opened = storage::OpenDatabase(database_);
  ASSERT_TRUE(opened.ok());
  auto record = storage::JobStore::Find(*opened->db, kBackupJobName);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->runs, 10);
}

TEST_F(BackupJobRunTest, AFailedCopyIsAFailedRunAndDeletesNothing) {
  ASSERT_TRUE(fs::create_directories(config_.dir));
  std::ofstream(config_.dir + "/linli-20261101-0330.db") << "old";
  std::ofstream(config_.dir + "/linli-20261102-0330.db") << "old";
  std::ofstream(config_.dir + "/linli-20261103-0330.db") << "old";
  testing::FakeClock clock(1795548540000 + 60'000);  // 2026-11-25 03:30
  ServerMetrics metrics({});
  BlockingPool pool(1);
  boost::asio::io_context io;
  auto opened = storage::OpenDatabase(database_);
  ASSERT_TRUE(opened.ok());
  storage::WriteQueue queue(std::move(opened->db), 8);
  Scheduler::Options options;
  options.pool = &pool;
  options.metrics = &metrics;
  Scheduler scheduler(io, queue, clock, zone_, options);
  // The folder is a file: the copy cannot be written.
  config::BackupConfig broken = config_;
  broken.dir = config_.dir + "/linli-20261103-0330.db";
  ASSERT_TRUE(scheduler.Add(BackupJob(broken, database_, zone_)).ok());
  auto due = scheduler.RunDue(clock.NowMillis());
  ASSERT_FALSE(due.ok());
  EXPECT_EQ(metrics.ForJob(kBackupJobName).failures->value(), 1u);
  EXPECT_EQ(Files(config_.dir).size(), 3u);
  storage::JobRun record;
  ASSERT_TRUE(queue
                  .Run([&](storage::Database& db) -> Status {
                    LINLI_ASSIGN_OR_RETURN(auto all, storage::JobStore::List(db));
                    if (all.size() != 1) return Status::Internal("no record");
                    record = all[0];
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(record.runs, 0);
  EXPECT_EQ(record.failures, 1);
  EXPECT_NE(record.last_error.find("backup"), std::string::npos) << record.last_error;
  scheduler.Stop();
  pool.Stop();
  queue.Stop();
}

}  // namespace
}  // namespace linli::backup_job_test
