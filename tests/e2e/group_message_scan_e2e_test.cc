// Privacy in groups (issue 11 point 10): every kind of message Linli posts to a group - the
// new-ticket card and its follow-ups, the escalation card, the wish card and its edits, the
// daily digest, the monthly agenda, the confirmed red/black list, replies in groups - is made
// through the real server from generated residents whose names, phones, ID numbers, units and
// rooms are typed into their reports and wishes together with mass mentions, and every group
// message is scanned: no phone number, ID number or full name anywhere; no unit or room in
// the resident-facing (volunteer) group; no mass mention (@all, @所有人, <at user_id="all">).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/roster_store.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_wecom_robot.h"

namespace linli::e2e::group_message_scan_e2e_test {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr int64_t kDec1At0900 = 1796086800000;   // 2026-12-01 09:00 Asia/Shanghai
constexpr int64_t kDec2At0830 = kDec1At0900 + kDay - 30 * kMinute;
constexpr int64_t kDec12At0900 = kDec1At0900 + 11 * kDay;
constexpr int64_t kJan1At0030 = kDec1At0900 + 31 * kDay - 510 * kMinute;  // 2027-01-01 00:30

constexpr int64_t kGrid = 7710001;
constexpr int64_t kCommunity = 7710002;
constexpr int64_t kVolunteer = 7710003;
constexpr int64_t kResidents[] = {7720001, 7720002, 7720003};
constexpr int64_t kStaffGroup = -1007700;
constexpr int64_t kVolunteerGroup = -1007701;

// A generated resident: what must never reach a group.
struct Resident {
  int64_t user = 0;
  std::string name;
  std::string phone;
  std::string id_number;
  std::string unit;  // "2单元"
  std::string room;  // "1502"
};

std::vector<Resident> GenerateResidents() {
  // Fixed seed: the same generated data on every run (a failure can be reproduced).
  std::mt19937 rng(20261201);
  const std::vector<std::string> surnames = {"欧阳", "司马", "诸葛", "上官"};
  const std::vector<std::string> given = {"明轩", "若曦", "浩然", "静怡", "子涵", "雨桐"};
  std::vector<Resident> out;
  for (size_t i = 0; i < std::size(kResidents); ++i) {
    Resident r;
    r.user = kResidents[i];
    r.name = surnames[i % surnames.size()] + given[rng() % given.size()];
    r.phone = "1" + std::to_string(3 + rng() % 7);
    for (int d = 0; d < 9; ++d) r.phone += std::to_string(rng() % 10);
    r.id_number = "1101051990";
    for (int d = 0; d < 7; ++d) r.id_number += std::to_string(rng() % 10);
    r.id_number += (rng() % 2) ? "X" : std::to_string(rng() % 10);
    r.unit = std::to_string(1 + i) + "单元";
    r.room = std::to_string(1000 + 100 * (1 + rng() % 20) + 1 + rng() % 4);
    out.push_back(r);
  }
  return out;
}

// What a resident types: everything personal at once, and the mass mentions.
std::string Hostile(const Resident& r, const std::string& what) {
  return what + "，我是" + r.name + "，电话" + r.phone + "，身份证" + r.id_number + "，住3号楼" +
         r.unit + r.room + "室 @all @所有人 <at user_id=\"all\">所有人</at>";
}

class GroupMessageScanE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    residents_ = GenerateResidents();
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [this](config::Config& c) {
      c.timezone = "Asia/Shanghai";
      c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
      c.staff.push_back({kChannel, std::to_string(kCommunity), "李社区", "community", "staff"});
      c.volunteers.push_back({kChannel, std::to_string(kVolunteer), "赵志愿", "区税务局党支部"});
      config::ChannelConfig robot;
      robot.name = "wecom-staff";
      robot.type = "wecom_robot";
      robot.api_base = robot_.api_base();
      robot.fields["key"] = "k1";
      c.channels.push_back(robot);
      const std::vector<std::string> staff_posts = {"tickets", "escalations", "digest", "agenda",
                                                    "reports"};
      c.groups.push_back({"staff", kChannel, std::to_string(kStaffGroup), staff_posts, {}});
      c.groups.push_back({"robot", "wecom-staff", "staff", staff_posts, {}});
      c.groups.push_back({"volunteers", kChannel, std::to_string(kVolunteerGroup),
                          {"wishes", "decisions"}, {}});
      c.property_companies.push_back({"sun", "阳光物业", {"1", "2", "3", "4", "5", "6"}});
      c.red_black.min_tickets = 1;
      c.red_black.min_appraisals = 0;
    }));
    // The roster knows the residents' names (the masking module masks known names).
    auto db = h_.OpenDb();
    ASSERT_TRUE(db);
    std::vector<storage::Household> households;
    for (const Resident& r : residents_) {
      storage::Household hh;
      hh.building = "3";
      hh.unit = r.unit.substr(0, r.unit.find("单元"));
      hh.room = r.room;
      hh.area_m2 = 90;
      hh.owner_name = r.name;
      hh.phone = r.phone;
      households.push_back(hh);
    }
    ASSERT_TRUE(storage::RosterStore::Import(*db, households, false, 1, nullptr, nullptr).ok());
  }

  void Say(int64_t user, const std::string& text) { ASSERT_EQ(h_.SendText(user, text), 200); }

  void RunJobsAt(int64_t at) {
    clock_.SetMillis(at);
    auto ran = h_.app().RunDueJobs();
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  }

  // Every text posted to a group so far (Telegram: text, caption and button labels of every
  // call to a group chat; the WeCom robot: each message), waiting until `needle` is among
  // the texts of each of `places` (the outbox sends to each destination on its own).
  struct Posted {
    std::string where;
    std::string text;
  };
  std::vector<Posted> GroupTexts(const std::string& needle, const std::set<std::string>& places) {
    std::vector<Posted> out;
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    for (;;) {
      out.clear();
      std::set<std::string> found;
      for (const auto& r : h_.api().requests()) {
        if (!r.body.is_object() || !r.body.contains("chat_id")) continue;
        const std::string chat = r.body["chat_id"].is_string()
                                     ? r.body["chat_id"].get<std::string>()
                                     : r.body["chat_id"].dump();
        if (chat.empty() || chat[0] != '-') continue;  // private chats have positive ids
        std::string text;
        for (const char* field : {"text", "caption"}) {
          if (r.body.contains(field) && r.body[field].is_string()) text += r.body[field].get<std::string>();
        }
        for (const auto& b : KeyboardOf(r)) text += "\n" + b.text;
        const std::string where = chat == std::to_string(kVolunteerGroup) ? "volunteers" : "staff";
        if (text.find(needle) != std::string::npos) found.insert(where);
        out.push_back({where, text});
      }
      for (const auto& d : robot_.delivered()) {
        if (d.text.find(needle) != std::string::npos) found.insert("robot");
        out.push_back({"robot", d.text});
      }
      if (found == places || std::chrono::steady_clock::now() > deadline) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  testing::FakeClock clock_{kDec1At0900};
  testing::FakeWecomRobot robot_{clock_, "k1"};
  Harness h_;
  std::vector<Resident> residents_;
};

TEST_F(GroupMessageScanE2eTest, NoGroupMessageCarriesPersonalDataOrAMassMention) {
  // Each resident reports a problem, typing everything personal into the description.
  for (const Resident& r : residents_) {
    for (const std::string& s : {std::string("报事"), std::string("2"), "3号楼" + r.unit + r.room,
                                 Hostile(r, "楼道灯坏了"), std::string("跳过"), std::string("1")}) {
      Say(r.user, s);
    }
  }
  // Staff act: accepted, then moved up to the community (the escalation card).
  Say(kGrid, "受理 1");
  Say(kGrid, "转办 1 需要社区协调");
  Say(kCommunity, "受理 1");
  // A wish with everything personal in it, approved and claimed in the volunteer group.
  const Resident& w = residents_[0];
  for (const std::string& s : {std::string("心愿"), Hostile(w, "帮我买降压药"), std::string("1"),
                               std::string("跳过"), std::string("跳过"), std::string("1")}) {
    Say(w.user, s);
  }
  Say(kGrid, "通过 1");
  json claim{{"update_id", h_.NextUpdateId()},
             {"message",
              {{"message_id", 990001},
               {"from", {{"id", kVolunteer}, {"is_bot", false}, {"first_name", "志愿者"}}},
               {"chat", {{"id", kVolunteerGroup}, {"title", "志愿者群"}, {"type", "supergroup"}}},
               {"date", 1796086800},
               {"text", "认领 1"}}}};
  ASSERT_EQ(h_.PostWebhook(claim.dump()).status, 200);
  // The digest the next morning, the agenda before the meeting, the red/black list after the
  // quarter, confirmed by the community.
  RunJobsAt(kDec2At0830);
  RunJobsAt(kDec12At0900);
  RunJobsAt(kJan1At0030);
  Say(kCommunity, "认定 红黑榜 2026-Q4");

  GroupTexts("赵志愿", {"volunteers"});  // the claim reached the volunteer group
  const std::vector<Posted> posted = GroupTexts("红黑榜", {"staff", "robot"});
  // Every kind is there (the scan below is over real messages, not an empty list).
  auto any = [&](const std::string& where, const std::string& needle) {
    for (const auto& p : posted) {
      if (p.where == where && p.text.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  for (const std::string where : {"staff", "robot"}) {
    EXPECT_TRUE(any(where, "楼道灯坏了")) << where << ": the new-ticket card";
    EXPECT_TRUE(any(where, "社区")) << where << ": the escalation";
    EXPECT_TRUE(any(where, "每日简报")) << where << ": the digest";
    EXPECT_TRUE(any(where, "一月一议")) << where << ": the agenda";
    EXPECT_TRUE(any(where, "红黑榜")) << where << ": the red/black list";
  }
  EXPECT_TRUE(any("volunteers", "微心愿 #1")) << "the wish card";
  EXPECT_TRUE(any("volunteers", "赵志愿")) << "the claim";

  const std::regex phone("(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)");
  const std::regex id_number("[0-9]{17}[0-9Xx]");
  const std::regex mass_mention("@all|@所有人|@everyone|<at[ >]|<@", std::regex::icase);
  for (const Posted& p : posted) {
    SCOPED_TRACE(p.where + ": " + p.text);
    EXPECT_FALSE(std::regex_search(p.text, phone));
    EXPECT_FALSE(std::regex_search(p.text, id_number));
    EXPECT_FALSE(std::regex_search(p.text, mass_mention));
    for (const Resident& r : residents_) {
      EXPECT_EQ(p.text.find(r.name), std::string::npos) << r.name;
      EXPECT_EQ(p.text.find(r.phone.substr(3, 4)), std::string::npos) << "phone middle digits";
      if (p.where == "volunteers") {  // resident-facing: not even the unit or room
        EXPECT_EQ(p.text.find(r.unit), std::string::npos) << r.unit;
        EXPECT_EQ(p.text.find(r.room), std::string::npos) << r.room;
      }
    }
  }
}

}  // namespace
}  // namespace linli::e2e::group_message_scan_e2e_test
