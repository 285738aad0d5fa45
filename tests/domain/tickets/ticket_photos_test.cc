// A ticket's fetched photo follows its card into the staff groups that take new-ticket cards
// (issue 11 point 3), as an image message replying to the card, with the fallback text for
// platforms without pictures - and nowhere else.
#include "domain/tickets/ticket_photos.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "domain/media/media_intake.h"
#include "storage/media_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::ticket_photos_test {
namespace {

namespace fs = std::filesystem;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

config::GroupConfig Group(const std::string& chat, std::vector<std::string> posts) {
  config::GroupConfig g;
  g.name = chat;
  g.channel = chat == "robot" ? "wecom_robot" : "tg";
  g.chat_id = chat;
  g.posts = std::move(posts);
  return g;
}

config::Config PhotoConfig() {
  config::Config c = DemoConfig();
  c.groups.push_back(Group("all", {"tickets"}));
  auto b1 = Group("b1", {"tickets"});
  b1.buildings = {"1"};
  c.groups.push_back(b1);
  auto noise = Group("noise", {"tickets"});
  noise.categories = {"noise"};
  c.groups.push_back(noise);
  c.groups.push_back(Group("robot", {"tickets", "digest"}));
  c.groups.push_back(Group("wishes", {"wishes"}));
  c.groups.push_back(Group("decisions", {"decisions"}));
  c.groups.push_back(Group("escalations", {"escalations"}));
  c.groups.push_back(Group("digest", {"digest"}));
  return c;
}

class TicketPhotosTest : public ::testing::Test {
 protected:
  explicit TicketPhotosTest(config::Config c = PhotoConfig()) : h_(std::move(c)) {
    dir_ = fs::temp_directory_path() /
           ("linli_ticket_photos_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    h_.mutable_config().media.dir = dir_.string();
  }
  ~TicketPhotosTest() override { fs::remove_all(dir_); }

  // A photo of ticket `number` queued from channel "tg", fetched and written like the media
  // worker does; the row as the worker hands it to PostTicketPhoto.
  storage::MediaItem Fetched(int64_t number, const std::string& ref, bool write_file = true) {
    const storage::Ticket t = h_.Ticket(number);
    storage::MediaItem item;
    auto id = storage::MediaStore::Enqueue(h_.db(), t.id, "tg", ref, "", h_.clock().NowMillis());
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(storage::MediaStore::ClaimDue(h_.db(), h_.clock().NowMillis(), 8).ok());
    const std::string name = domain::media::MediaFileName(t.id, *id, "jpg");
    if (write_file) {
      EXPECT_TRUE(domain::media::WriteMediaFile(h_.config().media, name, "\xFF\xD8\xFF\xE0jpeg").ok());
    }
    EXPECT_TRUE(storage::MediaStore::MarkFetched(h_.db(), *id, name, 8, "00", "image/jpeg",
                                                 h_.clock().NowMillis())
                    .ok());
    auto row = storage::MediaStore::Find(h_.db(), *id);
    EXPECT_TRUE(row.ok() && row->has_value());
    if (row.ok() && row->has_value()) item = **row;
    return item;
  }
  std::vector<OutboundMessage> Post(const storage::MediaItem& item) {
    EXPECT_TRUE(domain::PostTicketPhoto(h_.db(), h_.deps(), item, h_.clock().NowMillis()).ok());
    return h_.TakeOutbox();
  }
  static std::vector<std::string> ImageChats(const std::vector<OutboundMessage>& out) {
    std::vector<std::string> chats;
    for (const auto& m : out) {
      if (m.image) chats.push_back(m.to.chat_id);
    }
    return chats;
  }

  DialogHarness h_;
  fs::path dir_;
};

TEST_F(TicketPhotosTest, GoesToEveryGroupThatTookTheCardAndNowhereElse) {
  const int64_t n = h_.Report("user-1", "2", "3号楼2单元");
  h_.TakeOutbox();
  const storage::MediaItem item = Fetched(n, "AgACphoto-large");
  const auto out = Post(item);
  ASSERT_EQ(out.size(), 2u);  // nothing but the photos
  EXPECT_EQ(ImageChats(out), (std::vector<std::string>{"all", "robot"}));
  const std::string number = std::to_string(n);
  for (const auto& m : out) {
    ASSERT_TRUE(m.image.has_value());
    EXPECT_EQ(m.to.chat_type, ChatType::kGroup);
    EXPECT_EQ(m.image->path, (dir_ / item.local_path).string());
    EXPECT_EQ(m.image->content_type, "image/jpeg");
    EXPECT_EQ(m.image->platform_ref, "AgACphoto-large");
    EXPECT_EQ(m.image->ref_channel, "tg");
    // Replies to the card there, and is no card itself (the card is edited; the photo is not).
    EXPECT_EQ(m.reply_card_kind, "ticket");
    EXPECT_EQ(m.reply_card_ref, number);
    EXPECT_TRUE(m.card_kind.empty());
    EXPECT_TRUE(m.edit_of.empty());
    // The caption: number and category, nothing about the person or the place.
    EXPECT_TRUE(Has(m.image->caption, "#" + number)) << m.image->caption;
    EXPECT_TRUE(Has(m.image->caption, "设施维修")) << m.image->caption;
    EXPECT_FALSE(Has(m.image->caption, "3号楼")) << m.image->caption;
    EXPECT_FALSE(Has(m.image->caption, "楼道灯")) << m.image->caption;
    // The text where no picture can go: says where to see it.
    EXPECT_TRUE(Has(m.text, "#" + number)) << m.text;
    EXPECT_TRUE(Has(m.text, "照片见控制台")) << m.text;
    EXPECT_FALSE(Has(m.text, "3号楼")) << m.text;
  }
}

TEST_F(TicketPhotosTest, NothingWhenTheFileIsGoneOrAnotherPhotoWasPosted) {
  const int64_t n = h_.Report();
  h_.TakeOutbox();
  EXPECT_TRUE(Post(Fetched(n, "gone", /*write_file=*/false)).empty());  // erased meanwhile
  const int64_t m = h_.Report();
  h_.TakeOutbox();
  EXPECT_EQ(Post(Fetched(m, "first")).size(), 2u);
  EXPECT_TRUE(Post(Fetched(m, "second")).empty());  // the ticket's photo went already
}

TEST_F(TicketPhotosTest, NothingForATicketNoGroupTakes) {
  const int64_t n = h_.Report("user-1", "2", "4号楼1单元");
  h_.TakeOutbox();
  h_.mutable_config().groups = {Group("b1", {"tickets"}), Group("wishes", {"wishes"}),
                                Group("escalations", {"escalations"})};
  h_.mutable_config().groups[0].buildings = {"1"};
  EXPECT_TRUE(Post(Fetched(n, "AgACphoto")).empty());
}

TEST_F(TicketPhotosTest, EnglishTextsToo) {
  const int64_t n = h_.Report();
  h_.TakeOutbox();
  h_.mutable_config().locale = "en";
  const auto out = Post(Fetched(n, "AgACphoto"));
  ASSERT_FALSE(out.empty());
  EXPECT_TRUE(Has(out[0].image->caption, "#" + std::to_string(n))) << out[0].image->caption;
  EXPECT_TRUE(Has(out[0].text, "console")) << out[0].text;
}

}  // namespace
}  // namespace linli::dialogs::ticket_photos_test
