// The retention job's work with the fake clock: photos older than media.retention_days go
// (file and row), younger ones stay, erased residents' photos go at once.
#include "domain/media/media_retention.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <thread>

#include "domain/media/media_intake.h"
#include "domain/media/ticket_media.h"
#include "storage/media_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"

namespace linli::domain::media::media_retention_test {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDayMs = 24 * 3600 * 1000;

class MediaRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    config_.dir = (fs::temp_directory_path() / ("linli_media_retention_" + std::to_string(::getpid()))).string();
    config_.retention_days = 180;
    fs::remove_all(config_.dir);
  }
  void TearDown() override { fs::remove_all(config_.dir); }

  // A fetched photo of `ticket_id` made now.
  int64_t Fetched(int64_t ticket_id) {
    auto id = storage::MediaStore::Enqueue(*db_, ticket_id, "tg", "ref", "", clock_.NowMillis());
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(storage::MediaStore::ClaimDue(*db_, clock_.NowMillis(), 10).ok());
    const std::string name = MediaFileName(ticket_id, *id, "jpg");
    EXPECT_TRUE(WriteMediaFile(config_, name, "\xFF\xD8\xFFphoto").ok());
    EXPECT_TRUE(storage::MediaStore::MarkFetched(*db_, *id, name, 8, "h", "image/jpeg",
                                                 clock_.NowMillis())
                    .ok());
    return *id;
  }
  bool Shown(int64_t ticket_id) {
    auto m = TicketMediaFor(*db_, config_, ticket_id);
    EXPECT_TRUE(m.ok());
    return m.ok() && m->has_value();
  }

  testing::FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  config::MediaConfig config_;
};

TEST_F(MediaRetentionTest, DeletesFilesAndRowsPastRetention) {
  const int64_t old_id = Fetched(1);
  clock_.Advance(std::chrono::milliseconds(100 * kDayMs));
  const int64_t young_id = Fetched(2);
  EXPECT_TRUE(Shown(1));
  EXPECT_TRUE(Shown(2));

  // Day 179 of the first photo: nothing is old enough.
  clock_.Advance(std::chrono::milliseconds(79 * kDayMs));
  auto r = PurgeExpiredMedia(*db_, config_, clock_.NowMillis());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted, 0);

  // Day 181: the first goes, file and row; the second stays.
  clock_.Advance(std::chrono::milliseconds(2 * kDayMs));
  r = PurgeExpiredMedia(*db_, config_, clock_.NowMillis());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted, 1);
  EXPECT_EQ(r->kept, 0);
  EXPECT_FALSE(Shown(1));
  EXPECT_FALSE(fs::exists(fs::path(config_.dir) / MediaFileName(1, old_id, "jpg")));
  auto row = storage::MediaStore::Find(*db_, old_id);
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value());
  EXPECT_TRUE(Shown(2));
  EXPECT_TRUE(fs::exists(fs::path(config_.dir) / MediaFileName(2, young_id, "jpg")));
}

TEST_F(MediaRetentionTest, ErasedPhotosGoAtTheNextRun) {
  const int64_t id = Fetched(3);
  ASSERT_TRUE(db_->Exec("UPDATE media SET state = 'erased' WHERE id = ?", {id}).ok());
  EXPECT_FALSE(Shown(3));  // not shown once erased
  auto r = PurgeExpiredMedia(*db_, config_, clock_.NowMillis());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted, 1);
  EXPECT_FALSE(fs::exists(fs::path(config_.dir) / MediaFileName(3, id, "jpg")));
}

TEST_F(MediaRetentionTest, AMissingFileHidesThePhoto) {
  const int64_t id = Fetched(4);
  fs::remove(fs::path(config_.dir) / MediaFileName(4, id, "jpg"));
  EXPECT_FALSE(Shown(4));
}

}  // namespace
}  // namespace linli::domain::media::media_retention_test
