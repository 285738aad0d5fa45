// 登录 /login (issue 12): staff get a one-time console link in a private chat; residents get a
// refusal; in a group nothing is issued; without web.public_url the answer says the console
// is not set up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::login_flow_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LoginFlowTest : public ::testing::Test {
 protected:
  LoginFlowTest() {
    h_.mutable_config().web.public_url = "https://linli.example.org";
  }
  int64_t Links() {
    auto rows = h_.db().Query("SELECT COUNT(*) FROM login_links");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  DialogHarness h_;
};

TEST_F(LoginFlowTest, StaffGetAOneTimeLinkInPrivate) {
  const std::string r = DialogHarness::Text(h_.Say("登录", "staff-1"));
  EXPECT_THAT(r, HasSubstr("https://linli.example.org/console/login/"));
  EXPECT_THAT(r, HasSubstr("5 分钟"));
  EXPECT_EQ(Links(), 1);
  // The token in the link is not what the database keeps.
  const size_t at = r.find("/console/login/") + 15;
  const std::string token = r.substr(at, 43);
  auto rows = h_.db().Query("SELECT COUNT(*) FROM login_links WHERE token_hash = ?", {token});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
  // /login works too, and each request is a new link.
  const std::string again = DialogHarness::Text(h_.Say("/login", "staff-1"));
  EXPECT_THAT(again, HasSubstr("/console/login/"));
  EXPECT_THAT(again, Not(HasSubstr(token)));
  EXPECT_EQ(Links(), 2);
}

TEST_F(LoginFlowTest, ResidentsAreRefused) {
  const std::string r = DialogHarness::Text(h_.Say("登录", "resident-9"));
  EXPECT_THAT(r, HasSubstr("仅限工作人员"));
  EXPECT_THAT(r, Not(HasSubstr("/console/login/")));
  EXPECT_EQ(Links(), 0);
}

TEST_F(LoginFlowTest, InAGroupNothingIsIssued) {
  InboundMessage in;
  in.conversation = {"tg", "staff-1", "-100777", ChatType::kGroup};
  in.text = "登录";
  const std::string r = DialogHarness::Text(h_.Send(in));
  EXPECT_THAT(r, HasSubstr("请私聊我办理"));
  EXPECT_THAT(r, Not(HasSubstr("/console/login/")));
  EXPECT_EQ(Links(), 0);
}

TEST_F(LoginFlowTest, WithoutAPublicUrlTheConsoleIsNotSetUp) {
  h_.mutable_config().web.public_url = "";
  const std::string r = DialogHarness::Text(h_.Say("登录", "staff-1"));
  EXPECT_THAT(r, HasSubstr("尚未设置"));
  EXPECT_EQ(Links(), 0);
}

}  // namespace
}  // namespace linli::dialogs::login_flow_test
