// `linli check --online` for the WeChat family (adapters/wechat/wechat_probe.h): what a token
// fetch's answer says, as hint names with the platform's code (the errmsg shapes as WeChat
// writes them), and the token fetch itself going to the configured endpoint.
#include "adapters/wechat/wechat_probe.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_http_client.h"

namespace linli::adapters::wechat::wechat_probe_test {
namespace {

AccessTokenCache::FetchOutcome Refused(int64_t errcode, std::string errmsg) {
  return {Status::FailedPrecondition("access token: errcode " + std::to_string(errcode)), errcode,
          std::move(errmsg)};
}

std::string Arg(const ProbeFinding& f, const std::string& name) {
  for (const auto& [k, v] : f.args) {
    if (k == name) return v;
  }
  return "<none>";
}

TEST(WechatProbeTest, AnAcceptedFetchIsOkWithTheCallbackNote) {
  ProbeResult r = JudgeTokenFetch({Status::Ok(), 0, ""}, "https://linli.example.org/webhook/wx");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].hint, "callback_url_unreadable");
  EXPECT_EQ(Arg(r.notes[0], "expected"), "https://linli.example.org/webhook/wx");
  EXPECT_TRUE(JudgeTokenFetch({Status::Ok(), 0, ""}, "").notes.empty());
}

TEST(WechatProbeTest, ErrcodesBecomeHints) {
  struct Case {
    int64_t errcode;
    const char* errmsg;
    const char* hint;
  } cases[] = {
      {40164, "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 65d7e94d", "ip_not_allowed"},
      {61004, "access clientip is not registered", "ip_not_allowed"},
      {60020, "not allow to access from your ip, from ip: 198.51.100.4", "ip_not_allowed"},
      {40125, "invalid appsecret, rid: 66b5fb8f", "wrong_secret"},
      {40001, "invalid credential", "wrong_secret"},
      {40013, "invalid appid", "wrong_app_id"},
      {40243, "AppSecret已被冻结", "secret_frozen"},
      {48001, "api unauthorized", "platform_error"},
  };
  for (const Case& c : cases) {
    ProbeResult r = JudgeTokenFetch(Refused(c.errcode, c.errmsg), "");
    ASSERT_EQ(r.problems.size(), 1u) << c.errcode;
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.problems[0].hint, c.hint) << c.errcode;
    EXPECT_EQ(r.problems[0].code, std::to_string(c.errcode));
  }
  EXPECT_EQ(Arg(JudgeTokenFetch(Refused(40164, cases[0].errmsg), "").problems[0], "ip"),
            "203.0.113.7");
  EXPECT_EQ(Arg(JudgeTokenFetch(Refused(60020, cases[2].errmsg), "").problems[0], "ip"),
            "198.51.100.4");
  EXPECT_EQ(Arg(JudgeTokenFetch(Refused(61004, cases[1].errmsg), "").problems[0], "ip"), "?");
  EXPECT_EQ(Arg(JudgeTokenFetch(Refused(48001, "api unauthorized"), "").problems[0], "error"),
            "errcode 48001 (api unauthorized)");
}

TEST(WechatProbeTest, NoAnswerIsUnreachable) {
  ProbeResult r = JudgeTokenFetch({Status::Unavailable("access token: network error"), 0, ""}, "");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].hint, "unreachable");
  EXPECT_EQ(r.problems[0].code, "");
  EXPECT_EQ(Arg(r.problems[0], "error"), "access token: network error");
}

TEST(WechatProbeTest, IpInErrmsg) {
  EXPECT_EQ(IpInErrmsg("invalid ip 117.136.86.87, not in whitelist hint: [UIluoA05892067]"),
            "117.136.86.87");
  EXPECT_EQ(IpInErrmsg("invalid ip address"), "");
  EXPECT_EQ(IpInErrmsg(""), "");
}

// FetchNow makes the token request whatever is cached and reports the errcode it got.
TEST(WechatProbeTest, FetchNowAsksAgainAndReportsTheErrcode) {
  testing::FakeClock clock;
  testing::RecordingHttpClient http;
  http.PushJson(200, R"({"access_token":"T1","expires_in":7200})");
  AccessTokenCache tokens(clock, http, "https://api.example/cgi-bin/token?x=1");
  ASSERT_TRUE(tokens.Get().ok());
  http.PushJson(200, R"({"errcode":40125,"errmsg":"invalid appsecret"})");
  const auto outcome = tokens.FetchNow();
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_EQ(outcome.errcode, 40125);
  EXPECT_EQ(outcome.errmsg, "invalid appsecret");
  EXPECT_EQ(http.requests().size(), 2u);
  EXPECT_EQ(http.requests().back().url, "https://api.example/cgi-bin/token?x=1");
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_probe_test
