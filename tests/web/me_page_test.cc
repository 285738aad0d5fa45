// The resident's own page (web/me_page.h) over a real database: each resident sees their own
// tickets, wishes and household ballots and nothing of anyone else's; rating goes through the
// chat's rules; the POSTs need a session and its CSRF token.
#include "web/me_page.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "domain/decisions/decision_service.h"
#include "domain/people/invite_code.h"
#include "domain/people/roster_import.h"
#include "domain/tickets/ticket_service.h"
#include "storage/identity_store.h"
#include "storage/open_database.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"
#include "storage/web_session_store.h"
#include "storage/wish_store.h"
#include "tests/fakes/fake_clock.h"
#include "web/web_session.h"

namespace linli::web::me_page_test {
namespace {

namespace dd = domain::decisions;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

config::Config MakeConfig() {
  config::Config c;
  c.locale = "zh-CN";
  c.timezone = "Asia/Shanghai";
  c.compound.name = "幸福里小区";
  c.compound.buildings = {{"1", {"1", "2"}}, {"2", {"1"}}};
  c.staff.push_back({});
  c.staff.back().channel = "tg";
  c.staff.back().user_id = "staff-1";
  c.staff.back().name = "王主任";
  c.staff.back().tier = "property";
  return c;
}

class MePageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("linli-me-page-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    storage::DatabaseOptions options;
    options.sqlite.path = (dir_ / "linli.db").string();
    auto opened = storage::OpenDatabase(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened->db);
    auto texts = config::Texts::Load(LINLI_SOURCE_DIR "/config/locales", {"zh-CN", "en"});
    ASSERT_TRUE(texts.ok()) << texts.status().ToString();
    texts_ = std::move(texts).value();
    a_ = Person("u-a");
    a2_ = Person("u-a2");
    b_ = Person("u-b");
    staff_ = Person("staff-1");
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  int64_t Person(const std::string& user) {
    auto p = storage::IdentityStore::Touch(*db_, {"tg", user, user, ChatType::kPrivate}, Now());
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->id : 0;
  }
  int64_t Now() const { return clock_.NowMillis(); }
  domain::Deps deps() const { return {config_, texts_, clock_}; }

  // A ticket of `person` (through the store, as the report flow's end writes it).
  int64_t Ticket(int64_t person, const std::string& words) {
    storage::Ticket t;
    t.reporter_person_id = person;
    t.channel = "tg";
    t.notify_channel = "tg";
    t.category = "repair";
    t.building = "1";
    t.unit = std::string("2");
    t.location_text = "1号楼2单元301";
    t.description = words;
    domain::TicketService::PrepareNew(config_, t, Now());
    t.created_at_ms = Now();
    t.updated_at_ms = Now();
    auto stored = storage::TicketStore::Create(*db_, t);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->number : 0;
  }
  void Resolve(int64_t number) {
    const auto d = deps();
    const auto staff = domain::Actor::Person(staff_);
    ASSERT_TRUE(domain::TicketService::Accept(*db_, d, staff, number, Now()).ok());
    auto r = domain::TicketService::Resolve(*db_, d, staff, number, "已更换水管", Now());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // A session of `person` and the Cookie header that carries it.
  struct Signed {
    storage::WebSession session;
    std::string cookie;
  };
  Signed SignIn(int64_t person) {
    auto started = StartSession(*db_, deps(), SessionKind::kResident, person);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (!started.ok()) return {};
    const std::string& sc = started->set_cookie;
    return {started->session, sc.substr(0, sc.find(';'))};
  }

  HttpResponse Call(StatusOr<HttpResponse> (*handler)(storage::Database&, const domain::Deps&,
                                                       const WebRequest&),
                    const std::string& method, const std::string& cookie,
                    const std::string& body = "", std::map<std::string, std::string> params = {}) {
    HttpRequest r;
    r.method = method;
    r.path = "/me";
    r.target = "/me";
    if (!cookie.empty()) r.headers["Cookie"] = cookie;
    r.body = body;
    const auto d = deps();
    auto out = handler(*db_, d, WebRequest{r, params});
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : HttpResponse{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Database> db_;
  config::Config config_ = MakeConfig();
  config::Texts texts_;
  testing::FakeClock clock_;
  int64_t a_ = 0, a2_ = 0, b_ = 0, staff_ = 0;
};

TEST_F(MePageTest, EachResidentSeesOnlyTheirOwnTicketsAndWishes) {
  const int64_t ta = Ticket(a_, "厨房水管漏水AAA");
  const int64_t tb = Ticket(b_, "楼道灯不亮BBB");
  storage::Wish wa;
  wa.requester_person_id = a_;
  wa.posted_by_person_id = a_;
  wa.channel = "tg";
  wa.category = "shopping";
  wa.text = "帮忙买菜WISHA";
  wa.created_at_ms = Now();
  ASSERT_TRUE(storage::WishStore::Create(*db_, wa).ok());
  storage::Wish wb = wa;
  wb.requester_person_id = b_;
  wb.posted_by_person_id = b_;
  wb.text = "陪同就医WISHB";
  ASSERT_TRUE(storage::WishStore::Create(*db_, wb).ok());

  const HttpResponse pa = Call(MePage, "GET", SignIn(a_).cookie);
  ASSERT_EQ(pa.status, 200) << pa.body;
  EXPECT_TRUE(Contains(pa.body, "id=\"t" + std::to_string(ta) + "\"")) << pa.body;
  EXPECT_TRUE(Contains(pa.body, "1号楼2单元301"));  // the reporter's own location, with the room
  EXPECT_TRUE(Contains(pa.body, "帮忙买菜WISHA"));
  EXPECT_FALSE(Contains(pa.body, "id=\"t" + std::to_string(tb) + "\""));
  EXPECT_FALSE(Contains(pa.body, "WISHB"));
  EXPECT_FALSE(Contains(pa.body, "BBB"));

  const HttpResponse pb = Call(MePage, "GET", SignIn(b_).cookie);
  ASSERT_EQ(pb.status, 200);
  EXPECT_TRUE(Contains(pb.body, "id=\"t" + std::to_string(tb) + "\""));
  EXPECT_TRUE(Contains(pb.body, "陪同就医WISHB"));
  EXPECT_FALSE(Contains(pb.body, "id=\"t" + std::to_string(ta) + "\""));
  EXPECT_FALSE(Contains(pb.body, "WISHA"));
}

TEST_F(MePageTest, HistoryIsTheResidentsOneAndResolvedTicketsCanBeRated) {
  const int64_t ta = Ticket(a_, "厨房水管漏水");
  ASSERT_TRUE(domain::TicketService::AddNote(*db_, deps(), domain::Actor::Person(staff_), ta,
                                             "INTERNALNOTE", false, "", Now())
                  .ok());
  Resolve(ta);
  const Signed sa = SignIn(a_);
  const HttpResponse page = Call(MePage, "GET", sa.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(Contains(page.body, "INTERNALNOTE")) << page.body;  // staff-only history
  EXPECT_TRUE(Contains(page.body, "已更换水管"));                  // the resolve note is public
  const std::string action = "/me/tickets/" + std::to_string(ta) + "/rate";
  EXPECT_TRUE(Contains(page.body, "action=\"" + action + "\""));
  EXPECT_TRUE(Contains(page.body, "value=\"" + sa.session.csrf_token + "\""));

  const std::map<std::string, std::string> n = {{"n", std::to_string(ta)}};
  // Without the CSRF token, and without a session: refused, the ticket unchanged.
  EXPECT_EQ(Call(MeRate, "POST", sa.cookie, "rating=satisfied&csrf=wrong", n).status, 403);
  EXPECT_EQ(Call(MeRate, "POST", "", "rating=satisfied&csrf=" + sa.session.csrf_token, n).status, 401);
  // B is not the reporter: the chat's answer (not found), nothing rated.
  const Signed sb = SignIn(b_);
  EXPECT_EQ(Call(MeRate, "POST", sb.cookie, "rating=satisfied&csrf=" + sb.session.csrf_token, n).status,
            404);
  auto t = storage::TicketStore::FindByNumber(*db_, ta);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->status, storage::TicketStatus::kResolved);
  EXPECT_EQ(Call(MeRate, "POST", sa.cookie, "rating=excellent&csrf=" + sa.session.csrf_token, n).status,
            400);

  const HttpResponse rated =
      Call(MeRate, "POST", sa.cookie, "rating=satisfied&comment=%E5%BE%88%E5%A5%BD&csrf=" +
                                          sa.session.csrf_token, n);
  EXPECT_EQ(rated.status, 303) << rated.body;
  t = storage::TicketStore::FindByNumber(*db_, ta);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->status, storage::TicketStatus::kClosed);
  // Rated once: a second rating is refused as in chat (the ticket is not resolved any more).
  EXPECT_EQ(Call(MeRate, "POST", sa.cookie, "rating=basic&csrf=" + sa.session.csrf_token, n).status,
            409);
  EXPECT_FALSE(Contains(Call(MePage, "GET", sa.cookie).body, "action=\"" + action + "\""));
}

TEST_F(MePageTest, BallotsAreTheHouseholdsOwnOnly) {
  auto imported = domain::ImportRoster(*db_,
                                       "building,unit,room,area_m2,owner_name,phone\n"
                                       "1,1,101,100,张一,13800000001\n"
                                       "1,1,102,80,张二,13800000002\n",
                                       config_.compound, false, Now());
  ASSERT_TRUE(imported.ok() && imported->errors.empty());
  auto codes = storage::RosterStore::EnsureCodes(*db_, "", Now(), domain::DrawInviteCode);
  ASSERT_TRUE(codes.ok());
  std::map<std::string, std::string> code;
  for (const auto& c : *codes) code[c.household.room] = c.code;
  ASSERT_TRUE(storage::RosterStore::RedeemCode(*db_, code["101"], a_, 0, Now(), nullptr).ok());
  ASSERT_TRUE(storage::RosterStore::RedeemCode(*db_, code["102"], b_, 0, Now(), nullptr).ok());
  codes = storage::RosterStore::EnsureCodes(*db_, "", Now(), domain::DrawInviteCode);
  ASSERT_TRUE(codes.ok());
  for (const auto& c : *codes) code[c.household.room] = c.code;
  ASSERT_TRUE(storage::RosterStore::RedeemCode(*db_, code["101"], a2_, 0, Now(), nullptr).ok());

  const auto d = deps();
  dd::DraftInput in;
  in.title = "文明养犬公约";
  in.body = "遛狗请牵绳。";
  in.closes_at_ms = Now() + 24 * 3600 * 1000;
  auto created = dd::DecisionService::Create(*db_, d, domain::Actor::Person(staff_), in, Now());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto opened = dd::DecisionService::Open(*db_, d, domain::Actor::Person(staff_), created->id, Now());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  in.title = "电梯广告收益公约";
  auto second = dd::DecisionService::Create(*db_, d, domain::Actor::Person(staff_), in, Now());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(dd::DecisionService::Open(*db_, d, domain::Actor::Person(staff_), second->id, Now()).ok());

  // A2 votes for the household of A; B votes against.
  ASSERT_TRUE(dd::DecisionService::Vote(*db_, d, a2_, created->id, {{"agree"}}, Now()).ok());
  ASSERT_TRUE(dd::DecisionService::Vote(*db_, d, b_, created->id, {{"against"}}, Now()).ok());

  const HttpResponse pa = Call(MePage, "GET", SignIn(a_).cookie);
  ASSERT_EQ(pa.status, 200);
  EXPECT_TRUE(Contains(pa.body, "文明养犬公约")) << pa.body;
  EXPECT_TRUE(Contains(pa.body, "同意"));   // the household's ballot, cast by A2
  EXPECT_FALSE(Contains(pa.body, "反对"));  // B's
  EXPECT_TRUE(Contains(pa.body, "/vote " + std::to_string(second->id)));  // open, not answered

  const HttpResponse pb = Call(MePage, "GET", SignIn(b_).cookie);
  ASSERT_EQ(pb.status, 200);
  EXPECT_TRUE(Contains(pb.body, "反对"));
  EXPECT_FALSE(Contains(pb.body, "同意"));
}

TEST_F(MePageTest, LogoutRevokesTheSessionAndAnInvalidSessionGetsNothing) {
  Ticket(a_, "厨房水管漏水AAA");
  const Signed sa = SignIn(a_);
  // No session, a made-up one: no page of anyone (the sign-in page: no WeChat channel here).
  for (const std::string& cookie : {std::string(), std::string("linli_me=forged")}) {
    const HttpResponse r = Call(MePage, "GET", cookie);
    EXPECT_EQ(r.status, 401);
    EXPECT_FALSE(Contains(r.body, "AAA"));
  }
  EXPECT_EQ(Call(MeLogout, "POST", sa.cookie, "csrf=wrong").status, 403);
  EXPECT_EQ(Call(MePage, "GET", sa.cookie).status, 200);
  const HttpResponse out = Call(MeLogout, "POST", sa.cookie, "csrf=" + sa.session.csrf_token);
  EXPECT_EQ(out.status, 303);
  bool cleared = false;
  for (const auto& [k, v] : out.headers) {
    if (k == "Set-Cookie" && Contains(v, "linli_me=;")) cleared = true;
  }
  EXPECT_TRUE(cleared);
  const HttpResponse after = Call(MePage, "GET", sa.cookie);
  EXPECT_EQ(after.status, 401);
  EXPECT_FALSE(Contains(after.body, "AAA"));
}

}  // namespace
}  // namespace linli::web::me_page_test
