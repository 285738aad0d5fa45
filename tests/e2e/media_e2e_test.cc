// Issue 11 point 4 end to end: a resident reports a problem with a photo over the Telegram
// webhook; after the ticket's commit the media worker fetches the photo from the (fake) Bot
// API into the media folder, and the ticket's media lookup returns it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/media/ticket_media.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"
#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::media_e2e_test {
namespace {

constexpr int64_t kUser = 5550401;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string PhotoBytes() {
  std::string b = "\xFF\xD8\xFF\xE0\x00\x10JFIF";
  b.resize(3000, '\x42');
  return b;
}

TEST(MediaE2eTest, ATelegramReportWithAPhotoLandsInTheMediaFolder) {
  Harness h;
  const std::string bytes = PhotoBytes();
  h.api().AddFile("AgACAgUAAxk-large", bytes);
  const std::string media_dir = h.dir() + "/photos";
  ASSERT_TRUE(h.StartApp({}, [&](config::Config& c) { c.media.dir = media_dir; }));

  ASSERT_EQ(h.SendText(kUser, "报事"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "1"), 200);  // the first category
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "问题在哪里"));
  ASSERT_EQ(h.SendText(kUser, "3号楼2单元"), 200);
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "请简单描述"));
  ASSERT_EQ(h.SendText(kUser, "楼道灯坏了，晚上很黑"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);  // the photo prompt

  // The photo, in two sizes: the larger one is the ticket's.
  nlohmann::json update = h.TextUpdate(kUser, "");
  update["message"].erase("text");
  update["message"]["photo"] = nlohmann::json::array(
      {{{"file_id", "AgACAgUAAxk-small"}, {"file_unique_id", "s"}, {"width", 90}, {"height", 60}},
       {{"file_id", "AgACAgUAAxk-large"}, {"file_unique_id", "l"}, {"width", 1280}, {"height", 960}}});
  ASSERT_EQ(h.PostWebhook(update.dump()).status, 200);
  EXPECT_FALSE(h.NextReplyText(kUser).empty());  // the confirmation
  ASSERT_EQ(h.SendText(kUser, "1"), 200);
  EXPECT_TRUE(Contains(h.NextReplyText(kUser), "#1"));

  // The worker fetches it after the commit (bounded wait).
  std::optional<domain::media::TicketMedia> media;
  int64_t ticket_id = 0;
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!media && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(h.app().write_queue().Run([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto ticket, storage::TicketStore::FindByNumber(db, 1));
      if (!ticket) return Status::Ok();
      ticket_id = ticket->id;
      EXPECT_EQ(ticket->photo_ref, "AgACAgUAAxk-large");
      LINLI_ASSIGN_OR_RETURN(media, domain::media::TicketMediaFor(db, h.app().config().media,
                                                                  ticket->id));
      return Status::Ok();
    }).ok());
    if (!media) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(media.has_value()) << "the photo was not fetched";
  EXPECT_EQ(media->content_type, "image/jpeg");
  EXPECT_EQ(media->bytes, 3000);
  EXPECT_EQ(std::filesystem::path(media->path).parent_path(), std::filesystem::path(media_dir));
  EXPECT_EQ(std::filesystem::path(media->path).filename().string().rfind(
                "ticket-" + std::to_string(ticket_id) + "-", 0),
            0u);
  std::ifstream in(media->path, std::ios::binary);
  std::ostringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), bytes);
  // One getFile for the large size, one download.
  auto calls = h.api().requests("getFile");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(h.api().download_count(), 1u);
}

}  // namespace
}  // namespace linli::e2e::media_e2e_test
