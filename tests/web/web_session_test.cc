// Web sign-in (issue 12): cookie and form parsing, sessions started and found by cookie, idle
// and absolute expiry, kinds kept apart, logout cookies and the CSRF check.
#include "web/web_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "domain/common/web_token.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"
#include "tests/fakes/fake_clock.h"

namespace linli::web::web_session_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(ParseCookiesTest, SplitsTrimsUnquotesAndKeepsTheFirst) {
  const auto c = ParseCookies(" a=1; linli_staff=tok-EN_9 ;b=\"x y\"; noeq; =v; a=2;empty=");
  EXPECT_EQ(c.at("a"), "1");
  EXPECT_EQ(c.at("linli_staff"), "tok-EN_9");
  EXPECT_EQ(c.at("b"), "x y");
  EXPECT_EQ(c.at("empty"), "");
  EXPECT_EQ(c.count("noeq"), 0u);
  EXPECT_EQ(c.count(""), 0u);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_TRUE(ParseCookies("").empty());
}

TEST(ParseFormTest, DecodesPlusAsSpaceAndPercentEscapes) {
  const auto f = ParseForm("note=%E5%B7%B2%E4%BF%AE+%E5%A5%BD&csrf=a%2Bb&flag&x=1&x=2&&=z");
  EXPECT_EQ(f.at("note"), "已修 好");
  EXPECT_EQ(f.at("csrf"), "a+b");  // an escaped plus stays a plus
  EXPECT_EQ(f.at("flag"), "");
  EXPECT_EQ(f.at("x"), "2");
  EXPECT_EQ(f.size(), 4u);
  EXPECT_TRUE(ParseForm("").empty());
}

class WebSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenSqlite({":memory:", "OFF", 1000});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    config_.web.public_url = "https://linli.example.org";
    config_.web.secure_cookies = true;
  }

  domain::Deps deps() const { return {config_, texts_, clock_}; }

  // The request a browser sends back with the cookie of `set_cookie`.
  static HttpRequest WithCookieOf(const std::string& set_cookie) {
    HttpRequest r;
    r.method = "GET";
    r.path = "/console";
    r.headers["Cookie"] = "other=1; " + set_cookie.substr(0, set_cookie.find(';'));
    return r;
  }

  std::optional<storage::WebSession> Current(const HttpRequest& r, SessionKind kind) {
    auto s = CurrentSession(*db_, deps(), r, kind);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : std::nullopt;
  }

  std::unique_ptr<storage::Database> db_;
  config::Config config_;
  config::Texts texts_;
  linli::testing::FakeClock clock_;
};

TEST_F(WebSessionTest, StartSetsAHardenedCookieAndStoresOnlyTheHash) {
  auto started = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const std::string& c = started->set_cookie;
  EXPECT_THAT(c, StartsWith("linli_staff="));
  EXPECT_THAT(c, HasSubstr("; HttpOnly"));
  EXPECT_THAT(c, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(c, HasSubstr("; Path=/"));
  EXPECT_THAT(c, HasSubstr("; Secure"));
  EXPECT_THAT(c, HasSubstr("; Max-Age=43200"));  // 12 hours
  const std::string token = c.substr(12, c.find(';') - 12);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(started->session.token_hash, domain::TokenHash(token));
  EXPECT_EQ(started->session.person_id, 7);
  EXPECT_EQ(started->session.kind, "staff");
  EXPECT_FALSE(started->session.csrf_token.empty());
  EXPECT_NE(started->session.csrf_token, token);
  auto rows = db_->Query("SELECT COUNT(*) FROM web_sessions WHERE token_hash = ?", {token});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);  // the token itself is nowhere

  config_.web.secure_cookies = false;
  auto plain = StartSession(*db_, deps(), SessionKind::kResident, 7);
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(plain->set_cookie, StartsWith("linli_me="));
  EXPECT_THAT(plain->set_cookie, Not(HasSubstr("Secure")));
  EXPECT_FALSE(StartSession(*db_, deps(), SessionKind::kStaff, 0).ok());
}

TEST_F(WebSessionTest, TheCookieFindsItsSessionOfItsKindOnly) {
  auto staff = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(staff.ok());
  const HttpRequest r = WithCookieOf(staff->set_cookie);
  auto found = Current(r, SessionKind::kStaff);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, staff->session.id);
  EXPECT_EQ(found->person_id, 7);
  EXPECT_FALSE(Current(r, SessionKind::kResident).has_value());  // linli_me is absent

  // A resident's token put under the staff cookie's name signs nobody in as staff.
  auto me = StartSession(*db_, deps(), SessionKind::kResident, 8);
  ASSERT_TRUE(me.ok());
  HttpRequest swapped;
  swapped.headers["Cookie"] =
      "linli_staff=" + me->set_cookie.substr(9, me->set_cookie.find(';') - 9);
  EXPECT_FALSE(Current(swapped, SessionKind::kStaff).has_value());

  HttpRequest none;
  EXPECT_FALSE(Current(none, SessionKind::kStaff).has_value());
  HttpRequest forged;
  forged.headers["Cookie"] = "linli_staff=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_FALSE(Current(forged, SessionKind::kStaff).has_value());
}

TEST_F(WebSessionTest, IdleExpiryMovesWithUseAndTheAbsoluteOneDoesNot) {
  config_.web.session_idle_minutes = 30;
  config_.web.session_max_hours = 2;
  auto s = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(s.ok());
  const HttpRequest r = WithCookieOf(s->set_cookie);
  for (int i = 0; i < 4; ++i) {  // used every 29 minutes: still valid after 116 minutes
    clock_.Advance(std::chrono::minutes(29));
    ASSERT_TRUE(Current(r, SessionKind::kStaff).has_value()) << i;
  }
  clock_.Advance(std::chrono::minutes(5));  // 121 minutes: past the absolute expiry
  EXPECT_FALSE(Current(r, SessionKind::kStaff).has_value());

  auto idle = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(idle.ok());
  clock_.Advance(std::chrono::minutes(30));
  EXPECT_FALSE(Current(WithCookieOf(idle->set_cookie), SessionKind::kStaff).has_value());
}

TEST_F(WebSessionTest, ARevokedSessionIsGoneAndTheLogoutCookieClearsIt) {
  auto s = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(storage::WebSessionStore::Revoke(*db_, s->session.id, clock_.NowMillis()).ok());
  EXPECT_FALSE(Current(WithCookieOf(s->set_cookie), SessionKind::kStaff).has_value());
  const std::string out = LogoutCookie(config_.web, SessionKind::kStaff);
  EXPECT_THAT(out, StartsWith("linli_staff=;"));
  EXPECT_THAT(out, HasSubstr("Max-Age=0"));
  EXPECT_THAT(out, HasSubstr("HttpOnly"));
  EXPECT_THAT(out, HasSubstr("Secure"));
  EXPECT_THAT(LogoutCookie(config_.web, SessionKind::kResident), StartsWith("linli_me=;"));
}

TEST_F(WebSessionTest, CsrfMustMatchTheSessionsToken) {
  auto s = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(s.ok());
  const storage::WebSession& session = s->session;
  EXPECT_TRUE(CsrfOk(session, session.csrf_token));
  EXPECT_FALSE(CsrfOk(session, ""));
  EXPECT_FALSE(CsrfOk(session, session.csrf_token + "x"));
  EXPECT_FALSE(CsrfOk(session, session.csrf_token.substr(1)));
  std::string flipped = session.csrf_token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(CsrfOk(session, flipped));
  auto other = StartSession(*db_, deps(), SessionKind::kStaff, 7);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(CsrfOk(session, other->session.csrf_token));
}

}  // namespace
}  // namespace linli::web::web_session_test
