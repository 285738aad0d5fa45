#include "domain/media/media_intake.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <thread>
#include <fstream>

#include "domain/media/image_type.h"

namespace linli::domain::media::media_intake_test {
namespace {

namespace fs = std::filesystem;

TEST(SniffImageTest, KnowsTheFourImageTypesByTheirMagicNumbers) {
  EXPECT_EQ(SniffImage("\xFF\xD8\xFF\xE0rest")->content_type, "image/jpeg");
  EXPECT_EQ(SniffImage(std::string("\x89PNG\r\n\x1A\n\0\0", 10))->extension, "png");
  EXPECT_EQ(SniffImage("GIF89a....")->content_type, "image/gif");
  EXPECT_EQ(SniffImage("GIF87a....")->content_type, "image/gif");
  // With their NUL bytes (a literal alone would stop at the first).
  const auto webp = SniffImage(std::string_view("RIFF\x10\0\0\0WEBPVP8 ", 16));
  ASSERT_TRUE(webp.has_value());
  EXPECT_EQ(webp->content_type, "image/webp");
  EXPECT_FALSE(SniffImage(std::string_view("RIFF\x10\0\0\0WAVEfmt ", 16)).has_value());  // audio
  EXPECT_FALSE(SniffImage("").has_value());
  EXPECT_FALSE(SniffImage("\xFF\xD8").has_value());  // truncated
  EXPECT_FALSE(SniffImage("{\"errcode\":40007}").has_value());
  EXPECT_FALSE(SniffImage("<html>").has_value());
}

TEST(JudgeFetchedTest, KeepsImagesUpToTheCapAndRefusesTheRest) {
  std::string jpeg = "\xFF\xD8\xFF";
  jpeg.resize(100, 'x');
  Judgement ok = JudgeFetched(jpeg, 100);
  EXPECT_TRUE(ok.keep);
  EXPECT_EQ(ok.content_type, "image/jpeg");
  EXPECT_EQ(ok.extension, "jpg");
  Judgement big = JudgeFetched(jpeg, 99);
  EXPECT_FALSE(big.keep);
  EXPECT_EQ(big.refusal, "too large: 100 bytes over 99");
  Judgement text = JudgeFetched("hello", 100);
  EXPECT_FALSE(text.keep);
  EXPECT_EQ(text.refusal, "not an image (JPEG/PNG/GIF/WebP)");
}

TEST(MediaFileNameTest, IsMadeFromOurIdsOnly) {
  EXPECT_EQ(MediaFileName(12, 3, "jpg"), "ticket-12-3.jpg");
  // Whatever comes in as an extension, no separator or dot survives.
  EXPECT_EQ(MediaFileName(1, 2, "../../etc/passwd"), "ticket-1-2.etcpasswd");
  EXPECT_EQ(MediaFileName(1, 2, ""), "ticket-1-2.bin");
}

TEST(Sha256HexTest, MatchesTheKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FetchBackoffTest, DoublesFromThirtySecondsUpToAnHour) {
  EXPECT_EQ(FetchBackoffMs(1), 30'000);
  EXPECT_EQ(FetchBackoffMs(2), 60'000);
  EXPECT_EQ(FetchBackoffMs(3), 120'000);
  EXPECT_EQ(FetchBackoffMs(8), 3'600'000);
  EXPECT_EQ(FetchBackoffMs(50), 3'600'000);
}

TEST(WriteMediaFileTest, WritesThroughATemporaryFileAndRemoves) {
  config::MediaConfig c;
  c.dir = (fs::temp_directory_path() / ("linli_media_write_" + std::to_string(::getpid()))).string();
  fs::remove_all(c.dir);
  ASSERT_TRUE(WriteMediaFile(c, "ticket-1-1.jpg", "bytes").ok());
  std::ifstream in(fs::path(c.dir) / "ticket-1-1.jpg", std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, "bytes");
  EXPECT_FALSE(fs::exists(fs::path(c.dir) / "ticket-1-1.jpg.part"));
  ASSERT_TRUE(RemoveMediaFile(c, "ticket-1-1.jpg").ok());
  EXPECT_FALSE(fs::exists(fs::path(c.dir) / "ticket-1-1.jpg"));
  EXPECT_TRUE(RemoveMediaFile(c, "ticket-1-1.jpg").ok());  // already gone: fine
  fs::remove_all(c.dir);
}

}  // namespace
}  // namespace linli::domain::media::media_intake_test
