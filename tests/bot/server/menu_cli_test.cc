// `linli wechat menu push|show` and `linli wecom menu push|show` (issue 15 point 3) against the
// fake WeChat-family API on loopback: push sends the channel's menu section as menu/create's
// JSON (click buttons with their keys, view buttons with the board's pages), show reads the
// platform's menu back with each key's command, a token refusal prints its check line, and a
// refusal of the menu its errcode.
#include "bot/server/menu_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/bot/server/platform_cli_harness.h"

namespace linli::menu_cli_test {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using testing::PlatformCliHarness;

constexpr char kMenu[] = R"([
  {"name": "报事", "command": "报事"},
  {"name": "进度", "command": "进度"},
  {"name": "更多", "sub_buttons": [
    {"name": "心愿", "command": "心愿"},
    {"name": "投票", "command": "投票"},
    {"name": "公示栏", "url": "/board"},
    {"name": "我的", "url": "/me"}]}])";

const json& ExpectedMenuJson() {
  static const json* const kJson = new json(json::parse(R"({"button": [
    {"type": "click", "name": "报事", "key": "LINLI_E68AA5E4BA8B"},
    {"type": "click", "name": "进度", "key": "LINLI_E8BF9BE5BAA6"},
    {"name": "更多", "sub_button": [
      {"type": "click", "name": "心愿", "key": "LINLI_E5BF83E684BF"},
      {"type": "click", "name": "投票", "key": "LINLI_E68A95E7A5A8"},
      {"type": "view", "name": "公示栏", "url": "https://linli.example.org/board"},
      {"type": "view", "name": "我的", "url": "https://linli.example.org/me"}]}]})"));
  return *kJson;
}

TEST(MenuCliTest, WechatPushSendsTheMenuJson) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig(kMenu);
  auto r = h.Run(RunWechatCommand, {"menu", "push", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto created = h.wx().delivered("/cgi-bin/menu/create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].body, ExpectedMenuJson());
  EXPECT_EQ(created[0].access_token, "ACCESS_1");  // the token the fake issued
  EXPECT_EQ(h.wx().requests("/cgi-bin/token").size(), 1u);  // one token for the whole command
  EXPECT_THAT(r.out, HasSubstr("wx: menu pushed (6 button(s))"));
  EXPECT_THAT(r.out, HasSubstr("1. 报事  [click LINLI_E68AA5E4BA8B] -> 报事\n"));
  EXPECT_THAT(r.out, HasSubstr("3. 更多\n"));
  EXPECT_THAT(r.out, HasSubstr("   3.3. 公示栏  [view https://linli.example.org/board]\n"));
}

TEST(MenuCliTest, WechatShowReadsTheMenuBack) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig(kMenu);
  auto none = h.Run(RunWechatCommand, {"menu", "show", "--config", config});
  EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
  EXPECT_THAT(none.out, HasSubstr("wx: no menu is set"));

  ASSERT_EQ(h.Run(RunWechatCommand, {"menu", "push", "--config", config}).exit_code, 0);
  auto r = h.Run(RunWechatCommand, {"menu", "show", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("wx: the menu the platform holds:"));
  EXPECT_THAT(r.out, HasSubstr("   3.2. 投票  [click LINLI_E68A95E7A5A8] -> 投票\n"));
  EXPECT_THAT(r.out, HasSubstr("it matches the config"));

  // A menu set in the 公众平台 editor: keys this config does not know.
  h.wx().SetMenu(json::parse(R"({"button":[{"type":"click","name":"旧菜单","key":"OLD_KEY"}]})"));
  r = h.Run(RunWechatCommand, {"menu", "show", "--config", config});
  EXPECT_THAT(r.out, HasSubstr("1. 旧菜单  [click OLD_KEY] (a key this config does not know)"));
  EXPECT_THAT(r.out, HasSubstr("it differs from the config: linli wechat menu push replaces it"));
}

TEST(MenuCliTest, ATokenRefusalPrintsItsCheckLineAndPushesNothing) {
  PlatformCliHarness h;
  h.wx().FailNext("/cgi-bin/token", 1, 40164, "invalid ip 203.0.113.7, not in whitelist");
  auto r = h.Run(RunWechatCommand, {"menu", "push", "--config", h.WriteConfig(kMenu)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("wx (wechat_mp): 40164 - this server's IP 203.0.113.7 is not on the "
                               "account's IP allow-list"));
  EXPECT_EQ(h.wx().requests("/cgi-bin/menu/create").size(), 0u);
}

TEST(MenuCliTest, TheMenusRefusalIsPrintedWithItsErrcode) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig(kMenu);
  h.wx().FailNext("/cgi-bin/menu/create", 1, 48001, "api unauthorized");
  auto r = h.Run(RunWechatCommand, {"menu", "push", "--config", config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("wx: the menu was refused: 48001 - this account may not set its "
                               "menu through the API"));
  h.wx().FailNext("/cgi-bin/menu/create", 1, 40018, "invalid button name size");
  r = h.Run(RunWechatCommand, {"menu", "push", "--config", config});
  EXPECT_THAT(r.out, HasSubstr("40018 - the platform answered an error: errcode 40018 (invalid "
                               "button name size)"));
}

TEST(MenuCliTest, PushNeedsAMenuAndUsageErrorsExit2) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig();
  auto r = h.Run(RunWechatCommand, {"menu", "push", "--config", config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("channels[wx] has no menu: add a \"menu\" section"));
  EXPECT_EQ(h.wx().server().exchange_count(), 0u);
  EXPECT_EQ(h.Run(RunWechatCommand, {"menu", "pull", "--config", config}).exit_code, 2);
  EXPECT_EQ(h.Run(RunWechatCommand, {"push", "--config", config}).exit_code, 2);
  EXPECT_EQ(h.Run(RunWechatCommand, {"menu", "push"}).exit_code, 2);
  auto wrong_type = h.Run(RunWecomCommand, {"menu", "push", "--config", config});
  EXPECT_EQ(wrong_type.exit_code, 2);
  EXPECT_THAT(wrong_type.err, HasSubstr("no wecom_app channel"));
}

TEST(MenuCliTest, WecomPushAndShowCarryTheAgentId) {
  PlatformCliHarness h;
  const std::string config = h.WriteConfig(
      "", h.WecomChannel(R"([{"name": "报事", "command": "报事"}, {"name": "工单", "url": "/console"}])"));
  auto r = h.Run(RunWecomCommand, {"menu", "push", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto created = h.wc().delivered("/cgi-bin/menu/create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].body, json::parse(R"({"button": [
      {"type": "click", "name": "报事", "key": "LINLI_E68AA5E4BA8B"},
      {"type": "view", "name": "工单", "url": "https://linli.example.org/console"}]})"));
  const auto exchanges = h.wc().server().exchanges(
      [](const testing::FakeExchange& e) { return e.request.path == "/cgi-bin/menu/create"; });
  ASSERT_EQ(exchanges.size(), 1u);
  EXPECT_EQ(exchanges[0].request.param("agentid"), "1000002");
  EXPECT_EQ(h.wx().server().exchange_count(), 0u);  // the Official Account was not touched

  r = h.Run(RunWecomCommand, {"menu", "show", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("1. 报事  [click LINLI_E68AA5E4BA8B] -> 报事"));
  EXPECT_THAT(r.out, HasSubstr("it matches the config"));
}

// Through the real binary, as an admin would run it.
TEST(MenuCliTest, TheBinaryPushesTheMenu) {
  PlatformCliHarness h;
  auto r = h.RunBinary({"wechat", "menu", "push", "--config", h.WriteConfig(kMenu)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(h.wx().menu().has_value());
  EXPECT_EQ(*h.wx().menu(), ExpectedMenuJson());
}

}  // namespace
}  // namespace linli::menu_cli_test
