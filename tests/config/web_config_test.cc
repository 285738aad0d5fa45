// The web section (issue 12): the console's public URL, session and login-link lifetimes, and
// the cookies' Secure flag.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace linli::config::web_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& text) {
  return ParseConfig(text, "/etc/linli/linli.json",
                     [](const char*) -> const char* { return nullptr; });
}

TEST(ConfigWebTest, DefaultsLeaveTheConsoleUnconfigured) {
  auto c = Parse("{}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->web.public_url, "");
  EXPECT_EQ(c->web.session_idle_minutes, 30);
  EXPECT_EQ(c->web.session_max_hours, 12);
  EXPECT_EQ(c->web.login_link_minutes, 5);
  EXPECT_FALSE(c->web.secure_cookies);
}

TEST(ConfigWebTest, ReadsEveryKey) {
  auto c = Parse(R"({"web": {"public_url": "http://127.0.0.1:8080", "session_idle_minutes": 10,
                             "session_max_hours": 2, "login_link_minutes": 3,
                             "secure_cookies": true}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->web.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c->web.session_idle_minutes, 10);
  EXPECT_EQ(c->web.session_max_hours, 2);
  EXPECT_EQ(c->web.login_link_minutes, 3);
  EXPECT_TRUE(c->web.secure_cookies);
}

TEST(ConfigWebTest, SecureCookiesFollowTheSchemeUnlessSet) {
  auto https = Parse(R"({"web": {"public_url": "https://linli.example.org/xf"}})");
  ASSERT_TRUE(https.ok()) << https.status().ToString();
  EXPECT_TRUE(https->web.secure_cookies);
  auto http = Parse(R"({"web": {"public_url": "http://localhost:8080"}})");
  ASSERT_TRUE(http.ok());
  EXPECT_FALSE(http->web.secure_cookies);
  auto off = Parse(R"({"web": {"public_url": "https://x.org", "secure_cookies": false}})");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->web.secure_cookies);
}

TEST(ConfigWebTest, ErrorsNameTheKey) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {R"({"web": {"public_url": "linli.example.org"}})", "web.public_url"},
      {R"({"web": {"public_url": "https://x.org/"}})", "web.public_url"},
      {R"({"web": {"public_url": "https://"}})", "web.public_url"},
      {R"({"web": {"public_url": "https://x.org/?a=1"}})", "web.public_url"},
      {R"({"web": {"public_url": 5}})", "web.public_url"},
      {R"({"web": {"session_idle_minutes": 0}})", "web.session_idle_minutes"},
      {R"({"web": {"session_max_hours": "12"}})", "web.session_max_hours"},
      {R"({"web": {"login_link_minutes": 61}})", "web.login_link_minutes"},
      {R"({"web": {"secure_cookies": "yes"}})", "web.secure_cookies"},
      {R"({"web": {"public_ur": "https://x.org"}})", "public_url"},  // did you mean
      {R"({"web": []})", "web"},
  };
  for (const auto& k : cases) {
    auto c = Parse(k.text);
    ASSERT_FALSE(c.ok()) << "accepted: " << k.text;
    EXPECT_THAT(c.status().message(), HasSubstr(k.expected)) << k.text;
  }
}

}  // namespace
}  // namespace linli::config::web_config_test
