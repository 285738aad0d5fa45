// The staff console through the real server on loopback (issue 12 points 2 and 4): a grid
// worker sends 登录 on Telegram and gets a one-time link; the link's page does not use it (a
// preview fetch would), its POST does and sets the session cookie; the console lists the
// resident's ticket; accept and resolve are POSTs carrying the session's CSRF token, and the
// resident gets the same pushes as from chat; a POST without (or with a wrong) token is 403
// and changes nothing; a used or expired link (fake clock) is refused; a restart keeps the
// session; the CSV export has the BOM and no phone number; logout ends the session.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/e2e/e2e_harness.h"
#include "tests/fakes/fake_clock.h"

namespace linli::e2e::console_e2e_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kResident = 5580001;
constexpr int64_t kGrid = 5580003;

struct Answer {
  int status = 0;
  std::string body;
  std::string location;
  std::string set_cookie;
};

class ConsoleE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Start()); }

  ::testing::AssertionResult Start() {
    AppOptions options;
    options.clock = &clock_;
    return h_.StartApp(options, [](config::Config& c) {
      c.staff.push_back({kChannel, std::to_string(kGrid), "王网格", "grid", "staff"});
      c.web.public_url = "https://linli.example.org";
      c.web.secure_cookies = true;
    });
  }

  std::string Private(int64_t user, const std::string& text) {
    EXPECT_EQ(h_.SendText(user, text), 200);
    return h_.NextReplyText(user);
  }

  static Answer Convert(const httplib::Result& res) {
    Answer a;
    if (!res) return a;
    a.status = res->status;
    a.body = res->body;
    a.location = res->get_header_value("Location");
    a.set_cookie = res->get_header_value("Set-Cookie");
    return a;
  }
  httplib::Headers WithCookie() const {
    return cookie_.empty() ? httplib::Headers{} : httplib::Headers{{"Cookie", cookie_}};
  }
  Answer Get(const std::string& path) {
    httplib::Client client("127.0.0.1", h_.port());
    client.set_read_timeout(15);
    return Convert(client.Get(path.c_str(), WithCookie()));
  }
  Answer PostForm(const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", h_.port());
    client.set_read_timeout(15);
    return Convert(
        client.Post(path.c_str(), WithCookie(), body, "application/x-www-form-urlencoded"));
  }

  // The token of the link in a 登录 answer.
  static std::string TokenIn(const std::string& reply) {
    const std::string marker = "https://linli.example.org/console/login/";
    const size_t at = reply.find(marker);
    if (at == std::string::npos) return "";
    return reply.substr(at + marker.size(), 43);
  }
  // The value of the hidden csrf field on a page.
  static std::string CsrfIn(const std::string& html) {
    const std::string marker = "name=\"csrf\" value=\"";
    const size_t at = html.find(marker);
    if (at == std::string::npos) return "";
    const size_t end = html.find('"', at + marker.size());
    return html.substr(at + marker.size(), end - at - marker.size());
  }
  std::string StatusOfTicket1() {
    auto db = h_.OpenDb();
    auto rows = db->Query("SELECT status FROM tickets WHERE number = 1");
    EXPECT_TRUE(rows.ok() && rows->size() == 1u);
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : "";
  }
  void ReportTicket() {
    EXPECT_THAT(Private(kResident, "报事"), HasSubstr("请选择问题类别"));
    Private(kResident, "2");
    Private(kResident, "3号楼2单元");
    Private(kResident, "楼道灯坏了，联系我13812345678");
    Private(kResident, "跳过");
    EXPECT_THAT(Private(kResident, "1"), HasSubstr("#1"));
  }

  testing::FakeClock clock_{1796085000000};
  Harness h_;
  std::string cookie_;
};

TEST_F(ConsoleE2eTest, LoginActCsrfRestartExportLogout) {
  ReportTicket();

  // Strangers are sent to the page saying how to sign in.
  Answer stranger = Get("/console");
  EXPECT_EQ(stranger.status, 303);
  EXPECT_EQ(stranger.location, "/console/signin");
  EXPECT_THAT(Get("/console/signin").body, HasSubstr("登录"));

  // A resident gets no link; the grid worker does, in private.
  EXPECT_THAT(Private(kResident, "登录"), HasSubstr("仅限工作人员"));
  const std::string token = TokenIn(Private(kGrid, "登录"));
  ASSERT_EQ(token.size(), 43u);

  // Opening the link (what a preview fetch does) shows a button and uses nothing.
  Answer page = Get("/console/login/" + token);
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("method=\"post\""));
  EXPECT_TRUE(page.set_cookie.empty());
  {
    auto db = h_.OpenDb();
    EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM login_links WHERE used_at = 0"), 1);
  }
  Answer login = PostForm("/console/login/" + token, "");
  EXPECT_EQ(login.status, 303);
  EXPECT_EQ(login.location, "/console");
  EXPECT_THAT(login.set_cookie, StartsWith("linli_staff="));
  EXPECT_THAT(login.set_cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(login.set_cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(login.set_cookie, HasSubstr("Secure"));
  cookie_ = login.set_cookie.substr(0, login.set_cookie.find(';'));
  // Used once: a second POST of the same link is refused.
  const std::string kept = cookie_;
  cookie_.clear();
  Answer again = PostForm("/console/login/" + token, "");
  EXPECT_EQ(again.status, 410);
  EXPECT_THAT(again.body, HasSubstr("重新发送"));
  EXPECT_TRUE(again.set_cookie.empty());
  cookie_ = kept;

  // The list and the ticket with the whole report.
  Answer list = Get("/console");
  ASSERT_EQ(list.status, 200);
  EXPECT_THAT(list.body, HasSubstr("/console/tickets/1"));
  EXPECT_THAT(list.body, HasSubstr("待受理"));
  Answer one = Get("/console/tickets/1");
  ASSERT_EQ(one.status, 200);
  EXPECT_THAT(one.body, HasSubstr("楼道灯坏了"));
  const std::string csrf = CsrfIn(one.body);
  ASSERT_FALSE(csrf.empty());

  // Without the CSRF field, or with a wrong one: 403 and nothing changes.
  Answer no_csrf = PostForm("/console/tickets/1/accept", "");
  EXPECT_EQ(no_csrf.status, 403);
  Answer wrong = PostForm("/console/tickets/1/accept", "csrf=" + std::string(43, 'A'));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(StatusOfTicket1(), "new");
  EXPECT_TRUE(h_.NoMoreReplies(kResident));

  // Accept and resolve with the token: the resident is told as from chat.
  Answer accepted = PostForm("/console/tickets/1/accept", "csrf=" + csrf);
  EXPECT_EQ(accepted.status, 303);
  EXPECT_EQ(accepted.location, "/console/tickets/1?done=accept");
  EXPECT_EQ(StatusOfTicket1(), "accepted");
  const std::string push = h_.NextReplyText(kResident);
  EXPECT_THAT(push, HasSubstr("#1"));
  EXPECT_THAT(push, HasSubstr("已受理"));
  // A refusal is the chat's sentence, with nothing written.
  Answer refused = PostForm("/console/tickets/1/accept", "csrf=" + csrf);
  EXPECT_EQ(refused.status / 100, 4);
  EXPECT_EQ(StatusOfTicket1(), "accepted");
  Answer resolved =
      PostForm("/console/tickets/1/resolve", "csrf=" + csrf + "&note=%E5%B7%B2%E6%9B%B4%E6%8D%A2%E7%81%AF%E6%B3%A1");
  EXPECT_EQ(resolved.status, 303);
  EXPECT_EQ(StatusOfTicket1(), "resolved");
  auto pushes = h_.WaitForReplies(kResident, 1);
  ASSERT_FALSE(pushes.empty());
  EXPECT_THAT(TextOf(pushes[0]), HasSubstr("已更换灯泡"));
  EXPECT_THAT(Get("/console/tickets/1").body, HasSubstr("已更换灯泡"));

  // A restart keeps the session (it is in the database).
  h_.StopApp();
  ASSERT_TRUE(Start());
  Answer after = Get("/console");
  EXPECT_EQ(after.status, 200);
  EXPECT_THAT(after.body, HasSubstr("/console/tickets/1"));

  // CSV: BOM, the ticket, the phone number masked, the reporter's platform id absent.
  Answer csv = Get("/console/export/tickets.csv?status=resolved");
  ASSERT_EQ(csv.status, 200);
  EXPECT_THAT(csv.body, StartsWith("\xEF\xBB\xBF" "number,"));
  EXPECT_THAT(csv.body, HasSubstr("\r\n1,"));
  EXPECT_THAT(csv.body, HasSubstr("楼道灯坏了"));
  EXPECT_THAT(csv.body, Not(HasSubstr("13812345678")));
  EXPECT_THAT(csv.body, Not(HasSubstr(std::to_string(kResident))));
  Answer events = Get("/console/export/events.csv");
  ASSERT_EQ(events.status, 200);
  EXPECT_THAT(events.body, HasSubstr("已更换灯泡"));
  EXPECT_THAT(events.body, HasSubstr("王网格"));

  // An expired link is refused: 6 minutes later than issued (valid 5).
  const std::string late = TokenIn(Private(kGrid, "/login"));
  ASSERT_EQ(late.size(), 43u);
  clock_.Advance(std::chrono::minutes(6));
  const std::string session = cookie_;
  cookie_.clear();
  EXPECT_EQ(PostForm("/console/login/" + late, "").status, 410);
  cookie_ = session;

  // Logout (POST with the token) ends the session and clears the cookie.
  const std::string csrf_now = CsrfIn(Get("/console").body);
  Answer out = PostForm("/console/logout", "csrf=" + csrf_now);
  EXPECT_EQ(out.status, 303);
  EXPECT_THAT(out.set_cookie, HasSubstr("Max-Age=0"));
  Answer gone = Get("/console");
  EXPECT_EQ(gone.status, 303);
  EXPECT_EQ(gone.location, "/console/signin");
}

}  // namespace
}  // namespace linli::e2e::console_e2e_test
