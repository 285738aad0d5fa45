// The resident's own page (/me) through the real server: WeChat's silent web authorization
// against a fake WeChat API (tests/fakes/fake_wechat_api.h: the code exchange), a Telegram
// Mini App's signed initData, and everything that must get nothing - a forged or reused code,
// a state that is not the browser's, tampered or stale initData, an unknown identity, a
// missing or made-up session - checked in the database (no session row).
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <future>
#include <string>

#include "bot/http.h"
#include "storage/identity_store.h"
#include "storage/ticket_store.h"
#include "storage/write_queue.h"
#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_wechat_api.h"
#include "web/telegram_init_data.h"

namespace linli::e2e::me_e2e_test {
namespace {

using testing::FakeClock;
using testing::FakeWechatApi;

constexpr char kWxAppId[] = "wxME0001";
constexpr char kWxSecret[] = "wx-me-secret";
constexpr char kPublicUrl[] = "https://linli.example";
constexpr char kOpenIdA[] = "oWX-resident-A";
constexpr int64_t kUserB = 50001;  // a Telegram user

// Base64 of SHA-256, as a CSP hash source names a script (OpenSSL, independent of web/).
std::string Sha256Base64(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string out(4 * ((sizeof digest + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, sizeof digest);
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

struct Answer {
  int status = 0;
  std::string body;
  std::string location;
  std::vector<std::string> set_cookies;
  std::string csp;
  // "name=value" of the Set-Cookie named `name` ("" if none).
  std::string Cookie(const std::string& name) const {
    for (const auto& c : set_cookies) {
      if (c.rfind(name + "=", 0) == 0) return c.substr(0, c.find(';'));
    }
    return "";
  }
};

class MeE2eTest : public ::testing::Test {
 protected:
  MeE2eTest() : wx_(kWxAppId, kWxSecret) {}

  void SetUp() override {
    AppOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(h_.StartApp(options, [this](config::Config& c) {
      config::ChannelConfig w;
      w.name = "wx";
      w.type = "wechat_mp";
      w.api_base = wx_.api_base();
      w.fields = {{"token", "wxtoken"},
                  {"app_id", kWxAppId},
                  {"app_secret", kWxSecret},
                  {"mode", "plain"},
                  // The authorize page is WeChat's; here a host of the fake (never fetched).
                  {"oauth_base", wx_.api_base()}};
      c.channels.push_back(w);
      c.web.public_url = kPublicUrl;
    }));
    // Resident A wrote to the WeChat account once; B to the Telegram bot.
    InQueue([](storage::Database& db) -> Status {
      return storage::IdentityStore::Touch(db, {"wx", kOpenIdA, kOpenIdA, ChatType::kPrivate}, 1)
          .status();
    });
    ASSERT_EQ(h_.SendText(kUserB, "菜单"), 200);
    a_ = PersonOf("wx", kOpenIdA);
    b_ = PersonOf("tg", std::to_string(kUserB));
    ASSERT_GT(a_, 0);
    ASSERT_GT(b_, 0);
    ticket_a_ = Ticket(a_, "厨房水管漏水AAA");
    ticket_b_ = Ticket(b_, "楼道灯不亮BBB");
  }

  void InQueue(std::function<Status(storage::Database&)> work) {
    std::promise<Status> done;
    h_.app().write_queue().Submit(std::move(work), [&done](Status st) { done.set_value(st); });
    const Status st = done.get_future().get();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  int64_t PersonOf(const std::string& channel, const std::string& user) {
    int64_t out = 0;
    InQueue([&](storage::Database& db) -> Status {
      LINLI_ASSIGN_OR_RETURN(auto id, storage::IdentityStore::FindIdentity(db, channel, user));
      if (id) out = id->person_id;
      return Status::Ok();
    });
    return out;
  }
  int64_t Ticket(int64_t person, const std::string& words) {
    int64_t number = 0;
    const int64_t now = clock_.NowMillis();
    InQueue([&](storage::Database& db) -> Status {
      storage::Ticket t;
      t.reporter_person_id = person;
      t.channel = "tg";
      t.notify_channel = "tg";
      t.category = "repair";
      t.building = "1";
      t.unit = std::string("2");
      t.location_text = "1号楼2单元";
      t.description = words;
      t.created_at_ms = now;
      t.updated_at_ms = now;
      LINLI_ASSIGN_OR_RETURN(auto stored, storage::TicketStore::Create(db, t));
      number = stored.number;
      return Status::Ok();
    });
    return number;
  }
  int64_t Sessions() {
    auto db = h_.OpenDb();
    return db ? CountRows(*db, "SELECT COUNT(*) FROM web_sessions") : -1;
  }
  int64_t SessionsOf(int64_t person) {
    auto db = h_.OpenDb();
    return db ? CountRows(*db,
                          "SELECT COUNT(*) FROM web_sessions WHERE person_id = ? AND kind = "
                          "'resident' AND revoked_at = 0",
                          {storage::Value(person)})
              : -1;
  }

  Answer Convert(const httplib::Result& res) {
    Answer a;
    if (!res) return a;
    a.status = res->status;
    a.body = res->body;
    a.location = res->get_header_value("Location");
    a.csp = res->get_header_value("Content-Security-Policy");
    for (const auto& [k, v] : res->headers) {
      if (k == "Set-Cookie") a.set_cookies.push_back(v);
    }
    return a;
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", h_.port());
    c.set_connection_timeout(5);
    c.set_read_timeout(15);
    return c;
  }
  Answer Get(const std::string& target, const std::string& cookie = "") {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return Convert(Client().Get(target.c_str(), headers));
  }
  Answer PostForm(const std::string& target, const std::string& body, const std::string& cookie) {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return Convert(
        Client().Post(target.c_str(), headers, body, "application/x-www-form-urlencoded"));
  }

  // GET /me without a session: the redirect to WeChat, its state and the state cookie.
  struct Started {
    std::string state;
    std::string cookie;
  };
  Started StartWechat() {
    const Answer a = Get("/me");
    EXPECT_EQ(a.status, 302) << a.body;
    const std::string prefix = wx_.api_base() + "/connect/oauth2/authorize?appid=" + kWxAppId +
                               // cpp-httplib's client percent-decodes a Location header;
                               // the encoding is WechatWebAuthTest.AuthorizeUrlIsTheDocumentedOne.
                               "&redirect_uri=" + std::string(kPublicUrl) + "/me/wechat" +
                               "&response_type=code&scope=snsapi_base&state=";
    EXPECT_EQ(a.location.rfind(prefix, 0), 0u) << a.location;
    const std::string suffix = "#wechat_redirect";
    EXPECT_TRUE(a.location.size() > prefix.size() + suffix.size() &&
                a.location.compare(a.location.size() - suffix.size(), suffix.size(), suffix) == 0)
        << a.location;
    Started s;
    if (a.location.size() > prefix.size() + suffix.size()) {
      s.state = a.location.substr(prefix.size(), a.location.size() - prefix.size() - suffix.size());
    }
    s.cookie = a.Cookie("linli_me_state");
    EXPECT_EQ(s.cookie, "linli_me_state=" + s.state);
    return s;
  }

  // initData for Telegram user `user` signed with the channel's token at `auth_date_s`.
  static std::string InitData(int64_t user, int64_t auth_date_s) {
    const std::string user_json = "{\"id\":" + std::to_string(user) + ",\"first_name\":\"小张\"}";
    const std::string date = std::to_string(auth_date_s);
    const std::string hash = web::InitDataHash(
        web::InitDataCheckString({{"auth_date", date}, {"query_id", "AAQ1"}, {"user", user_json}}),
        kToken);
    return "query_id=AAQ1&user=" + PercentEncode(user_json) + "&auth_date=" + date + "&hash=" + hash;
  }
  // GET /me/telegram: the launch page's state (its hidden field) and the state cookie.
  Started LaunchTelegram() {
    const Answer a = Get("/me/telegram");
    EXPECT_EQ(a.status, 200) << a.body;
    Started s;
    s.cookie = a.Cookie("linli_me_state");
    const std::string marker = "name=\"state\" value=\"";
    const size_t at = a.body.find(marker);
    EXPECT_NE(at, std::string::npos) << a.body;
    if (at != std::string::npos) {
      const size_t from = at + marker.size();
      s.state = a.body.substr(from, a.body.find('"', from) - from);
    }
    EXPECT_EQ(s.cookie, "linli_me_state=" + s.state);
    return s;
  }

  FakeClock clock_;
  FakeWechatApi wx_;
  Harness h_;
  int64_t a_ = 0, b_ = 0, ticket_a_ = 0, ticket_b_ = 0;
};

TEST_F(MeE2eTest, WechatSilentAuthorizationSignsTheResidentIn) {
  const Started s = StartWechat();
  const std::string code = wx_.IssueWebCode(kOpenIdA);
  const Answer back = Get("/me/wechat?code=" + code + "&state=" + s.state, s.cookie);
  ASSERT_EQ(back.status, 200) << back.body;  // the page that goes on to /me by itself
  EXPECT_TRUE(Contains(back.body, "http-equiv=\"refresh\" content=\"0;url=/me\""));
  const std::string session = back.Cookie("linli_me");
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(SessionsOf(a_), 1);
  ASSERT_EQ(wx_.requests("/sns/oauth2/access_token").size(), 1u);

  const Answer page = Get("/me", session);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "id=\"t" + std::to_string(ticket_a_) + "\""));
  EXPECT_FALSE(Contains(page.body, "id=\"t" + std::to_string(ticket_b_) + "\""));
  EXPECT_FALSE(Contains(page.body, "BBB"));

  // The same code again (WeChat: 40163), even with a fresh state: nothing more.
  const Started again = StartWechat();
  const Answer reused = Get("/me/wechat?code=" + code + "&state=" + again.state, again.cookie);
  EXPECT_EQ(reused.status, 403) << reused.body;
  EXPECT_TRUE(reused.Cookie("linli_me").empty());
  EXPECT_EQ(Sessions(), 1);
}

TEST_F(MeE2eTest, ForgedCodeWrongStateAndUnknownOpenidGetNothing) {
  // A code WeChat never issued: the fake answers errcode 40029.
  Started s = StartWechat();
  Answer forged = Get("/me/wechat?code=061forgedCode&state=" + s.state, s.cookie);
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_TRUE(forged.Cookie("linli_me").empty());
  EXPECT_EQ(wx_.requests("/sns/oauth2/access_token").size(), 1u);

  // A real code, but the state is not this browser's (no cookie, another cookie): refused
  // before any exchange.
  const std::string code = wx_.IssueWebCode(kOpenIdA);
  s = StartWechat();
  EXPECT_EQ(Get("/me/wechat?code=" + code + "&state=" + s.state).status, 400);
  EXPECT_EQ(Get("/me/wechat?code=" + code + "&state=" + s.state, "linli_me_state=Other1").status, 400);
  EXPECT_EQ(Get("/me/wechat?code=" + code + "&state=x-y", "linli_me_state=x-y").status, 400);
  EXPECT_EQ(wx_.requests("/sns/oauth2/access_token").size(), 1u);

  // An openid the chat has never seen.
  s = StartWechat();
  const Answer unknown =
      Get("/me/wechat?code=" + wx_.IssueWebCode("oWX-stranger") + "&state=" + s.state, s.cookie);
  EXPECT_EQ(unknown.status, 403) << unknown.body;
  EXPECT_EQ(Sessions(), 0);

  // No session, a made-up session: the sign-in starts again, nothing of A shows.
  for (const std::string& cookie : {std::string(), std::string("linli_me=forgedtoken")}) {
    const Answer page = Get("/me", cookie);
    EXPECT_EQ(page.status, 302);
    EXPECT_FALSE(Contains(page.body, "AAA"));
  }
  EXPECT_EQ(PostForm("/me/tickets/" + std::to_string(ticket_a_) + "/rate", "rating=satisfied",
                     "linli_me=forgedtoken")
                .status,
            401);
  EXPECT_EQ(Sessions(), 0);
}

TEST_F(MeE2eTest, TelegramInitDataSignsInAndTamperedOrStaleGetsNothing) {
  const int64_t now_s = clock_.NowMillis() / 1000;
  Started s = LaunchTelegram();
  const Answer launch = Get("/me/telegram");
  // The launch page alone runs a script: its own inline one, named by its hash.
  const size_t open = launch.body.find("<script>");
  const size_t close = launch.body.find("</script>");
  ASSERT_TRUE(open != std::string::npos && close != std::string::npos) << launch.body;
  const std::string script = launch.body.substr(open + 8, close - open - 8);
  EXPECT_TRUE(Contains(script, "tgWebAppData"));
  EXPECT_TRUE(Contains(launch.csp, "script-src 'sha256-" + Sha256Base64(script) + "'")) << launch.csp;
  EXPECT_TRUE(Contains(launch.csp, "default-src 'none'"));
  EXPECT_FALSE(Contains(Get("/me/signed-out").csp, "script-src"));  // no other page runs one
  EXPECT_FALSE(Contains(launch.body, "telegram.org"));

  // One byte changed (the user id), a stale auth_date, no state: nothing.
  std::string tampered = InitData(kUserB, now_s);
  tampered.replace(tampered.find(std::to_string(kUserB)), 5, "50002");
  Answer r = PostForm("/me/telegram",
                      "initData=" + PercentEncode(tampered) + "&state=" + s.state, s.cookie);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(r.Cookie("linli_me").empty());
  r = PostForm("/me/telegram",
               "initData=" + PercentEncode(InitData(kUserB, now_s - 2 * 3600)) + "&state=" + s.state,
               s.cookie);
  EXPECT_EQ(r.status, 403) << r.body;
  r = PostForm("/me/telegram", "initData=" + PercentEncode(InitData(kUserB, now_s)), s.cookie);
  EXPECT_EQ(r.status, 400) << r.body;
  r = PostForm("/me/telegram", "initData=" + PercentEncode(InitData(kUserB, now_s)) + "&state=" + s.state,
               "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Sessions(), 0);

  // Signed by Telegram for B, fresh: B is signed in and sees B's ticket only.
  s = LaunchTelegram();
  r = PostForm("/me/telegram", "initData=" + PercentEncode(InitData(kUserB, now_s - 60)) + "&state=" + s.state,
               s.cookie);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.location, "/me");
  const std::string session = r.Cookie("linli_me");
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(SessionsOf(b_), 1);
  EXPECT_EQ(SessionsOf(a_), 0);
  const Answer page = Get("/me", session);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "id=\"t" + std::to_string(ticket_b_) + "\""));
  EXPECT_FALSE(Contains(page.body, "AAA"));

  // B may not rate A's ticket (a session, its CSRF token, but not the reporter).
  const std::string marker = "name=\"csrf\" value=\"";
  const size_t at = page.body.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string csrf =
      page.body.substr(at + marker.size(), page.body.find('"', at + marker.size()) - at - marker.size());
  EXPECT_EQ(PostForm("/me/tickets/" + std::to_string(ticket_a_) + "/rate",
                     "rating=unsatisfied&csrf=" + csrf, session)
                .status,
            404);

  // Logout: the session is revoked, the cookie cleared, /me starts a sign-in again.
  EXPECT_EQ(PostForm("/me/logout", "csrf=wrong", session).status, 403);
  const Answer out = PostForm("/me/logout", "csrf=" + csrf, session);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.location, "/me/signed-out");
  EXPECT_EQ(SessionsOf(b_), 0);
  EXPECT_EQ(Get("/me", session).status, 302);
  EXPECT_EQ(Get("/me/signed-out").status, 200);
}

}  // namespace
}  // namespace linli::e2e::me_e2e_test
