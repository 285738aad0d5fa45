// The public projection (domain/tickets/public_ticket.h) and the agenda publish staff text
// only through the masking module (issue 8 point 2). Regression: a public note "已联系业主张伟国
// 13812345678" was published as typed on GET /api/public/tickets/1.
#include "domain/tickets/public_ticket.h"

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "domain/common/known_names.h"
#include "domain/people/roster_import.h"
#include "domain/tickets/agenda.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::public_ticket_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStaff[] = "staff-1";  // DemoConfig's 王网格
constexpr const char* kRoster =
    "building,unit,room,area_m2,owner_name,phone\n"
    "3,2,301,98.5,张伟国,13812341234\n"
    "3,2,302,88,欧阳娜娜,13900001111\n"
    "3,2,303,88,张伟,13900002222\n";
const std::vector<std::string> kRosterNames = {"张伟国", "欧阳娜娜", "张伟"};

class PublicTicketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = domain::ImportRoster(h_.db(), kRoster, DemoConfig().compound, false, 1000);
    ASSERT_TRUE(r.ok() && r->errors.empty());
  }
  domain::PublicTicket Public(int64_t number) {
    auto p = domain::LoadPublicTicket(h_.db(), h_.deps(), number);
    EXPECT_TRUE(p.ok() && p->has_value());
    return p.ok() && p->has_value() ? **p : domain::PublicTicket{};
  }
  DialogHarness h_;
};

// Every text of the projection, as the API's JSON carries it (bot/server/api.cc renders the
// same fields).
nlohmann::json AsJson(const domain::PublicTicket& p) {
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : p.public_notes) notes.push_back({{"note", n.note}, {"status", n.status}});
  nlohmann::json j = {{"number", p.number},         {"category", p.category},
                      {"label", p.category_label},  {"building", p.building},
                      {"summary", p.public_summary}, {"notes", notes}};
  if (p.deferral) {
    j["deferral"] = {{"reason", p.deferral->reason},
                     {"plan", p.deferral->plan},
                     {"until", p.deferral->until}};
  }
  return j;
}

TEST_F(PublicTicketTest, KnownNamesAreRosterOwnersAndStaffLongestFirst) {
  auto names = domain::KnownNames(h_.db(), h_.config());
  ASSERT_TRUE(names.ok());
  EXPECT_EQ((*names)->names(), (std::vector<std::string>{"欧阳娜娜", "张伟国", "王网格", "张伟"}));
}

// Issue 13: the list is read once per roster change, not once per board page - and a change
// (a new owner, a new staff name) is in the very next list.
TEST_F(PublicTicketTest, KnownNamesAreKeptUntilTheRosterOrTheStaffChange) {
  auto first = domain::KnownNames(h_.db(), h_.config());
  auto again = domain::KnownNames(h_.db(), h_.config());
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->get(), again->get());  // the same list, not read again

  storage::Household h;
  h.building = "9";
  h.unit = "1";
  h.room = "101";
  h.owner_name = "赵六六";
  ASSERT_TRUE(storage::RosterStore::Import(h_.db(), {h}, false, 1, nullptr, nullptr).ok());
  auto after_import = domain::KnownNames(h_.db(), h_.config());
  ASSERT_TRUE(after_import.ok());
  EXPECT_NE(after_import->get(), first->get());
  EXPECT_EQ((*after_import)->names().front(), "欧阳娜娜");
  EXPECT_NE(std::find((*after_import)->names().begin(), (*after_import)->names().end(), "赵六六"),
            (*after_import)->names().end());
  EXPECT_EQ(domain::MaskFreeText("请赵六六回电", **after_import).text, "请赵**回电");

  config::Config renamed = h_.config();
  ASSERT_FALSE(renamed.staff.empty());
  renamed.staff[0].name = "钱七七";
  auto other_staff = domain::KnownNames(h_.db(), renamed);
  ASSERT_TRUE(other_staff.ok());
  const auto& list = (*other_staff)->names();
  EXPECT_NE(std::find(list.begin(), list.end(), "钱七七"), list.end());
  EXPECT_EQ(std::find(list.begin(), list.end(), "王网格"), list.end());
}

TEST_F(PublicTicketTest, PublicNoteIsPublishedMaskedAndKeptAsTyped) {
  h_.Report("user-1");
  h_.TakeOutbox();
  const std::string reply = DialogHarness::Text(h_.Say("公开备注 1 已联系业主张伟国 13812345678", kStaff));
  // Staff are told, in the same reply.
  EXPECT_THAT(reply, HasSubstr("已为 #1 记录公开进展"));
  EXPECT_THAT(reply, HasSubstr("将以打码形式公开"));

  const domain::PublicTicket p = Public(1);
  ASSERT_EQ(p.public_notes.size(), 1u);
  // Published: door-number masking follows (issue 12), which stars the phone's kept digits too.
  EXPECT_EQ(p.public_notes[0].note, "已联系业主张** ***********");

  // The internal record keeps what was typed.
  auto events = storage::TicketStore::Events(h_.db(), h_.Ticket(1).id);
  ASSERT_TRUE(events.ok());
  bool typed = false;
  for (const auto& e : *events) typed = typed || e.note == "已联系业主张伟国 13812345678";
  EXPECT_TRUE(typed);

  // The push to the reporter is masked too.
  const auto pushes = h_.TakeOutbox();
  ASSERT_FALSE(pushes.empty());
  for (const auto& m : pushes) {
    EXPECT_THAT(m.text, Not(HasSubstr("13812345678"))) << m.text;
    EXPECT_THAT(m.text, Not(HasSubstr("张伟国"))) << m.text;
  }
  EXPECT_THAT(pushes.back().text, HasSubstr("已联系业主张** 138****5678"));
}

TEST_F(PublicTicketTest, TextWithNothingToMaskGetsNoNotice) {
  h_.Report("user-1");
  const std::string reply = DialogHarness::Text(h_.Say("公开备注 1 已派电工上门", kStaff));
  EXPECT_THAT(reply, HasSubstr("已为 #1 记录公开进展"));
  EXPECT_THAT(reply, Not(HasSubstr("打码")));
  // An internal note is not published: no notice even with a phone number.
  const std::string internal = DialogHarness::Text(h_.Say("备注 1 电工电话 13812345678", kStaff));
  EXPECT_THAT(internal, Not(HasSubstr("打码")));
  EXPECT_EQ(Public(1).public_notes.size(), 1u);
}

TEST_F(PublicTicketTest, DeferralAndSummaryAreMaskedWithANotice) {
  h_.Report("user-1");
  h_.TakeOutbox();
  const std::string defer = DialogHarness::Text(
      h_.Say("暂缓 1 欧阳娜娜不同意施工|王网格联系13900001111协调|2026-12-31", kStaff));
  EXPECT_THAT(defer, HasSubstr("已暂缓"));
  EXPECT_THAT(defer, HasSubstr("将以打码形式公开"));
  const std::string summary =
      DialogHarness::Text(h_.Say("摘要 1 身份证110105199001011234的业主已确认", kStaff));
  EXPECT_THAT(summary, HasSubstr("将以打码形式公开"));

  const domain::PublicTicket p = Public(1);
  ASSERT_TRUE(p.deferral.has_value());
  EXPECT_EQ(p.deferral->reason, "欧***不同意施工");
  EXPECT_EQ(p.deferral->plan, "王**联系***********协调");
  EXPECT_EQ(p.public_summary, "身份证****************34的业主已确认");
  // Stored as typed.
  EXPECT_EQ(h_.Ticket(1).deferred_reason, "欧阳娜娜不同意施工");
  for (const auto& m : h_.TakeOutbox()) {
    EXPECT_THAT(m.text, Not(HasSubstr("欧阳娜娜"))) << m.text;
    EXPECT_THAT(m.text, Not(HasSubstr("13900001111"))) << m.text;
  }
}

// Point 3: the resident's own words (which may carry their phone or ID number) never reach
// the public projection, whatever they contain.
TEST_F(PublicTicketTest, DescriptionNeverInTheProjection) {
  for (const std::string& s : {std::string("报事"), std::string("2"), std::string("3号楼2单元"),
                               std::string("张伟国家漏水 13812345678 110105199001011234"),
                               std::string("跳过"), std::string("1")}) {
    h_.Say(s, "user-1");
  }
  ASSERT_THAT(h_.Ticket(1).description, HasSubstr("13812345678"));
  h_.Say("解决 1 已修好", kStaff);
  const std::string json = AsJson(Public(1)).dump();
  for (const char* secret : {"漏水", "13812345678", "110105199001011234", "张伟国", "2单元"}) {
    EXPECT_THAT(json, Not(HasSubstr(secret))) << json;
  }
}

// Point 5: generated tickets whose public notes, deferrals, resolutions and summaries carry
// phones, ID numbers and roster names; neither the public JSON nor the agenda keeps any.
TEST_F(PublicTicketTest, NoPhoneIdNumberOrRosterNameSurvivesPublication) {
  const std::vector<std::string> phones = {"13812345678", "15900001111", "18698765432",
                                           "139 0000 2222", "177-1234-5678"};
  const std::vector<std::string> ids = {"110105199001011234", "44030419851231002X",
                                        "320102198807150016"};
  constexpr int kTickets = 6;
  for (int i = 1; i <= kTickets; ++i) h_.Report("user-" + std::to_string(i));
  for (int i = 1; i <= kTickets; ++i) {
    h_.clock().Advance(std::chrono::minutes(1));  // stay under the per-minute message limit
    const std::string n = std::to_string(i);
    const std::string& name = kRosterNames[i % kRosterNames.size()];
    const std::string& phone = phones[i % phones.size()];
    const std::string& id = ids[i % ids.size()];
    h_.Say("公开备注 " + n + " 已联系" + name + "，电话" + phone + "，证件" + id, kStaff);
    h_.Say("摘要 " + n + " " + name + "反映的问题，联系" + phones[(i + 1) % phones.size()], kStaff);
    if (i % 2 == 0) {
      h_.Say("暂缓 " + n + " 等" + name + "签字" + id + "|王网格致电" + phone + "|2026-12-31",
             kStaff);
    } else {
      h_.Say("解决 " + n + " 已和" + name + "(" + phone + ")确认修好", kStaff);
    }
  }
  std::string published;
  auto page = domain::ListPublicTickets(h_.db(), h_.deps(), 1, 50);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->tickets.size(), static_cast<size_t>(kTickets));
  for (const auto& p : page->tickets) published += AsJson(p).dump() + "\n";
  auto agenda = domain::RenderAgenda(h_.db(), h_.config(), h_.deps().texts, "2026-11", "zh-CN");
  ASSERT_TRUE(agenda.ok()) << agenda.status().ToString();
  ASSERT_THAT(*agenda, HasSubstr("## 暂缓的工单"));
  ASSERT_THAT(published, HasSubstr("****"));  // the texts are there, masked

  const std::regex phone(R"(1[3-9]\d{9})");
  const std::regex spaced_phone(R"(1[3-9]\d[ -]\d{4}[ -]\d{4})");
  const std::regex id_number(R"(\d{17}[0-9X])");
  for (const std::string& text : {published, *agenda}) {
    EXPECT_FALSE(std::regex_search(text, phone)) << text;
    EXPECT_FALSE(std::regex_search(text, spaced_phone)) << text;
    EXPECT_FALSE(std::regex_search(text, id_number)) << text;
    for (const auto& name : kRosterNames) EXPECT_THAT(text, Not(HasSubstr(name))) << name;
    EXPECT_THAT(text, Not(HasSubstr("王网格")));
  }
}

}  // namespace
}  // namespace linli::dialogs::public_ticket_test
