// The console's guard (issue 12 point 2): no session -> 303 to the sign-in page; a session of
// someone no longer staff is revoked; a POST without the session's CSRF token, or with
// another, is 403 and its handler does not run; with it the handler runs as that person.
#include "web/console_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "domain/people/roles.h"
#include "storage/identity_store.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"
#include "web/web_session.h"

namespace linli::web::console_page_test {
namespace {

using ::testing::HasSubstr;

class ConsolePageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    config_.staff.push_back({"tg", "100", "王网格", "grid", "staff"});
    ASSERT_TRUE(domain::SyncStaffFromConfig(*db_, config_, 1000).ok());
    auto id = storage::IdentityStore::FindIdentity(*db_, "tg", "100");
    ASSERT_TRUE(id.ok() && id->has_value());
    staff_ = (*id)->person_id;
    auto s = StartSession(*db_, deps(), SessionKind::kStaff, staff_);
    ASSERT_TRUE(s.ok());
    session_ = s->session;
    cookie_ = s->set_cookie.substr(0, s->set_cookie.find(';'));
  }
  domain::Deps deps() const { return {config_, texts_, clock_}; }

  StatusOr<HttpResponse> Call(const WebHandler& h, const std::string& method,
                              const std::string& body, bool with_cookie = true) {
    HttpRequest http;
    http.method = method;
    http.path = "/console";
    http.body = body;
    if (with_cookie) http.headers["Cookie"] = cookie_;
    const WebRequest r{http, params_};
    return h(*db_, deps(), r);
  }
  static std::string Location(const HttpResponse& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "Location") return v;
    }
    return "";
  }
  StaffHandler Recorder() {
    return [this](storage::Database&, const domain::Deps&,
                  const StaffRequest& r) -> StatusOr<HttpResponse> {
      ++ran_;
      seen_person_ = r.session.person_id;
      seen_name_ = r.standing.name;
      seen_note_ = r.form.count("note") ? r.form.at("note") : "";
      return HttpResponse::Text(200, "ran");
    };
  }

  std::unique_ptr<storage::Database> db_;
  config::Config config_;
  config::Texts texts_;
  linli::testing::FakeClock clock_;
  std::map<std::string, std::string> params_;
  int64_t staff_ = 0;
  storage::WebSession session_;
  std::string cookie_;
  int ran_ = 0;
  int64_t seen_person_ = 0;
  std::string seen_name_, seen_note_;
};

TEST_F(ConsolePageTest, WithoutASessionTheGuardSendsToTheSigninPage) {
  auto r = Call(StaffPage(Recorder()), "GET", "", /*with_cookie=*/false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(Location(*r), "/console/signin");
  cookie_ = "linli_staff=" + std::string(43, 'x');  // unknown token
  r = Call(StaffPage(Recorder()), "GET", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(ran_, 0);
}

TEST_F(ConsolePageTest, APageRunsAsTheSignedInStaffMember) {
  auto r = Call(StaffPage(Recorder()), "GET", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(ran_, 1);
  EXPECT_EQ(seen_person_, staff_);
  EXPECT_EQ(seen_name_, "王网格");
}

TEST_F(ConsolePageTest, APostNeedsTheSessionsCsrfToken) {
  for (const std::string& body : {std::string(""), std::string("note=x"),
                                 std::string("csrf=") + std::string(43, 'A') + "&note=x",
                                 std::string("csrf=&note=x")}) {
    auto r = Call(StaffPost(Recorder()), "POST", body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 403) << body;
  }
  EXPECT_EQ(ran_, 0);
  auto ok = Call(StaffPost(Recorder()), "POST", "note=%E5%B7%B2%E4%BF%AE+%E5%A5%BD&csrf=" +
                                                    session_.csrf_token);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ran_, 1);
  EXPECT_EQ(seen_note_, "已修 好");
}

TEST_F(ConsolePageTest, ASessionOfSomeoneNoLongerStaffEnds) {
  config_.staff.clear();
  ASSERT_TRUE(domain::SyncStaffFromConfig(*db_, config_, 2000).ok());
  auto r = Call(StaffPage(Recorder()), "GET", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(ran_, 0);
  auto rows = db_->Query("SELECT revoked_at FROM web_sessions WHERE id = ?", {session_.id});
  ASSERT_TRUE(rows.ok() && rows->size() == 1u);
  EXPECT_GT((*rows)[0].Int(0), 0);
}

TEST_F(ConsolePageTest, PagesCarryTheCsrfFieldAndTheLogoutForm) {
  const StaffHandler page = [](storage::Database&, const domain::Deps& d,
                               const StaffRequest& r) -> StatusOr<HttpResponse> {
    return ConsolePage(d, r, 200, "T", PostForm(r.session, "/console/x", "", "go"));
  };
  auto r = Call(StaffPage(page), "GET", "");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->body, HasSubstr("action=\"/console/logout\""));
  EXPECT_THAT(r->body, HasSubstr("name=\"csrf\" value=\"" + session_.csrf_token + "\""));
  EXPECT_THAT(r->body, HasSubstr("action=\"/console/x\""));
}

}  // namespace
}  // namespace linli::web::console_page_test
