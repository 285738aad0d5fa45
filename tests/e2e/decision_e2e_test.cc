// Decisions end to end (issue 10) through the real server and the fake Telegram Bot API: new
// users bind, staff open a covenant, households vote by button, typed number and a change,
// the fake clock closes it, and the announced result matches a hand count of the audit
// export; 50 concurrent ballots from 5 households count 5; a secret ballot never shows who
// voted what to staff; a three-question poll to two buildings and a quarterly appraisal over
// the webhook match hand counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

#include "domain/decisions/audit.h"
#include "domain/decisions/decision_audit.h"
#include "domain/deps.h"
#include "domain/people/invite_code.h"
#include "domain/people/roster_import.h"
#include "storage/roster_store.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::decision_e2e_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminToken[] = "test-admin-token-0123456789abcdef";
constexpr int64_t kStaff = 9000;

httplib::Headers Bearer() { return {{"Authorization", std::string("Bearer ") + kAdminToken}}; }

// Households 1-1-101, 1-1-102, 1-2-201 (building 1) and 2-1-101, 2-1-102 (building 2).
constexpr const char* kRoster =
    "building,unit,room,area_m2,owner_name,phone\n"
    "1,1,101,100,张一,13800000001\n"
    "1,1,102,80.5,张二,13800000002\n"
    "1,2,201,120,张三,13800000003\n"
    "2,1,101,90,李一,13800000004\n"
    "2,1,102,60.25,李二,13800000005\n";

class DecisionE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [](config::Config& c) {
      c.admin.api_token = kAdminToken;
      c.staff.push_back({kChannel, std::to_string(kStaff), "王主任", "property", "staff"});
    }));
    auto db = h_.OpenDb();
    ASSERT_TRUE(db);
    config::CompoundConfig compound;
    for (int b = 1; b <= 6; ++b) compound.buildings.push_back({std::to_string(b), {"1", "2", "3"}});
    auto r = domain::ImportRoster(*db, kRoster, compound, false, clock_.NowMillis());
    ASSERT_TRUE(r.ok() && r->errors.empty());
  }

  // Binds Telegram user `user` to "b-u-r" with a fresh invite code, over the webhook.
  void Bind(int64_t user, const std::string& where) {
    std::string code;
    {
      auto db = h_.OpenDb();
      auto codes = storage::RosterStore::EnsureCodes(*db, "", clock_.NowMillis(), domain::DrawInviteCode);
      ASSERT_TRUE(codes.ok());
      for (const auto& c : *codes) {
        if (c.household.building + "-" + c.household.unit + "-" + c.household.room == where) code = c.code;
      }
    }
    ASSERT_EQ(h_.SendText(user, "绑定 " + code), 200);
    ASSERT_THAT(h_.NextReplyText(user), HasSubstr("绑定"));
  }

  // Creates a draft over the admin API and opens it from the staff member's chat.
  int64_t OpenOverApi(const json& draft) {
    auto created = h_.Post("/api/admin/decisions", draft.dump(), Bearer());
    EXPECT_EQ(created.status, 201) << created.body;
    const int64_t id = json::parse(created.body).value("id", int64_t{0});
    EXPECT_EQ(h_.SendText(kStaff, "开始投票 " + std::to_string(id)), 200);
    EXPECT_THAT(h_.NextReplyText(kStaff), HasSubstr("已开始投票"));
    return id;
  }

  json AdminView(int64_t id) {
    auto r = h_.Get("/api/admin/decisions/" + std::to_string(id), Bearer());
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  void CloseByClock(int64_t closes_at_ms) {
    clock_.SetMillis(closes_at_ms);
    auto ran = h_.app().RunDueJobs();
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  }

  testing::FakeClock clock_;
  Harness h_;
};


// Block 3 of a secret ballot's audit CSV ("receipt,choice"), counted by hand.
std::map<std::string, int> HandCount(const std::string& csv) {
  std::map<std::string, int> out;
  std::istringstream in(csv);
  std::string line;
  bool in_receipts = false;
  while (std::getline(in, line)) {
    if (line == "receipt,choice") {
      in_receipts = true;
      continue;
    }
    if (line.empty()) {
      in_receipts = false;
      continue;
    }
    if (in_receipts) ++out[line.substr(line.find(',') + 1)];
  }
  return out;
}

TEST_F(DecisionE2eTest, ANewUsersWholeStoryOverTelegram) {
  Bind(101, "1-1-101");
  Bind(102, "1-1-102");
  Bind(103, "1-2-201");
  Bind(104, "2-1-101");
  h_.SendText(105, "你好");  // bound to nothing
  h_.WaitForReplies(105, 1);
  const int64_t closes = clock_.NowMillis() + 3 * 24 * 3600'000LL;
  const int64_t id = OpenOverApi({{"title", "文明养犬公约"},
                                  {"body", "遛狗请牵绳，及时清理。"},
                                  {"matter", "informal"},
                                  {"closes_at", closes}});
  const std::string n = std::to_string(id);
  // Every bound household gets the notice with the three buttons.
  std::map<int64_t, FakeTelegramApi::Request> notice;
  for (int64_t u : {101, 102, 103, 104}) {
    auto got = h_.WaitForReplies(u, 1);
    ASSERT_EQ(got.size(), 1u) << u;
    EXPECT_THAT(TextOf(got[0]), HasSubstr("文明养犬公约"));
    ASSERT_EQ(KeyboardOf(got[0]).size(), 3u);
    notice[u] = got[0];
  }
  EXPECT_TRUE(h_.NoMoreReplies(105, std::chrono::milliseconds(100)));
  // 公约 N: the full text, frozen with its hash.
  h_.SendText(101, "公约 " + n);
  EXPECT_THAT(h_.NextReplyText(101), HasSubstr("遛狗请牵绳"));

  // 101: by button, then the confirmation's button.
  ASSERT_EQ(KeyboardOf(notice[101])[0].callback_data, "/vote " + n + " agree");
  h_.Tap(101, "/vote " + n + " agree", 1);
  auto confirm = h_.WaitForReplies(101, 1);
  ASSERT_EQ(confirm.size(), 1u);
  EXPECT_THAT(TextOf(confirm[0]), HasSubstr("确认"));
  ASSERT_FALSE(KeyboardOf(confirm[0]).empty());
  h_.Tap(101, KeyboardOf(confirm[0])[0].callback_data, 2);
  EXPECT_THAT(h_.NextReplyText(101), HasSubstr("已记录"));
  // 102: the typed number answers the notice, then "1" confirms.
  h_.SendText(102, "1");
  EXPECT_THAT(h_.NextReplyText(102), HasSubstr("确认"));
  h_.SendText(102, "1");
  EXPECT_THAT(h_.NextReplyText(102), HasSubstr("已记录"));
  // 103: against, then a change to agree before the close.
  h_.SendText(103, "投票 " + n + " 反对");
  EXPECT_THAT(h_.NextReplyText(103), HasSubstr("反对"));
  h_.SendText(103, "确认");
  EXPECT_THAT(h_.NextReplyText(103), HasSubstr("已记录"));
  h_.SendText(103, "投票 " + n + " 同意");
  h_.NextReplyText(103);
  h_.SendText(103, "1");
  EXPECT_THAT(h_.NextReplyText(103), HasSubstr("已更改"));
  // 104 abstains; 105, bound to nothing, is told how to bind.
  h_.SendText(104, "投票 " + n + " 3 确认");
  EXPECT_THAT(h_.NextReplyText(104), HasSubstr("弃权"));
  h_.SendText(105, "投票 " + n);
  EXPECT_THAT(h_.NextReplyText(105), HasSubstr("绑定"));

  // Staff see turnout while open, never who voted what (secret ballot).
  json view = AdminView(id);
  EXPECT_EQ(view["turnout"]["voted"], 4);
  EXPECT_EQ(view["turnout"]["eligible"], 5);
  EXPECT_TRUE(view["result"].is_null());
  EXPECT_FALSE(view.contains("votes"));
  for (const char* label : {"1-1-101", "1-1-102", "1-2-201", "2-1-101"}) {
    EXPECT_THAT(view.dump(), Not(HasSubstr(label)));
  }
  h_.SendText(kStaff, "投票情况 " + n);
  const std::string staff_view = h_.NextReplyText(kStaff);
  EXPECT_THAT(staff_view, HasSubstr("4/5"));
  EXPECT_THAT(staff_view, Not(HasSubstr("1-1-101")));

  // The fake clock closes it; the voters and the staff member are told the result.
  CloseByClock(closes);
  for (int64_t u : {101, 102, 103, 104}) EXPECT_THAT(h_.NextReplyText(u), HasSubstr("表决通过")) << u;
  EXPECT_THAT(h_.NextReplyText(kStaff), HasSubstr("投票结果"));
  // A ballot after the close is refused and changes nothing.
  h_.SendText(102, "投票 " + n + " 反对 确认");
  EXPECT_THAT(h_.NextReplyText(102), HasSubstr("截止"));

  view = AdminView(id);
  ASSERT_TRUE(view["result"].is_object());
  const json& result = view["result"];
  EXPECT_EQ(result["per_option"]["agree"]["owners"], 3);
  EXPECT_EQ(result["per_option"]["abstain"]["owners"], 1);
  EXPECT_EQ(result["per_option"]["against"]["owners"], 0);
  EXPECT_FALSE(view.contains("votes"));  // secret: not even after close
  // The public board shows the result.
  auto board = h_.Get("/api/public/decisions/" + n);
  ASSERT_EQ(board.status, 200);
  EXPECT_EQ(json::parse(board.body)["result"]["per_option"], result["per_option"]);

  // The audit export: a hand count of its receipts matches the announced result, it re-counts
  // as announced, and no household row carries a choice.
  auto db = h_.OpenDb();
  config::Config cfg = h_.app().config();
  const config::Texts texts;
  const domain::Deps deps{cfg, texts, clock_};
  auto csv = domain::decisions::ExportAudit(*db, deps, id);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  const auto hand = HandCount(*csv);
  EXPECT_EQ(hand.count("agree") ? hand.at("agree") : 0, result["per_option"]["agree"]["owners"].get<int>());
  EXPECT_EQ(hand.count("abstain") ? hand.at("abstain") : 0, result["per_option"]["abstain"]["owners"].get<int>());
  EXPECT_EQ(hand.count("against"), 0u);
  auto recount = domain::decisions::Recount(*csv);
  ASSERT_TRUE(recount.ok()) << recount.status().ToString();
  EXPECT_TRUE(recount->ok());
  for (const char* label : {"1-1-101", "1-2-201"}) {
    std::istringstream in(*csv);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(label, 0) == 0) {
        EXPECT_THAT(line, Not(HasSubstr("agree")));
        EXPECT_THAT(line, Not(HasSubstr("abstain")));
      }
    }
  }
  // 公约 lists it as adopted with its date.
  h_.SendText(101, "公约");
  EXPECT_THAT(h_.NextReplyText(101), HasSubstr("文明养犬公约"));
}

TEST_F(DecisionE2eTest, FiftyConcurrentBallotsFromFiveHouseholdsCountFive) {
  const std::vector<std::string> homes = {"1-1-101", "1-1-102", "1-2-201", "2-1-101", "2-1-102"};
  for (int i = 0; i < 50; ++i) Bind(2000 + i, homes[static_cast<size_t>(i % 5)]);
  const int64_t closes = clock_.NowMillis() + 24 * 3600'000LL;
  const int64_t id = OpenOverApi({{"title", "停车公约"}, {"closes_at", closes}});
  const std::string n = std::to_string(id);
  std::vector<std::thread> threads;
  std::vector<int> status(50, 0);
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      status[static_cast<size_t>(i)] =
          h_.SendText(2000 + i, "/vote " + n + (i % 2 ? " agree" : " against") + " ok");
    });
  }
  for (auto& t : threads) t.join();
  for (int s : status) EXPECT_EQ(s, 200);
  auto db = h_.OpenDb();
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM ballots WHERE decision_id = ?", {id}), 5);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM ballot_history WHERE decision_id = ?", {id}), 50);
  EXPECT_EQ(AdminView(id)["turnout"]["voted"], 5);
  CloseByClock(closes);
  const json r = AdminView(id)["result"];
  EXPECT_EQ(r["voted"], 5);
  EXPECT_EQ(r["participating"]["owners"], 5);
}

TEST_F(DecisionE2eTest, AThreeQuestionPollToTwoBuildingsAndAnAppraisalMatchHandCounts) {
  Bind(301, "1-1-101");
  Bind(302, "1-1-102");
  Bind(303, "2-1-101");
  const int64_t closes = clock_.NowMillis() + 24 * 3600'000LL;
  const int64_t poll = OpenOverApi(
      {{"kind", "poll"},
       {"title", "充电桩意见征询"},
       {"buildings", {"1", "2"}},
       {"closes_at", closes},
       {"questions",
        {{{"kind", "single"}, {"text", "装在哪里？"}, {"options", {"东门", "西门"}}},
         {{"kind", "multi"}, {"text", "需要哪些？"}, {"options", {"快充", "慢充", "电动自行车"}}},
         {{"kind", "scale"}, {"text", "有多需要？"}}}}});
  for (int64_t u : {301, 302, 303}) ASSERT_EQ(h_.WaitForReplies(u, 1).size(), 1u);
  // Answers: 301 东门 / 快充,慢充 / 5; 302 西门 / 电动自行车 / 3; 303 东门 / 快充 / 4.
  const std::map<int64_t, std::vector<std::string>> answers = {
      {301, {"1", "1,2", "5"}}, {302, {"2", "3", "3"}}, {303, {"1", "1", "4"}}};
  for (const auto& [u, a] : answers) {
    h_.SendText(u, "1");  // starts the questionnaire (the notice's question)
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("1/3"));
    h_.SendText(u, a[0]);
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("2/3"));
    h_.SendText(u, a[1]);
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("3/3"));
    h_.SendText(u, a[2]);
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("确认"));
    h_.SendText(u, "确认");
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("已提交"));
  }
  const int64_t appraisal = OpenOverApi(
      {{"kind", "appraisal"}, {"title", "第四季度物业民主评议"}, {"period", "2026-Q4"}, {"closes_at", closes}});
  const std::map<int64_t, std::vector<std::string>> scores = {
      {301, {"5", "4", "3", "2", "1"}}, {302, {"4", "4", "4", "4", "4"}}, {303, {"3", "5", "5", "1", "2"}}};
  for (const auto& [u, s] : scores) {
    h_.WaitForReplies(u, 1);  // the appraisal notice
    h_.SendText(u, "问卷 " + std::to_string(appraisal));
    h_.NextReplyText(u);
    h_.SendText(u, "1");
    for (const auto& score : s) {
      h_.NextReplyText(u);
      h_.SendText(u, score);
    }
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("确认"));
    h_.SendText(u, "确认");
    EXPECT_THAT(h_.NextReplyText(u), HasSubstr("已提交"));
  }
  CloseByClock(closes);
  const json p = AdminView(poll)["result"];
  EXPECT_EQ(p["voted"], 3);
  EXPECT_EQ(p["questions"][0]["options"][0]["count"], 2);  // 东门
  EXPECT_EQ(p["questions"][0]["options"][1]["count"], 1);  // 西门
  EXPECT_EQ(p["questions"][1]["options"][0]["count"], 2);  // 快充
  EXPECT_EQ(p["questions"][1]["options"][1]["count"], 1);  // 慢充
  EXPECT_EQ(p["questions"][1]["options"][2]["count"], 1);  // 电动自行车
  EXPECT_EQ(p["questions"][2]["mean"], "4.00");            // (5+3+4)/3
  const json a = AdminView(appraisal)["result"];
  EXPECT_EQ(a["voted"], 3);
  EXPECT_EQ(a["questions"][0]["mean"], "4.00");  // (5+4+3)/3
  EXPECT_EQ(a["questions"][1]["mean"], "4.33");  // 13/3
  EXPECT_EQ(a["questions"][3]["mean"], "2.33");  // 7/3
  EXPECT_EQ(a["questions"][4]["mean_num"], 7);
  EXPECT_EQ(a["questions"][4]["mean_den"], 3);
}

}  // namespace
}  // namespace linli::e2e::decision_e2e_test
