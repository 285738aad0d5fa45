#include "adapters/telegram/telegram_media.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace linli::adapters::telegram::telegram_media_test {
namespace {

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

TEST(TelegramMediaTest, BuildsGetFileAndDownloadOnTheApiBase) {
  HttpClientRequest get = GetFileRequest("http://127.0.0.1:9", "1:tok", "AgAC+x/y");
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.url, "http://127.0.0.1:9/bot1:tok/getFile?file_id=AgAC%2Bx%2Fy");
  HttpClientRequest dl = FileDownloadRequest("http://127.0.0.1:9", "1:tok", "photos/file_3.jpg");
  EXPECT_EQ(dl.method, "GET");
  EXPECT_EQ(dl.url, "http://127.0.0.1:9/file/bot1:tok/photos/file_3.jpg");
}

TEST(TelegramMediaTest, ReadsTheFilePathAndSize) {
  auto out = ParseGetFile(Json(200, R"({"ok":true,"result":{"file_id":"A","file_unique_id":"u",)"
                                    R"("file_size":2048,"file_path":"photos/file_3.jpg"}})"),
                          4096);
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.file.file_path, "photos/file_3.jpg");
  EXPECT_EQ(out.file.file_size, 2048u);
}

TEST(TelegramMediaTest, RefusesAnAnnouncedSizeOverTheCap) {
  auto out = ParseGetFile(
      Json(200, R"({"ok":true,"result":{"file_size":5000,"file_path":"photos/a.jpg"}})"), 4096);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.failed.outcome, MediaFetchResult::Outcome::kTooLarge);
}

TEST(TelegramMediaTest, ClassifiesErrors) {
  auto wrong = ParseGetFile(
      Json(400, R"({"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"})"), 0);
  ASSERT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.failed.outcome, MediaFetchResult::Outcome::kPermanent);
  EXPECT_EQ(wrong.failed.error, "telegram getFile: HTTP 400: Bad Request: invalid file_id");
  for (int status : {429, 500, 502}) {
    auto busy = ParseGetFile(Json(status, R"({"ok":false,"error_code":)" + std::to_string(status) + "}"), 0);
    ASSERT_FALSE(busy.ok);
    EXPECT_EQ(busy.failed.outcome, MediaFetchResult::Outcome::kRetry) << status;
  }
  auto junk = ParseGetFile(Json(200, "<html>"), 0);
  ASSERT_FALSE(junk.ok);
  EXPECT_EQ(junk.failed.outcome, MediaFetchResult::Outcome::kRetry);
  auto no_path = ParseGetFile(Json(200, R"({"ok":true,"result":{"file_id":"A"}})"), 0);
  ASSERT_FALSE(no_path.ok);
  EXPECT_EQ(no_path.failed.outcome, MediaFetchResult::Outcome::kRetry);
}

TEST(TelegramMediaTest, NeverFollowsAFilePathOutOfTheFileTree) {
  for (const char* path : {"../bot1:tok/getMe", "/etc/passwd", "photos/..", "a\\b", "a?b=1",
                           "photos/\n.jpg"}) {
    auto out = ParseGetFile(Json(200, nlohmann::json{{"ok", true},
                                                     {"result", {{"file_path", path}}}}
                                          .dump()),
                            0);
    ASSERT_FALSE(out.ok) << path;
    EXPECT_EQ(out.failed.outcome, MediaFetchResult::Outcome::kPermanent) << path;
  }
}

TEST(TelegramMediaTest, SharedDownloadAndTransportClassification) {
  HttpResponse ok;
  ok.status = 200;
  ok.content_type = "image/jpeg";
  ok.body = "\xFF\xD8\xFF";
  MediaFetchResult fetched = MediaDownloadAnswer(ok, "x");
  EXPECT_EQ(fetched.outcome, MediaFetchResult::Outcome::kFetched);
  EXPECT_EQ(fetched.bytes, "\xFF\xD8\xFF");
  EXPECT_EQ(fetched.content_type, "image/jpeg");
  ok.status = 404;
  EXPECT_EQ(MediaDownloadAnswer(ok, "x").outcome, MediaFetchResult::Outcome::kPermanent);
  ok.status = 503;
  EXPECT_EQ(MediaDownloadAnswer(ok, "x").outcome, MediaFetchResult::Outcome::kRetry);
  EXPECT_EQ(MediaTransportFailure(Status::Unavailable("x"), "x").outcome,
            MediaFetchResult::Outcome::kRetry);
  EXPECT_EQ(MediaTransportFailure(Status::DeadlineExceeded("x"), "x").outcome,
            MediaFetchResult::Outcome::kRetry);
  EXPECT_EQ(MediaTransportFailure(Status::ResourceExhausted("x"), "x").outcome,
            MediaFetchResult::Outcome::kTooLarge);
  EXPECT_EQ(MediaTransportFailure(Status::InvalidArgument("x"), "x").outcome,
            MediaFetchResult::Outcome::kPermanent);
}

}  // namespace
}  // namespace linli::adapters::telegram::telegram_media_test
