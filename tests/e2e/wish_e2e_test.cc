// Issue 9, done when (wishes): through the real server on loopback and the fake Telegram Bot
// API. A resident posts, staff approve, the card appears in the configured group with no unit,
// room, name or phone, a volunteer claims by replying to it, the card is edited, the volunteer
// completes, the resident confirms, 积分 shows the points - credited once, a redelivered webhook
// included. Concurrent replies to the card: exactly one claim (or the first two of three for a
// wish needing two), the others told by whom; an unregistered user's claim changes nothing;
// auto-confirm and auto-release with the fake clock (the jobs run at start for the periods
// missed).
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "domain/volunteers/service_record.h"
#include "storage/roster_store.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::wish_e2e_test {
namespace {

constexpr int64_t kResident = 5550001;
constexpr int64_t kStaff = 5550003;
constexpr int64_t kStranger = 5550009;
constexpr int64_t kVol[] = {6001, 6002, 6003};
constexpr const char* kVolName[] = {"李志愿", "王志愿", "赵志愿"};
constexpr int64_t kGroup = -1009999;
constexpr char kAdminToken[] = "wish-e2e-admin-token-0123456789";
constexpr char kWishText[] = "帮我买降压药，我是张三丰，电话13812345678，住3号楼2单元301";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void ExpectGroupSafe(const std::string& text) {
  for (const char* secret : {"张三丰", "13812345678", "2单元", "301"}) {
    EXPECT_FALSE(Contains(text, secret)) << secret << " in: " << text;
  }
}

class WishE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Start()); }

  ::testing::AssertionResult Start() {
    AppOptions options;
    options.clock = &clock_;
    return h_.StartApp(options, [](config::Config& c) {
      c.staff.push_back({kChannel, std::to_string(kStaff), "王网格", "grid", "staff"});
      for (int i = 0; i < 3; ++i) {
        c.volunteers.push_back({kChannel, std::to_string(kVol[i]), kVolName[i], "区税务局党支部"});
      }
      config::GroupConfig g;
      g.name = "volunteers";
      g.channel = kChannel;
      g.chat_id = std::to_string(kGroup);
      g.posts = {"wishes"};
      c.groups.push_back(g);
      c.wishes.points_per_wish = 10;
      c.wishes.points_per_hour = 4;
      c.admin.api_token = kAdminToken;
    });
  }

  std::string Private(int64_t user, const std::string& text) {
    EXPECT_EQ(h_.SendText(user, text), 200);
    return h_.NextReplyText(user);
  }

  json GroupUpdate(int64_t user, const std::string& text, int64_t reply_to, int update_id = -1) {
    json msg{{"message_id", next_group_message_id_++},
             {"from", {{"id", user}, {"is_bot", false}, {"first_name", "志愿者"}, {"language_code", "zh-hans"}}},
             {"chat", {{"id", kGroup}, {"title", "幸福里志愿者群"}, {"type", "supergroup"}}},
             {"date", 1795568400},
             {"text", text}};
    if (reply_to > 0) {
      msg["reply_to_message"] = {{"message_id", reply_to},
                                 {"from", {{"id", 123}, {"is_bot", true}, {"first_name", "Linli"}}},
                                 {"chat", {{"id", kGroup}, {"type", "supergroup"}}},
                                 {"date", 1795568400},
                                 {"text", "【微心愿】"}};
    }
    return json{{"update_id", update_id < 0 ? h_.NextUpdateId() : update_id}, {"message", msg}};
  }

  // Binds the resident to household 3-2-301 (owner 张三丰), as `linli roster` and 绑定 would.
  void BindResident() {
    Private(kResident, "我的信息");  // the person exists from here on
    auto db = h_.OpenDb();
    ASSERT_TRUE(db);
    auto person = CountRows(*db, "SELECT person_id FROM identities WHERE user_id = ?",
                            {std::to_string(kResident)});
    storage::Household hh;
    hh.building = "3";
    hh.unit = "2";
    hh.room = "301";
    hh.owner_name = "张三丰";
    hh.phone = "13812345678";
    ASSERT_TRUE(storage::RosterStore::Import(*db, {hh}, false, 1, nullptr, nullptr).ok());
    auto codes = storage::RosterStore::EnsureCodes(*db, "3", 1, [] { return std::string("87654321"); });
    ASSERT_TRUE(codes.ok() && codes->size() == 1u);
    auto r = storage::RosterStore::RedeemCode(*db, (*codes)[0].code, person, 0, 2, nullptr);
    ASSERT_TRUE(r.ok() && *r == storage::RedeemResult::kBound);
  }

  // The resident posts a wish for `helpers`, staff approve it; returns the card's Telegram
  // message id (read from the card references the outbox recorded).
  int64_t PostAndApprove(const std::string& helpers = "跳过") {
    EXPECT_TRUE(Contains(Private(kResident, "心愿"), "说说您的心愿"));
    EXPECT_TRUE(Contains(Private(kResident, kWishText), "类别"));
    EXPECT_TRUE(Contains(Private(kResident, "1"), "什么时候"));
    EXPECT_TRUE(Contains(Private(kResident, "跳过"), "几位志愿者"));
    EXPECT_TRUE(Contains(Private(kResident, helpers), "请确认心愿"));
    const std::string created = Private(kResident, "1");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(created, m, std::regex("编号 ([0-9]+)"))) << created;
    number_ = m.size() > 1 ? std::stoll(m[1].str()) : 0;
    // Staff are told privately that it waits for review.
    const std::string review = h_.NextReplyText(kStaff);
    EXPECT_TRUE(Contains(review, "待审核")) << review;
    EXPECT_TRUE(Contains(review, "通过 " + std::to_string(number_))) << review;
    EXPECT_TRUE(Contains(Private(kStaff, "通过 " + std::to_string(number_)), "已通过"));
    // The requester is told privately.
    EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "审核通过"));
    auto card = h_.WaitForReplies(kGroup, 1);
    EXPECT_EQ(card.size(), 1u);
    if (!card.empty()) card_text_ = TextOf(card[0]);
    auto db = h_.OpenDb();
    const std::string sql =
        "SELECT COALESCE(MAX(CAST(platform_message_id AS INTEGER)), 0) FROM card_refs WHERE "
        "kind = 'wish' AND ref = '" + std::to_string(number_) + "'";
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    int64_t id = 0;
    while ((id = CountRows(*db, sql)) <= 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return id;
  }

  int64_t Claims() {
    auto db = h_.OpenDb();
    return CountRows(*db, "SELECT COUNT(*) FROM wish_claims WHERE wish_id = ? AND status = 'active'",
                     {number_});
  }
  int64_t Credits() {
    auto db = h_.OpenDb();
    return CountRows(*db, "SELECT COUNT(*) FROM points_ledger WHERE ref = ?", {std::to_string(number_)});
  }

  // Replies 认领 to the card from each of `who` at the same moment (one thread each).
  std::vector<std::string> ConcurrentClaims(const std::vector<int64_t>& who, int64_t card) {
    std::vector<std::string> bodies;
    for (int64_t v : who) bodies.push_back(GroupUpdate(v, "认领", card).dump());
    std::atomic<int> ready{0};
    std::vector<int> statuses(who.size(), 0);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < who.size(); ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < static_cast<int>(who.size())) std::this_thread::yield();
        statuses[i] = h_.PostWebhook(bodies[i]).status;
      });
    }
    for (auto& t : threads) t.join();
    for (int s : statuses) EXPECT_EQ(s, 200);
    std::vector<std::string> replies;
    for (const auto& r : h_.WaitForReplies(kGroup, who.size())) replies.push_back(TextOf(r));
    return replies;
  }

  testing::FakeClock clock_;
  Harness h_;
  int64_t number_ = 0;
  std::string card_text_;
  int64_t next_group_message_id_ = 910000;
};

TEST_F(WishE2eTest, TheWholeStoryOverTelegram) {
  BindResident();
  const int64_t card = PostAndApprove();
  ASSERT_GT(card, 0);
  // The card: number, category, building, how to claim - nothing personal.
  EXPECT_TRUE(Contains(card_text_, "微心愿 #" + std::to_string(number_))) << card_text_;
  EXPECT_TRUE(Contains(card_text_, "生活帮扶"));
  EXPECT_TRUE(Contains(card_text_, "3号楼"));
  EXPECT_TRUE(Contains(card_text_, "认领"));
  ExpectGroupSafe(card_text_);

  // A volunteer claims by replying to the card.
  ASSERT_EQ(h_.PostWebhook(GroupUpdate(kVol[0], "认领", card).dump()).status, 200);
  const std::string claimed = h_.NextReplyText(kGroup);
  EXPECT_TRUE(Contains(claimed, "认领成功")) << claimed;
  ExpectGroupSafe(claimed);
  // The card is edited in place.
  auto edits = h_.WaitForCalls("editMessageText", 1);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].body["message_id"], card);
  EXPECT_TRUE(IsToChat(edits[0], kGroup));
  EXPECT_TRUE(Contains(TextOf(edits[0]), "已认领：李志愿")) << TextOf(edits[0]);
  ExpectGroupSafe(TextOf(edits[0]));
  // The contact reaches the volunteer privately; the resident learns who comes.
  const std::string contact = h_.NextReplyText(kVol[0]);
  EXPECT_TRUE(Contains(contact, "13812345678")) << contact;
  EXPECT_TRUE(Contains(contact, "3号楼2单元301")) << contact;
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "李志愿"));

  // Done, with the hours.
  EXPECT_TRUE(Contains(Private(kVol[0], "完成 " + std::to_string(number_) + " 1.5"), "等待许愿人确认"));
  auto asks = h_.WaitForReplies(kResident, 1);
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(asks[0]), "回复 1 确认完成"));
  auto buttons = KeyboardOf(asks[0]);
  ASSERT_EQ(buttons.size(), 2u);
  // The resident taps 确认完成; Telegram delivers the same update twice.
  const json tap = h_.CallbackUpdate(kResident, buttons[0].callback_data, 1);
  ASSERT_EQ(h_.PostWebhook(tap.dump()).status, 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "已确认完成"));
  ASSERT_EQ(h_.PostWebhook(tap.dump()).status, 200);
  EXPECT_EQ(Credits(), 2);  // the wish and the hours, once
  // A second confirmation by typing changes nothing either.
  Private(kResident, "/wishconfirm " + std::to_string(number_));
  EXPECT_EQ(Credits(), 2);
  EXPECT_TRUE(Contains(h_.NextReplyText(kVol[0]), "获得 16 积分"));
  const std::string points = Private(kVol[0], "积分");
  EXPECT_TRUE(Contains(points, "16")) << points;
  auto confirmed_edit = h_.WaitForCalls("editMessageText", 3);  // claimed, done, confirmed
  ASSERT_EQ(confirmed_edit.size(), 3u);
  EXPECT_TRUE(Contains(TextOf(confirmed_edit[2]), "已完成")) << TextOf(confirmed_edit[2]);
}

TEST_F(WishE2eTest, TheRequesterRatesTheHelpAndTheServiceRecordShowsTheMean) {
  BindResident();
  const int64_t card = PostAndApprove();
  ASSERT_GT(card, 0);
  ASSERT_EQ(h_.PostWebhook(GroupUpdate(kVol[0], "认领", card).dump()).status, 200);
  h_.NextReplyText(kGroup);
  h_.NextReplyText(kVol[0]);    // the contact
  h_.NextReplyText(kResident);  // who comes
  Private(kVol[0], "完成 " + std::to_string(number_));
  h_.WaitForReplies(kResident, 1);  // the confirmation question
  // The thanks carries the rating question with six buttons; the resident taps 5 (twice:
  // Telegram redelivers) and the score is stored once.
  ASSERT_EQ(h_.SendText(kResident, "1"), 200);
  auto thanks = h_.WaitForReplies(kResident, 1);
  ASSERT_EQ(thanks.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(thanks[0]), "已确认完成")) << TextOf(thanks[0]);
  EXPECT_TRUE(Contains(TextOf(thanks[0]), "打分")) << TextOf(thanks[0]);
  const std::vector<Button> buttons = KeyboardOf(thanks[0]);
  ASSERT_EQ(buttons.size(), 6u);
  const json tap = h_.CallbackUpdate(kResident, buttons[4].callback_data, 2);
  ASSERT_EQ(h_.PostWebhook(tap.dump()).status, 200);
  ASSERT_EQ(h_.PostWebhook(tap.dump()).status, 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "5 分"));
  auto db = h_.OpenDb();
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM wish_claims WHERE wish_id = ? AND rating = 5", {number_}), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM wish_events WHERE wish_id = ? AND kind = 'rated'", {number_}), 1);
  auto records = domain::ServiceRecords(*db, "区税务局党支部", 0, int64_t{1} << 62);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  bool found = false;
  for (const auto& r : *records) {
    if (r.display_name != kVolName[0]) continue;
    found = true;
    EXPECT_EQ(r.rating_count, 1);
    EXPECT_EQ(r.rating_sum, 5);
  }
  EXPECT_TRUE(found);
}

TEST_F(WishE2eTest, TwoVolunteersReplyingAtOnceMakeExactlyOneClaim) {
  const int64_t card = PostAndApprove();
  ASSERT_GT(card, 0);
  const auto replies = ConcurrentClaims({kVol[0], kVol[1]}, card);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(Claims(), 1);
  int won = 0, told = 0;
  for (const auto& r : replies) {
    if (Contains(r, "认领成功")) ++won;
    if (Contains(r, "已被") && (Contains(r, "李志愿") || Contains(r, "王志愿"))) ++told;
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(told, 1);
}

TEST_F(WishE2eTest, AWishForTwoIsTakenByTheFirstTwoOfThree) {
  const int64_t card = PostAndApprove("2");
  ASSERT_GT(card, 0);
  const auto replies = ConcurrentClaims({kVol[0], kVol[1], kVol[2]}, card);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(Claims(), 2);
  int won = 0, told = 0;
  for (const auto& r : replies) {
    if (Contains(r, "认领成功")) ++won;
    if (Contains(r, "已被")) ++told;
  }
  EXPECT_EQ(won, 2);
  EXPECT_EQ(told, 1);
}

TEST_F(WishE2eTest, AnUnregisteredUsersClaimChangesNothing) {
  const int64_t card = PostAndApprove();
  ASSERT_GT(card, 0);
  ASSERT_EQ(h_.PostWebhook(GroupUpdate(kStranger, "认领", card).dump()).status, 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kGroup), "报到"));
  ASSERT_EQ(h_.PostWebhook(GroupUpdate(kStranger, "认领 " + std::to_string(number_), 0).dump()).status, 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kGroup), "报到"));
  EXPECT_EQ(Claims(), 0);
  EXPECT_TRUE(h_.NoMoreReplies(kGroup));
  EXPECT_TRUE(h_.api().requests("editMessageText").empty());
}

TEST_F(WishE2eTest, TheJobsAutoConfirmAndAutoReleaseWithTheClock) {
  // Auto-release: claimed, then no progress.
  const int64_t card = PostAndApprove();
  ASSERT_GT(card, 0);
  const int64_t released_wish = number_;
  ASSERT_EQ(h_.PostWebhook(GroupUpdate(kVol[0], "认领", card).dump()).status, 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kGroup), "认领成功"));
  EXPECT_TRUE(Contains(h_.NextReplyText(kResident), "李志愿"));  // who will come
  h_.WaitForCalls("editMessageText", 1);
  // Auto-confirm: another wish done but never confirmed.
  const int64_t card2 = PostAndApprove();
  ASSERT_GT(card2, 0);
  ASSERT_EQ(h_.PostWebhook(GroupUpdate(kVol[1], "认领", card2).dump()).status, 200);
  EXPECT_TRUE(Contains(h_.NextReplyText(kGroup), "认领成功"));
  EXPECT_TRUE(Contains(h_.NextReplyText(kVol[1]), "联系人"));  // the contact, privately
  EXPECT_TRUE(Contains(Private(kVol[1], "完成 " + std::to_string(number_)), "等待许愿人确认"));
  const int64_t edits_before = static_cast<int64_t>(h_.WaitForCalls("editMessageText", 3).size());

  h_.StopApp();
  clock_.Advance(std::chrono::hours(24 * 4 + 1));  // past auto-confirm (3) and release (4) days
  ASSERT_TRUE(Start());  // the wishes job runs at start for the period it missed
  auto db = h_.OpenDb();
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (CountRows(*db, "SELECT COUNT(*) FROM wishes WHERE status = 'confirmed'") < 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM wishes WHERE id = ? AND status = 'confirmed'", {number_}), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM points_ledger WHERE ref = ?", {std::to_string(number_)}), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM wishes WHERE id = ? AND status = 'open'", {released_wish}), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM wish_claims WHERE wish_id = ? AND status = 'released'",
                      {released_wish}),
            1);
  // The cards say so: two more edits (confirmed, reopened).
  auto edits = h_.WaitForCalls("editMessageText", static_cast<size_t>(edits_before + 2));
  ASSERT_EQ(static_cast<int64_t>(edits.size()), edits_before + 2);
  bool reopened = false;
  for (const auto& e : edits) {
    if (e.body["message_id"] == card && Contains(TextOf(e), "认领")) reopened = true;
  }
  EXPECT_TRUE(reopened);
}

// The admin API is built from the same action list as the staff chat commands.
TEST_F(WishE2eTest, TheAdminApiListsShowsAndActsLikeChat) {
  const int64_t card = PostAndApprove();
  ASSERT_GT(card, 0);
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kAdminToken}};
  const std::string n = std::to_string(number_);
  HttpResult list = h_.Get("/api/admin/wishes?status=open", auth);
  ASSERT_EQ(list.status, 200) << list.body;
  json j = json::parse(list.body);
  ASSERT_EQ(j["wishes"].size(), 1u);
  EXPECT_EQ(j["wishes"][0]["number"], number_);
  EXPECT_EQ(json::parse(h_.Get("/api/admin/wishes?status=pending", auth).body)["wishes"].size(), 0u);
  EXPECT_EQ(h_.Get("/api/admin/wishes?status=bogus", auth).status, 400);
  EXPECT_EQ(h_.Get("/api/admin/wishes", {}).status, 401);

  HttpResult one = h_.Get("/api/admin/wishes/" + n, auth);
  ASSERT_EQ(one.status, 200) << one.body;
  j = json::parse(one.body);
  EXPECT_EQ(j["status"], "open");
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][1]["kind"], "approved");
  EXPECT_EQ(j["events"][1]["actor_name"], "王网格");
  EXPECT_EQ(h_.Get("/api/admin/wishes/999", auth).status, 404);

  HttpResult missing = h_.Post("/api/admin/wishes/" + n + "/reject", "{}", auth);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(Contains(missing.body, "missing field: reason")) << missing.body;
  HttpResult late = h_.Post("/api/admin/wishes/" + n + "/reject", R"({"reason": "重复"})", auth);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(json::parse(late.body)["code"], "wish.bad_state");
  EXPECT_EQ(h_.Post("/api/admin/wishes/" + n + "/bogus", "{}", auth).status, 404);
  HttpResult cancelled = h_.Post("/api/admin/wishes/" + n + "/cancel", "{}", auth);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(json::parse(cancelled.body)["status"], "cancelled");
  // The card says so.
  auto edits = h_.WaitForCalls("editMessageText", 1);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(edits[0]), "已撤销"));
}

}  // namespace
}  // namespace linli::e2e::wish_e2e_test
