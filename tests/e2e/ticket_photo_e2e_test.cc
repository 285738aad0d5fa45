// Issue 11 point 3, the photo: through the real server on loopback. A resident reports a
// problem with a photo from Telegram; the staff groups that take new-ticket cards get the card
// and then the photo as a reply to it - the Telegram group of the same bot by the photo's file
// id, a Telegram group of another bot by upload (the fake Bot API records the bytes), and a
// WeCom group robot as an image message (base64 + md5). A wishes group gets nothing, and a
// restart sends nothing twice.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_wecom_robot.h"

namespace linli::e2e::ticket_photo_e2e_test {
namespace {

constexpr int64_t kResident = 5570001;
constexpr int64_t kGroup = -1007001;       // on the resident's bot ("tg")
constexpr int64_t kStaffGroup = -1007002;  // on the staff bot ("tg-staff")
constexpr int64_t kWishGroup = -1007003;   // wishes only
constexpr char kStaffToken[] = "456:STAFF";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Jpeg() {
  std::string b = "\xFF\xD8\xFF\xE0\x00\x10JFIF";
  b.resize(6000, '\x33');
  b[2000] = '\0';
  return b;
}

std::vector<FakeTelegramApi::Request> To(const std::vector<FakeTelegramApi::Request>& all,
                                         int64_t chat) {
  std::vector<FakeTelegramApi::Request> out;
  for (const auto& r : all) {
    if (r.answered_status != 200) continue;
    const testing::FakeFormPart* part = nullptr;
    for (const auto& p : r.form) {
      if (p.name == "chat_id") part = &p;
    }
    if (part != nullptr ? part->content == std::to_string(chat) : IsToChat(r, chat)) {
      out.push_back(r);
    }
  }
  return out;
}

std::string Field(const FakeTelegramApi::Request& r, const std::string& name) {
  for (const auto& p : r.form) {
    if (p.name == name) return p.content;
  }
  return "";
}

class TicketPhotoE2eTest : public ::testing::Test {
 protected:
  void Start() {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [this](config::Config& c) {
      c.media.dir = h_.dir() + "/photos";
      config::ChannelConfig staff_bot;
      staff_bot.name = "tg-staff";
      staff_bot.type = "telegram";
      staff_bot.api_base = staff_api_.api_base();
      staff_bot.fields = {{"token", kStaffToken}, {"secret_token", "s2"}, {"timeout_ms", "5000"}};
      c.channels.push_back(staff_bot);
      config::ChannelConfig robot;
      robot.name = "wecom-staff";
      robot.type = "wecom_robot";
      robot.api_base = robot_.api_base();
      robot.fields["key"] = "k1";
      c.channels.push_back(robot);
      c.groups.push_back({"property", kChannel, std::to_string(kGroup), {"tickets"}, {}});
      c.groups.push_back({"street", "tg-staff", std::to_string(kStaffGroup), {"tickets"}, {}});
      c.groups.push_back({"wecom", "wecom-staff", "property", {"tickets"}, {}});
      c.groups.push_back({"wishes", kChannel, std::to_string(kWishGroup), {"wishes"}, {}});
    }));
  }

  std::string Private(const std::string& text) {
    EXPECT_EQ(h_.SendText(kResident, text), 200);
    return h_.NextReplyText(kResident);
  }

  int SendPhoto() {
    json update{{"update_id", h_.NextUpdateId()},
                {"message",
                 {{"message_id", 710001},
                  {"from", {{"id", kResident}, {"is_bot", false}, {"first_name", "小张"}}},
                  {"chat", {{"id", kResident}, {"first_name", "小张"}, {"type", "private"}}},
                  {"date", 1795568400},
                  {"photo",
                   json::array({{{"file_id", "AgACphoto-small"}, {"file_unique_id", "s"},
                                 {"width", 90}, {"height", 90}},
                                {{"file_id", "AgACphoto-large"}, {"file_unique_id", "l"},
                                 {"width", 1280}, {"height", 960}}})}}}};
    return h_.PostWebhook(update.dump()).status;
  }

  // Waits until `fake` has `n` successful calls of `method` to `chat`.
  static std::vector<FakeTelegramApi::Request> WaitFor(const FakeTelegramApi& fake,
                                                       const std::string& method, int64_t chat,
                                                       size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    auto got = To(fake.requests(method), chat);
    while (got.size() < n && std::chrono::steady_clock::now() < deadline) {
      fake.WaitForRequests(fake.request_count() + 1, 50ms);
      got = To(fake.requests(method), chat);
    }
    return got;
  }
  std::vector<testing::RobotDelivery> WaitForRobot(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (robot_.delivered().size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return robot_.delivered();
  }
  static int64_t MessageId(const FakeTelegramApi::Request& r) {
    if (!r.body.is_object() || !r.body.contains("reply_parameters")) return 0;
    const json& id = r.body.at("reply_parameters").value("message_id", json());
    return id.is_number_integer() ? id.get<int64_t>() : 0;
  }
  int64_t CardMessageId(const std::string& channel, int64_t chat) {
    auto db = h_.OpenDb();
    return CountRows(*db,
                     "SELECT CAST(platform_message_id AS INTEGER) FROM card_refs WHERE kind = "
                     "'ticket' AND ref = '1' AND channel = ? AND chat_id = ?",
                     {channel, std::to_string(chat)});
  }

  testing::FakeClock clock_;
  Harness h_;
  FakeTelegramApi staff_api_{kStaffToken};
  testing::FakeWecomRobot robot_{clock_, "k1"};
};

TEST_F(TicketPhotoE2eTest, ThePhotoFollowsTheCardIntoEveryTicketGroupOnce) {
  const std::string bytes = Jpeg();
  h_.api().AddFile("AgACphoto-large", bytes);
  Start();
  EXPECT_TRUE(Contains(Private("报事"), "请选择问题类别"));
  EXPECT_TRUE(Contains(Private("2"), "问题在哪里"));
  EXPECT_TRUE(Contains(Private("3号楼2单元"), "请简单描述"));
  EXPECT_TRUE(Contains(Private("楼道灯坏了，晚上很黑"), "跳过"));
  ASSERT_EQ(SendPhoto(), 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "3号楼2单元"));  // the confirmation
  EXPECT_TRUE(Contains(Private("1"), "#1"));

  // The resident's bot's group: the card, then the photo by its file id, replying to the card.
  auto cards = WaitFor(h_.api(), "sendMessage", kGroup, 1);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(cards[0]), "照片：有")) << TextOf(cards[0]);
  auto photos = WaitFor(h_.api(), "sendPhoto", kGroup, 1);
  ASSERT_EQ(photos.size(), 1u);
  EXPECT_EQ(photos[0].body["photo"], "AgACphoto-large");
  EXPECT_TRUE(photos[0].form.empty());  // nothing uploaded
  const std::string caption = photos[0].body.value("caption", "");
  EXPECT_TRUE(Contains(caption, "#1")) << caption;
  EXPECT_TRUE(Contains(caption, "设施维修")) << caption;
  EXPECT_FALSE(Contains(caption, "3号楼")) << caption;
  const int64_t card_id = CardMessageId(kChannel, kGroup);
  ASSERT_GT(card_id, 0);
  EXPECT_EQ(MessageId(photos[0]), card_id);

  // The staff bot's group: the photo uploaded, the same bytes, replying to that bot's card.
  auto staff_photos = WaitFor(staff_api_, "sendPhoto", kStaffGroup, 1);
  ASSERT_EQ(staff_photos.size(), 1u);
  EXPECT_EQ(WaitFor(staff_api_, "sendMessage", kStaffGroup, 1).size(), 1u);  // the card
  EXPECT_EQ(staff_photos[0].token, kStaffToken);
  EXPECT_TRUE(Field(staff_photos[0], "photo") == bytes);
  const int64_t staff_card = CardMessageId("tg-staff", kStaffGroup);
  ASSERT_GT(staff_card, 0);
  EXPECT_EQ(json::parse(Field(staff_photos[0], "reply_parameters"))["message_id"], staff_card);
  EXPECT_TRUE(Contains(Field(staff_photos[0], "caption"), "#1"));

  // The WeCom robot: the card, then the image message (the fake checked base64 and md5).
  auto delivered = WaitForRobot(2);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_TRUE(Contains(delivered[0].text, "工单 #1")) << delivered[0].text;
  EXPECT_EQ(delivered[1].text, "[image]");
  ASSERT_EQ(robot_.images().size(), 1u);
  EXPECT_TRUE(robot_.images()[0] == bytes);

  // Never to the wishes group; and a restart sends nothing again.
  EXPECT_TRUE(To(h_.api().requests("sendPhoto"), kWishGroup).empty());
  EXPECT_TRUE(To(h_.api().requests("sendMessage"), kWishGroup).empty());
  h_.StopApp();
  Start();
  std::this_thread::sleep_for(kQuiet);
  EXPECT_EQ(To(h_.api().requests("sendPhoto"), kGroup).size(), 1u);
  EXPECT_EQ(To(staff_api_.requests("sendPhoto"), kStaffGroup).size(), 1u);
  EXPECT_EQ(robot_.delivered().size(), 2u);
  EXPECT_EQ(robot_.images().size(), 1u);
}

TEST_F(TicketPhotoE2eTest, ATicketWithoutAPhotoSendsNoPicture) {
  Start();
  EXPECT_TRUE(Contains(Private("报事"), "请选择问题类别"));
  EXPECT_TRUE(Contains(Private("2"), "问题在哪里"));
  EXPECT_TRUE(Contains(Private("3号楼2单元"), "请简单描述"));
  EXPECT_TRUE(Contains(Private("楼道灯坏了，晚上很黑"), "跳过"));
  Private("跳过");
  EXPECT_TRUE(Contains(Private("1"), "#1"));
  ASSERT_EQ(WaitFor(h_.api(), "sendMessage", kGroup, 1).size(), 1u);  // the card
  ASSERT_EQ(WaitForRobot(1).size(), 1u);
  std::this_thread::sleep_for(kQuiet);
  EXPECT_TRUE(h_.api().requests("sendPhoto").empty());
  EXPECT_TRUE(staff_api_.requests("sendPhoto").empty());
  EXPECT_EQ(robot_.delivered().size(), 1u);
}

}  // namespace
}  // namespace linli::e2e::ticket_photo_e2e_test
