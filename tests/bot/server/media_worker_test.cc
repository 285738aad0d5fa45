// The media worker against the fake Telegram Bot API over loopback: a photo queued at intake
// is fetched into the media folder; oversize and non-image answers are refused and nothing is
// stored; a transient failure is retried after the backoff; a permanent one is recorded with
// the platform's error and the row keeps the platform ref.
#include "bot/server/media_worker.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <thread>
#include <fstream>
#include <sstream>

#include "adapters/telegram/telegram_adapter.h"
#include "domain/media/media_intake.h"
#include "domain/media/ticket_media.h"
#include "storage/media_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_telegram_api.h"
#include "tests/fakes/loopback_http_client.h"

namespace linli::media_worker_test {
namespace {

namespace fs = std::filesystem;

constexpr char kToken[] = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

std::string Jpeg(size_t size) {
  std::string b = "\xFF\xD8\xFF\xE0";
  b.resize(size, 'x');
  return b;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class MediaWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("linli_media_worker_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(storage::Migrate(**db).ok());
    queue_ = std::make_unique<storage::WriteQueue>(std::move(db).value(), 64);
    config::ChannelConfig c;
    c.name = "tg";
    c.type = "telegram";
    c.api_base = api_.api_base();
    c.fields = {{"token", kToken}, {"secret_token", "secret"}};
    auto a = adapters::telegram::TelegramAdapter::Create(c, deps_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    tg_ = std::move(a).value();
    options_.dir = dir_.string();
    options_.max_bytes = 4096;
    options_.max_attempts = 3;
    worker_ = std::make_unique<MediaWorker>(
        *queue_, clock_, options_,
        [this](const std::string& ch) -> Adapter* { return ch == "tg" ? tg_.get() : nullptr; });
  }
  void TearDown() override {
    worker_.reset();
    queue_->Stop();
    fs::remove_all(dir_);
  }

  int64_t Queue(int64_t ticket_id, const std::string& ref) {
    int64_t id = 0;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(id, storage::MediaStore::Enqueue(db, ticket_id, "tg", ref, "",
                                                              clock_.NowMillis()));
      return Status::Ok();
    }).ok());
    return id;
  }
  storage::MediaItem Row(int64_t id) {
    storage::MediaItem item;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto found, storage::MediaStore::Find(db, id));
      if (found) item = *found;
      return Status::Ok();
    }).ok());
    return item;
  }
  std::optional<domain::media::TicketMedia> Lookup(int64_t ticket_id) {
    std::optional<domain::media::TicketMedia> out;
    EXPECT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(out, domain::media::TicketMediaFor(db, options_, ticket_id));
      return Status::Ok();
    }).ok());
    return out;
  }
  int RunOnce() {
    auto n = worker_->RunOnce();
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }
  size_t FilesInDir() {
    if (!fs::exists(dir_)) return 0;
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
  testing::FakeTelegramApi api_{kToken};
  testing::FakeClock clock_;
  testing::LoopbackHttpClient http_;
  adapters::AdapterDeps deps_{clock_, http_};
  std::unique_ptr<Adapter> tg_;
  config::MediaConfig options_;
  std::unique_ptr<storage::WriteQueue> queue_;
  std::unique_ptr<MediaWorker> worker_;
};

TEST_F(MediaWorkerTest, FetchesThePhotoIntoTheMediaFolder) {
  const std::string bytes = Jpeg(1500);
  api_.AddFile("AgACphoto", bytes);
  const int64_t id = Queue(7, "AgACphoto");
  EXPECT_FALSE(Lookup(7).has_value());  // not fetched yet
  EXPECT_EQ(RunOnce(), 1);
  const storage::MediaItem row = Row(id);
  EXPECT_EQ(row.state, storage::MediaState::kFetched);
  EXPECT_EQ(row.local_path, "ticket-7-" + std::to_string(id) + ".jpg");
  EXPECT_EQ(row.bytes, 1500);
  EXPECT_EQ(row.sha256, domain::media::Sha256Hex(bytes));
  EXPECT_EQ(row.content_type, "image/jpeg");
  EXPECT_EQ(row.platform_ref, "AgACphoto");
  auto media = Lookup(7);
  ASSERT_TRUE(media.has_value());
  EXPECT_EQ(media->content_type, "image/jpeg");
  EXPECT_EQ(ReadFile(media->path), bytes);
  EXPECT_EQ(fs::path(media->path).parent_path(), dir_);
  // getFile with the file id, then the download of its path, both with the bot token.
  auto calls = api_.requests("getFile");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].http_method, "GET");
  EXPECT_EQ(api_.download_count(), 1u);
  EXPECT_EQ(worker_->fetched(), 1u);
  EXPECT_EQ(RunOnce(), 0);  // nothing left due
}

TEST_F(MediaWorkerTest, RefusesAFileOverTheCapWithoutDownloadingIt) {
  api_.AddFile("big", Jpeg(5000));
  const int64_t id = Queue(8, "big");
  EXPECT_EQ(RunOnce(), 1);
  const storage::MediaItem row = Row(id);
  EXPECT_EQ(row.state, storage::MediaState::kRefused);
  EXPECT_NE(row.last_error.find("too large"), std::string::npos) << row.last_error;
  EXPECT_EQ(api_.download_count(), 0u);  // getFile's file_size said so
  EXPECT_EQ(FilesInDir(), 0u);
  EXPECT_FALSE(Lookup(8).has_value());
  EXPECT_EQ(worker_->refused(), 1u);
}

TEST_F(MediaWorkerTest, RefusesOversizeBytesWhenTheSizeWasNotAnnounced) {
  api_.AddFile("liar", Jpeg(5000), "image/jpeg", /*reported_size=*/100);
  const int64_t id = Queue(8, "liar");
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(Row(id).state, storage::MediaState::kRefused);
  EXPECT_EQ(api_.download_count(), 1u);
  EXPECT_EQ(FilesInDir(), 0u);
}

TEST_F(MediaWorkerTest, RefusesBytesThatAreNotAnImage) {
  api_.AddFile("html", "<html>not a photo</html>", "image/jpeg");
  const int64_t id = Queue(9, "html");
  EXPECT_EQ(RunOnce(), 1);
  const storage::MediaItem row = Row(id);
  EXPECT_EQ(row.state, storage::MediaState::kRefused);
  EXPECT_NE(row.last_error.find("not an image"), std::string::npos) << row.last_error;
  EXPECT_EQ(FilesInDir(), 0u);
  EXPECT_FALSE(Lookup(9).has_value());
}

TEST_F(MediaWorkerTest, RetriesATransientFailureAfterTheBackoff) {
  api_.AddFile("p", Jpeg(600));
  api_.FailNextWith500("getFile", 1);
  const int64_t id = Queue(10, "p");
  EXPECT_EQ(RunOnce(), 1);
  storage::MediaItem row = Row(id);
  EXPECT_EQ(row.state, storage::MediaState::kPending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt_at_ms, clock_.NowMillis() + domain::media::FetchBackoffMs(1));
  EXPECT_NE(row.last_error.find("HTTP 500"), std::string::npos) << row.last_error;
  EXPECT_EQ(RunOnce(), 0);  // not due yet
  clock_.Advance(std::chrono::milliseconds(domain::media::FetchBackoffMs(1)));
  EXPECT_EQ(RunOnce(), 1);
  row = Row(id);
  EXPECT_EQ(row.state, storage::MediaState::kFetched);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_TRUE(Lookup(10).has_value());
  EXPECT_EQ(worker_->retried(), 1u);
}

TEST_F(MediaWorkerTest, GivesUpAfterMaxAttempts) {
  api_.AddFile("p", Jpeg(600));
  api_.FailNextWith500("getFile", 10);
  const int64_t id = Queue(11, "p");
  for (int i = 0; i < options_.max_attempts; ++i) {
    EXPECT_EQ(RunOnce(), 1);
    clock_.Advance(std::chrono::hours(1));
  }
  EXPECT_EQ(Row(id).state, storage::MediaState::kFailed);
  EXPECT_EQ(RunOnce(), 0);
}

TEST_F(MediaWorkerTest, RecordsAPermanentFailureWithThePlatformError) {
  const int64_t id = Queue(12, "unknown-file-id");  // the fake answers 400 invalid file_id
  EXPECT_EQ(RunOnce(), 1);
  const storage::MediaItem row = Row(id);
  EXPECT_EQ(row.state, storage::MediaState::kFailed);
  EXPECT_NE(row.last_error.find("HTTP 400"), std::string::npos) << row.last_error;
  EXPECT_NE(row.last_error.find("invalid file_id"), std::string::npos) << row.last_error;
  EXPECT_EQ(row.platform_ref, "unknown-file-id");  // the ref is kept
  EXPECT_EQ(row.last_error.find(kToken), std::string::npos);
  EXPECT_EQ(worker_->failed(), 1u);
  EXPECT_FALSE(Lookup(12).has_value());
}

TEST_F(MediaWorkerTest, AnUnknownChannelFailsPermanently) {
  int64_t id = 0;
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(id, storage::MediaStore::Enqueue(db, 13, "gone", "x", "", 0));
    return Status::Ok();
  }).ok());
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(Row(id).state, storage::MediaState::kFailed);
}

TEST_F(MediaWorkerTest, StartRecoversRowsLeftFetching) {
  api_.AddFile("p", Jpeg(600));
  const int64_t id = Queue(14, "p");
  ASSERT_TRUE(queue_->Run([&](storage::Database& db) {
    return storage::MediaStore::ClaimDue(db, clock_.NowMillis(), 8).status();
  }).ok());
  EXPECT_EQ(Row(id).state, storage::MediaState::kFetching);
  ASSERT_TRUE(worker_->Start().ok());
  for (int i = 0; i < 200 && Row(id).state != storage::MediaState::kFetched; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  worker_->Stop();
  EXPECT_EQ(Row(id).state, storage::MediaState::kFetched);
}

// The fetched hook (how a photo reaches the staff groups, domain/tickets/ticket_photos.h) runs
// in the transaction that marks the row fetched, once per row: not for a refused or failed
// fetch, not again on a later pass, and its error rolls the mark back.
class MediaWorkerHookTest : public MediaWorkerTest {
 protected:
  void UseHook(Status answer) {
    worker_ = std::make_unique<MediaWorker>(
        *queue_, clock_, options_,
        [this](const std::string& ch) -> Adapter* { return ch == "tg" ? tg_.get() : nullptr; },
        1000,
        [this, answer](storage::Database& db, const storage::MediaItem& item, int64_t now_ms) {
          // Inside the mark's transaction: the row reads as fetched already.
          auto row = storage::MediaStore::Find(db, item.id);
          EXPECT_TRUE(row.ok() && row->has_value() &&
                      (*row)->state == storage::MediaState::kFetched);
          seen_.push_back(item);
          seen_at_.push_back(now_ms);
          return answer;
        },
        [this] { ++after_; });
  }
  std::vector<storage::MediaItem> seen_;
  std::vector<int64_t> seen_at_;
  int after_ = 0;
};

TEST_F(MediaWorkerHookTest, RunsOnceForAFetchedPhotoWithTheStoredRow) {
  UseHook(Status::Ok());
  api_.AddFile("AgACphoto", Jpeg(900));
  api_.AddFile("html", "<html>not a photo</html>", "image/jpeg");
  const int64_t id = Queue(21, "AgACphoto");
  Queue(22, "html");     // refused: no hook
  Queue(23, "missing");  // failed permanently: no hook
  EXPECT_EQ(RunOnce(), 3);
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].id, id);
  EXPECT_EQ(seen_[0].ticket_id, 21);
  EXPECT_EQ(seen_[0].channel, "tg");
  EXPECT_EQ(seen_[0].platform_ref, "AgACphoto");
  EXPECT_EQ(seen_[0].local_path, Row(id).local_path);
  EXPECT_EQ(seen_[0].content_type, "image/jpeg");
  EXPECT_EQ(seen_[0].bytes, 900);
  EXPECT_EQ(seen_at_[0], clock_.NowMillis());
  EXPECT_EQ(after_, 1);
  // A later pass (or a restart: the row is fetched, never claimed again) runs nothing more.
  EXPECT_EQ(RunOnce(), 0);
  ASSERT_TRUE(worker_->Start().ok());
  worker_->Stop();
  EXPECT_EQ(seen_.size(), 1u);
}

TEST_F(MediaWorkerHookTest, AHookErrorRollsTheMarkBack) {
  UseHook(Status::Internal("disk on fire"));
  api_.AddFile("AgACphoto", Jpeg(900));
  const int64_t id = Queue(24, "AgACphoto");
  EXPECT_EQ(RunOnce(), 1);
  EXPECT_EQ(seen_.size(), 1u);
  EXPECT_EQ(Row(id).state, storage::MediaState::kFetching);  // fetched again at the next start
  EXPECT_EQ(after_, 0);
}

}  // namespace
}  // namespace linli::media_worker_test
