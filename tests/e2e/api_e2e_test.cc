// The JSON API (bot/server/api.h) end to end against a real App on loopback: the public board never
// shows personal data; paging and ordering; the admin API's bearer token; admin actions reach
// the reporter on the fake Telegram Bot API.
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/tickets/ticket_actions.h"
#include "domain/tickets/ticket_service.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"
#include "tests/e2e/e2e_harness.h"

namespace linli::e2e::api_e2e_test {
namespace {

constexpr int64_t kUser = 5550777;
constexpr char kAdminToken[] = "test-admin-token-0123456789abcdef";
constexpr char kDescription[] = "楼道灯坏了SECRETWORDS晚上很黑";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void WithToken(config::Config& c) { c.admin.api_token = kAdminToken; }

httplib::Headers Bearer(const std::string& token = kAdminToken) {
  return {{"Authorization", "Bearer " + token}};
}

// Reports ticket #1 over the webhook (numbered category 2 = 设施维修, 3号楼2单元).
void ReportOverWebhook(Harness& h) {
  ASSERT_EQ(h.SendText(kUser, "报事"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "2"), 200);
  ASSERT_TRUE(Contains(h.NextReplyText(kUser), "问题在哪里"));
  ASSERT_EQ(h.SendText(kUser, "3号楼2单元"), 200);
  ASSERT_TRUE(Contains(h.NextReplyText(kUser), "请简单描述"));
  ASSERT_EQ(h.SendText(kUser, kDescription), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "跳过"), 200);
  ASSERT_EQ(h.WaitForReplies(kUser, 1).size(), 1u);
  ASSERT_EQ(h.SendText(kUser, "1"), 200);
  const std::string created = h.NextReplyText(kUser);
  ASSERT_TRUE(Contains(created, "#1")) << created;
}

// Creates `n` more tickets by the reporter of #1 directly through the write queue.
void CreateTickets(Harness& h, int n) {
  std::promise<Status> done;
  const int64_t now = h.app().clock().NowMillis();
  const config::Config& cfg = h.app().config();
  h.app().write_queue().Submit(
      [n, now, &cfg](storage::Database& db) -> Status {
        LINLI_ASSIGN_OR_RETURN(auto first, storage::TicketStore::FindByNumber(db, 1));
        if (!first) return Status::NotFound("ticket 1");
        for (int i = 0; i < n; ++i) {
          storage::Ticket t;
          t.reporter_person_id = first->reporter_person_id;
          t.channel = "tg";
          t.notify_channel = "tg";
          t.category = i % 2 ? "noise" : "repair";
          t.building = std::to_string(1 + i % 6);
          // A moved std::string, not `= "3"`: GCC 12 at -O3 reports that assignment as an
          // overlapping memcpy (-Werror=restrict false positive, GCC bug 105329).
          t.unit = std::string("3");
          t.location_text = std::to_string(1 + i % 6) + "号楼3单元";
          t.description = std::string("第") + std::to_string(i) + "条SECRETWORDS";
          domain::TicketService::PrepareNew(cfg, t, now + 1 + i);
          t.created_at_ms = now + 1 + i;
          t.updated_at_ms = now + 1 + i;
          LINLI_ASSIGN_OR_RETURN(auto stored, storage::TicketStore::Create(db, t));
          (void)stored;
        }
        return Status::Ok();
      },
      [&done](Status st) { done.set_value(st); });
  const Status st = done.get_future().get();
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Runs `work` as one write-queue unit and waits for its commit.
void InQueue(Harness& h, std::function<Status(storage::Database&)> work) {
  std::promise<Status> done;
  h.app().write_queue().Submit(std::move(work), [&done](Status st) { done.set_value(st); });
  const Status st = done.get_future().get();
  ASSERT_TRUE(st.ok()) << st.ToString();
}

storage::Ticket TicketOne(Harness& h) {
  storage::Ticket out;
  InQueue(h, [&out](storage::Database& db) -> Status {
    LINLI_ASSIGN_OR_RETURN(auto t, storage::TicketStore::FindByNumber(db, 1));
    if (!t) return Status::NotFound("ticket 1");
    out = *t;
    return Status::Ok();
  });
  return out;
}

void ExpectNoPersonalData(const std::string& raw) {
  EXPECT_FALSE(Contains(raw, "SECRETWORDS")) << raw;
  EXPECT_FALSE(Contains(raw, "单元")) << raw;
  EXPECT_FALSE(Contains(raw, std::to_string(kUser))) << raw;
  EXPECT_FALSE(Contains(raw, "reporter")) << raw;
  EXPECT_FALSE(Contains(raw, "\"unit\"")) << raw;
  EXPECT_FALSE(Contains(raw, "description")) << raw;
  EXPECT_FALSE(Contains(raw, "小张")) << raw;
}

TEST(ApiE2eTest, PublicBoardHasNoPersonalDataAndPagesNewestFirst) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;
  CreateTickets(h, 24);
  if (HasFatalFailure()) return;

  auto first = h.Get("/api/public/tickets");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(Contains(first.content_type, "application/json"));
  ExpectNoPersonalData(first.body);
  auto j = nlohmann::json::parse(first.body);
  EXPECT_EQ(j["page"], 1);
  EXPECT_EQ(j["per_page"], 20);
  EXPECT_EQ(j["total"], 25);
  ASSERT_EQ(j["tickets"].size(), 20u);
  EXPECT_EQ(j["tickets"][0]["number"], 25);  // newest first
  EXPECT_EQ(j["tickets"][19]["number"], 6);
  EXPECT_EQ(j["tickets"][0]["category"], "noise");

  auto second = h.Get("/api/public/tickets?page=2&per_page=20");
  ASSERT_EQ(second.status, 200);
  ExpectNoPersonalData(second.body);
  auto j2 = nlohmann::json::parse(second.body);
  ASSERT_EQ(j2["tickets"].size(), 5u);
  EXPECT_EQ(j2["tickets"][0]["number"], 5);
  EXPECT_EQ(j2["tickets"][4]["number"], 1);

  auto capped = nlohmann::json::parse(h.Get("/api/public/tickets?per_page=1000").body);
  EXPECT_EQ(capped["per_page"], 100);
  EXPECT_EQ(capped["tickets"].size(), 25u);
  EXPECT_EQ(h.Get("/api/public/tickets?page=0").status, 400);
  EXPECT_EQ(h.Get("/api/public/tickets?per_page=x").status, 400);

  auto one = h.Get("/api/public/tickets/1");
  ASSERT_EQ(one.status, 200) << one.body;
  ExpectNoPersonalData(one.body);
  auto t1 = nlohmann::json::parse(one.body);
  EXPECT_EQ(t1["number"], 1);
  EXPECT_EQ(t1["building"], "3");
  EXPECT_EQ(t1["category"], "repair");
  EXPECT_EQ(t1["category_label"], "设施维修");
  EXPECT_EQ(t1["status"], "new");
  EXPECT_EQ(t1["tier"], "compound");

  auto missing = h.Get("/api/public/tickets/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(Contains(missing.body, "\"error\""));
  EXPECT_EQ(h.Get("/api/public/tickets/abc").status, 404);
  EXPECT_EQ(h.Post("/api/public/tickets", "{}", {}).status, 405);
  EXPECT_EQ(h.Get("/api/public/nothing").status, 404);
}

TEST(ApiE2eTest, AdminIsDisabledWithoutToken) {
  Harness h;
  ASSERT_TRUE(h.StartApp());
  EXPECT_EQ(h.Get("/api/admin/tickets").status, 404);
  EXPECT_EQ(h.Get("/api/admin/tickets", Bearer()).status, 404);
  EXPECT_EQ(h.Post("/api/admin/tickets/1/accept", "{}", Bearer()).status, 404);
}

TEST(ApiE2eTest, AdminNeedsTheBearerToken) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, WithToken));
  auto none = h.Get("/api/admin/tickets");
  EXPECT_EQ(none.status, 401);
  auto wrong = h.Get("/api/admin/tickets", Bearer("test-admin-token-0123456789abcdeX"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(h.Get("/api/admin/tickets", {{"Authorization", kAdminToken}}).status, 401);
  EXPECT_EQ(h.Post("/api/admin/tickets/1/accept", "{}", {}).status, 401);
  httplib::Client client("127.0.0.1", h.port());
  client.set_read_timeout(15);
  auto res = client.Get("/api/admin/tickets");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0u);
  auto ok = h.Get("/api/admin/tickets", Bearer());
  EXPECT_EQ(ok.status, 200) << ok.body;
}

// Issue 13: the admin list pages with a cursor: following `next` from the first page walks
// every ticket once, oldest first, and the last page has no `next`; filters stay in the link.
TEST(ApiE2eTest, AdminTicketListPagesWithANextLink) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, WithToken));
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;
  CreateTickets(h, 11);  // #2..#12; buildings 1..6 in turn, categories repair/noise
  if (HasFatalFailure()) return;
  std::vector<int64_t> numbers;
  std::string target = "/api/admin/tickets?limit=5";
  for (int pages = 0; pages < 10 && !target.empty(); ++pages) {
    auto page = h.Get(target, Bearer());
    ASSERT_EQ(page.status, 200) << target << ": " << page.body;
    auto j = nlohmann::json::parse(page.body);
    EXPECT_LE(j["tickets"].size(), 5u);
    for (const auto& t : j["tickets"]) numbers.push_back(t["number"].get<int64_t>());
    if (j["next"].is_null()) {
      EXPECT_TRUE(j["next_cursor"].is_null());
      target.clear();
    } else {
      target = j["next"].get<std::string>();
      EXPECT_TRUE(Contains(target, "limit=5&after=" + j["next_cursor"].get<std::string>())) << target;
    }
  }
  EXPECT_TRUE(target.empty()) << "still a next page after 10";
  std::vector<int64_t> expected;
  for (int64_t n = 1; n <= 12; ++n) expected.push_back(n);
  EXPECT_EQ(numbers, expected);

  // A filter is kept in `next`: repair tickets (#2, 4, ... and #1) two at a time.
  auto repair = h.Get("/api/admin/tickets?category=repair&limit=2", Bearer());
  ASSERT_EQ(repair.status, 200);
  auto rj = nlohmann::json::parse(repair.body);
  ASSERT_EQ(rj["tickets"].size(), 2u);
  const std::string next = rj["next"].get<std::string>();
  EXPECT_TRUE(Contains(next, "category=repair&limit=2&after=")) << next;
  auto second = nlohmann::json::parse(h.Get(next, Bearer()).body);
  ASSERT_EQ(second["tickets"].size(), 2u);
  for (const auto& t : second["tickets"]) EXPECT_EQ(t["category"], "repair");
  EXPECT_GT(second["tickets"][0]["number"].get<int64_t>(), rj["tickets"][1]["number"].get<int64_t>());

  EXPECT_EQ(h.Get("/api/admin/tickets?after=x.1", Bearer()).status, 400);
  EXPECT_EQ(h.Get("/api/admin/tickets?after=12", Bearer()).status, 400);
}

TEST(ApiE2eTest, AdminActionsReachTheReporter) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, WithToken));
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;

  // Staff view: full data (unit, description).
  auto list = h.Get("/api/admin/tickets?status=new", Bearer());
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(Contains(list.body, "SECRETWORDS"));
  auto lj = nlohmann::json::parse(list.body);
  ASSERT_EQ(lj["tickets"].size(), 1u);
  EXPECT_EQ(lj["tickets"][0]["unit"], "2");

  // accept -> note (public) -> resolve: each push arrives at the fake Bot API.
  auto accept = h.Post("/api/admin/tickets/1/accept", "", Bearer());
  ASSERT_EQ(accept.status, 200) << accept.body;
  EXPECT_EQ(nlohmann::json::parse(accept.body)["status"], "accepted");
  auto pushed = h.WaitForReplies(kUser, 1);
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_TRUE(Contains(TextOf(pushed[0]), "#1")) << TextOf(pushed[0]);

  auto note = h.Post("/api/admin/tickets/1/note",
                     R"({"note":"电工明天上午来更换灯管","public":true})", Bearer());
  ASSERT_EQ(note.status, 200) << note.body;
  const std::string note_push = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(note_push, "电工明天上午来更换灯管")) << note_push;

  auto resolve = h.Post("/api/admin/tickets/1/resolve", R"({"note":"灯管已更换"})", Bearer());
  ASSERT_EQ(resolve.status, 200) << resolve.body;
  EXPECT_EQ(nlohmann::json::parse(resolve.body)["status"], "resolved");
  const std::string resolve_push = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(resolve_push, "#1")) << resolve_push;

  // The public board shows the public note but not the resident's words.
  auto pub = h.Get("/api/public/tickets/1");
  ASSERT_EQ(pub.status, 200);
  ExpectNoPersonalData(pub.body);
  EXPECT_TRUE(Contains(pub.body, "电工明天上午来更换灯管")) << pub.body;
  EXPECT_EQ(nlohmann::json::parse(pub.body)["status"], "resolved");

  // Errors: bad transition 409, unknown ticket 404, bad JSON / missing field 400, 405.
  auto again = h.Post("/api/admin/tickets/1/accept", "{}", Bearer());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_TRUE(Contains(again.body, "\"error\""));
  EXPECT_EQ(h.Post("/api/admin/tickets/99/accept", "{}", Bearer()).status, 404);
  EXPECT_EQ(h.Post("/api/admin/tickets/1/note", "{not json", Bearer()).status, 400);
  EXPECT_EQ(h.Post("/api/admin/tickets/1/note", R"({"public":true})", Bearer()).status, 400);
  EXPECT_EQ(h.Post("/api/admin/tickets/1/defer", R"({"reason":"x"})", Bearer()).status, 400);
  EXPECT_EQ(h.Post("/api/admin/tickets/1/fly", "{}", Bearer()).status, 404);
  EXPECT_EQ(h.Get("/api/admin/tickets/1/accept", Bearer()).status, 405);

  // Summary is shown on the public board.
  auto summary = h.Post("/api/admin/tickets/1/summary", R"({"summary":"3号楼楼道照明已修复"})",
                        Bearer());
  EXPECT_EQ(summary.status, 200) << summary.body;
  auto pub2 = h.Get("/api/public/tickets/1");
  EXPECT_TRUE(Contains(pub2.body, "3号楼楼道照明已修复")) << pub2.body;

  // Outbox listing: masked recipients, no text.
  auto outbox = h.Get("/api/admin/outbox", Bearer());
  ASSERT_EQ(outbox.status, 200) << outbox.body;
  EXPECT_FALSE(Contains(outbox.body, std::to_string(kUser))) << outbox.body;
  EXPECT_FALSE(Contains(outbox.body, "电工")) << outbox.body;
  EXPECT_EQ(h.Get("/api/admin/outbox?status=deferred", Bearer()).status, 200);
  EXPECT_EQ(h.Get("/api/admin/outbox?status=bogus", Bearer()).status, 400);
}

TEST(ApiE2eTest, DeferralAndMergeOnThePublicBoard) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, WithToken));
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;
  CreateTickets(h, 1);
  if (HasFatalFailure()) return;

  auto defer = h.Post("/api/admin/tickets/1/defer",
                      R"({"reason":"需要业主大会表决","plan":"下次业主大会讨论更换线路","until":"2099-12-31"})",
                      Bearer());
  ASSERT_EQ(defer.status, 200) << defer.body;
  const std::string push = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(push, "需要业主大会表决")) << push;

  auto pub = h.Get("/api/public/tickets/1");
  ASSERT_EQ(pub.status, 200);
  ExpectNoPersonalData(pub.body);
  auto j = nlohmann::json::parse(pub.body);
  EXPECT_EQ(j["status"], "deferred");
  EXPECT_EQ(j["deferral"]["reason"], "需要业主大会表决");
  EXPECT_EQ(j["deferral"]["plan"], "下次业主大会讨论更换线路");
  EXPECT_EQ(j["deferral"]["until"], "2099-12-31");

  auto bad_date = h.Post("/api/admin/tickets/2/defer",
                         R"({"reason":"r","plan":"p","until":"yesterday"})", Bearer());
  EXPECT_EQ(bad_date.status, 400) << bad_date.body;

  auto merge = h.Post("/api/admin/tickets/2/merge", R"({"into":1})", Bearer());
  ASSERT_EQ(merge.status, 200) << merge.body;
  auto merged = nlohmann::json::parse(h.Get("/api/public/tickets/2").body);
  EXPECT_EQ(merged["merged_into"], 1);
  EXPECT_EQ(h.Post("/api/admin/tickets/2/merge", R"({"into":"1"})", Bearer()).status, 400);
}

// Issue 7: POST /api/admin/tickets/<n>/<action> is built from the action list - every action
// in it answers (none 404/405), an unknown one is 404 - and a refusal's body is the sentence
// staff see in chat for the same refusal, with the text key as "code" (it was the raw key
// "staff.bad_state;number=1;status=resolved").
TEST(ApiE2eTest, AdminActionsAreTheListAndRefuseLikeChat) {
  constexpr int64_t kStaffUser = 5550888;
  Harness h;
  ASSERT_TRUE(h.StartApp({}, [](config::Config& c) {
    WithToken(c);
    c.staff.push_back({"tg", std::to_string(kStaffUser), "王网格", "grid", "staff"});
  }));
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;
  CreateTickets(h, 1);
  if (HasFatalFailure()) return;

  for (const auto& action : domain::TicketActions()) {
    // An empty body: 200, or 400 naming the missing field - never "no such route".
    auto r = h.Post("/api/admin/tickets/2/" + action.name, "{}", Bearer());
    EXPECT_TRUE(r.status == 200 || r.status == 400) << action.name << ": " << r.status << r.body;
    if (r.status == 400) {
      EXPECT_TRUE(Contains(r.body, "missing field")) << action.name << r.body;
    }
    EXPECT_EQ(h.Get("/api/admin/tickets/2/" + action.name, Bearer()).status, 405) << action.name;
  }
  auto unknown = h.Post("/api/admin/tickets/1/fly", "{}", Bearer());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["error"], "unknown action");

  ASSERT_EQ(h.Post("/api/admin/tickets/1/resolve", R"({"note":"灯管已更换"})", Bearer()).status,
            200);
  auto again = h.Post("/api/admin/tickets/1/accept", "{}", Bearer());
  ASSERT_EQ(again.status, 409) << again.body;
  auto body = nlohmann::json::parse(again.body);
  EXPECT_EQ(body["code"], "staff.bad_state");
  const std::string api_text = body["error"];
  EXPECT_FALSE(Contains(api_text, "status=")) << api_text;
  EXPECT_TRUE(Contains(api_text, "已解决")) << api_text;

  ASSERT_EQ(h.SendText(kStaffUser, "受理 1"), 200);
  EXPECT_EQ(h.NextReplyText(kStaffUser), api_text);

  // Not found reads the same too (404 kept).
  auto missing = h.Post("/api/admin/tickets/99/accept", "{}", Bearer());
  ASSERT_EQ(missing.status, 404);
  ASSERT_EQ(h.SendText(kStaffUser, "受理 99"), 200);
  EXPECT_EQ(h.NextReplyText(kStaffUser), nlohmann::json::parse(missing.body)["error"]);
}

}  // namespace
}  // namespace linli::e2e::api_e2e_test

namespace linli::e2e::api_e2e_test {
namespace {

// Regression (issue 8): a public note "已联系业主张伟国 13812345678" (张伟国 a roster owner) was
// published as typed on the board and in the push. Now masked there, kept as typed for staff,
// and the API answer says so.
TEST(ApiE2eTest, PublicNoteIsPublishedMaskedAndTheAnswerSaysSo) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, WithToken));
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;
  InQueue(h, [](storage::Database& db) {
    storage::Household owner;
    owner.building = "3";
    owner.unit = "2";
    owner.room = "301";
    owner.area_m2 = 90;
    owner.owner_name = "张伟国";
    owner.phone = "13812341234";
    return storage::RosterStore::Import(db, {owner}, false, 1, nullptr, nullptr);
  });
  if (HasFatalFailure()) return;

  auto note = h.Post("/api/admin/tickets/1/note",
                     R"({"note":"已联系业主张伟国 13812345678","public":true})", Bearer());
  ASSERT_EQ(note.status, 200) << note.body;
  EXPECT_EQ(nlohmann::json::parse(note.body)["masked"], true) << note.body;
  const std::string push = h.NextReplyText(kUser);
  EXPECT_TRUE(Contains(push, "已联系业主张** 138****5678")) << push;
  EXPECT_FALSE(Contains(push, "13812345678")) << push;

  auto pub = h.Get("/api/public/tickets/1");
  ASSERT_EQ(pub.status, 200) << pub.body;
  // On the board the door-number masking follows (no digit of the phone is left).
  EXPECT_TRUE(Contains(pub.body, "已联系业主张** ***********")) << pub.body;
  EXPECT_FALSE(Contains(pub.body, "13812345678")) << pub.body;
  EXPECT_FALSE(Contains(pub.body, "张伟国")) << pub.body;
  auto board = h.Get("/api/public/tickets");
  ASSERT_EQ(board.status, 200);
  EXPECT_FALSE(Contains(board.body, "13812345678")) << board.body;

  // Staff's internal view keeps what was typed.
  auto admin = h.Get("/api/admin/tickets/1", Bearer());
  ASSERT_EQ(admin.status, 200);
  EXPECT_TRUE(Contains(admin.body, "已联系业主张伟国 13812345678")) << admin.body;

  // Nothing to mask: "masked": false.
  auto plain = h.Post("/api/admin/tickets/1/note", R"({"note":"已派电工","public":true})", Bearer());
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(nlohmann::json::parse(plain.body)["masked"], false) << plain.body;
}

TEST(ApiE2eTest, AdminExportsAndErasesAPerson) {
  Harness h;
  ASSERT_TRUE(h.StartApp({}, WithToken));
  ReportOverWebhook(h);
  if (HasFatalFailure()) return;
  const int64_t person = TicketOne(h).reporter_person_id;
  ASSERT_GT(person, 0);
  const std::string base = "/api/admin/persons/" + std::to_string(person);

  EXPECT_EQ(h.Get(base + "/export").status, 401);
  EXPECT_EQ(h.Post(base + "/erase", "", {}).status, 401);
  EXPECT_EQ(h.Get(base + "/erase", Bearer()).status, 405);
  EXPECT_EQ(h.Get("/api/admin/persons/999999/export", Bearer()).status, 404);
  EXPECT_EQ(h.Get("/api/admin/persons/abc/export", Bearer()).status, 404);
  EXPECT_EQ(h.Post("/api/admin/persons/999999/erase", "", Bearer()).status, 404);

  auto exported = h.Get(base + "/export", Bearer());
  ASSERT_EQ(exported.status, 200) << exported.body;
  auto j = nlohmann::json::parse(exported.body);
  EXPECT_EQ(j["person_id"], person);
  ASSERT_EQ(j["tables"]["tickets"].size(), 1u) << exported.body;
  EXPECT_EQ(j["tables"]["tickets"][0]["number"], 1);
  EXPECT_EQ(j["tables"]["tickets"][0]["description"], kDescription);
  EXPECT_TRUE(Contains(exported.body, std::to_string(kUser))) << exported.body;  // the identity

  auto erased = h.Post(base + "/erase", "", Bearer());
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(nlohmann::json::parse(erased.body)["erased"], true);
  EXPECT_EQ(h.Get(base + "/export", Bearer()).status, 404);
  EXPECT_EQ(h.Post(base + "/erase", "", Bearer()).status, 404);

  // The ticket stays, for statistics, without the reporter or their words.
  const storage::Ticket t = TicketOne(h);
  EXPECT_EQ(t.number, 1);
  EXPECT_EQ(t.reporter_person_id, 0);
  EXPECT_EQ(t.description, "");
  EXPECT_EQ(h.Get("/api/public/tickets/1").status, 200);
}

}  // namespace
}  // namespace linli::e2e::api_e2e_test
