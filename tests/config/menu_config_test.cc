// A channel's custom menu (issue 15 point 3: channels[].menu): the loader reads the buttons,
// gives each click button its key, turns a path into a page of web.public_url and names the key
// of every mistake; the whole-config check holds the buttons to the platform's limits
// (counts, byte sizes) and refuses a menu on a type that has none.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_check.h"
#include "config/config_loader.h"
#include "config/time_zones.h"

namespace linli::config::menu_config_test {
namespace {

using ::testing::HasSubstr;

StatusOr<Config> Parse(const std::string& channel_menu, const std::string& web = "") {
  const std::string text = R"({"channels": [{"name": "wx", "type": "wechat_mp", "menu": )" +
                           channel_menu + "}]" + (web.empty() ? "" : ", \"web\": " + web) + "}";
  return ParseConfig(text, "/etc/linli/linli.json",
                     [](const char*) -> const char* { return nullptr; });
}

TEST(MenuConfigTest, DefaultKeyIsTheCommandInHex) {
  EXPECT_EQ(DefaultMenuKey("报事"), "LINLI_E68AA5E4BA8B");
  EXPECT_EQ(DefaultMenuKey("/report"), "LINLI_2F7265706F7274");
}

TEST(MenuConfigTest, ReadsClickViewAndGroupButtons) {
  auto c = Parse(R"([
      {"name": "报事", "command": "报事"},
      {"name": "进度", "command": "进度", "key": "STATUS"},
      {"name": "更多", "sub_buttons": [
        {"name": "心愿", "command": "心愿"},
        {"name": "投票", "command": "投票"},
        {"name": "公示栏", "url": "/board"},
        {"name": "帮助", "url": "https://help.example.org/linli"}]}])",
                 R"({"public_url": "https://linli.example.org"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& menu = c->channels.at(0).menu;
  ASSERT_EQ(menu.size(), 3u);
  EXPECT_EQ(menu[0].name, "报事");
  EXPECT_EQ(menu[0].command, "报事");
  EXPECT_EQ(menu[0].key, "LINLI_E68AA5E4BA8B");
  EXPECT_EQ(menu[1].key, "STATUS");
  ASSERT_EQ(menu[2].sub_buttons.size(), 4u);
  EXPECT_EQ(menu[2].command, "");
  EXPECT_EQ(menu[2].sub_buttons[1].key, DefaultMenuKey("投票"));
  EXPECT_EQ(menu[2].sub_buttons[2].url, "https://linli.example.org/board");  // a board page
  EXPECT_EQ(menu[2].sub_buttons[3].url, "https://help.example.org/linli");
  EXPECT_TRUE(c->channels.at(0).fields.empty());  // the menu is not a flat field
}

TEST(MenuConfigTest, AnHttpPublicUrlIsTheBoardsOwnUrl) {
  auto c = Parse(R"([{"name": "我的", "url": "http://127.0.0.1:8080/me"}])",
                 R"({"public_url": "http://127.0.0.1:8080"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->channels.at(0).menu.at(0).url, "http://127.0.0.1:8080/me");
}

TEST(MenuConfigTest, ErrorsNameTheKey) {
  struct Case {
    const char* menu;
    const char* web;
    const char* error;
  } cases[] = {
      {R"({"name": "x"})", "", "channels[0].menu: must be an array of buttons (got object)"},
      {R"([{"command": "报事"}])", "", "channels[0].menu[0].name: is required"},
      {R"([{"name": "报事"}])", "",
       "channels[0].menu[0]: needs exactly one of command (a click button), url (a page) or "
       "sub_buttons (a group)"},
      {R"([{"name": "报事", "command": "报事", "url": "https://x.org"}])", "",
       "channels[0].menu[0]: needs exactly one of"},
      {R"([{"name": "g", "sub_buttons": [{"name": "s", "sub_buttons": []}]}])", "",
       "channels[0].menu[0].sub_buttons[0].sub_buttons: unknown key"},
      {R"([{"name": "报事", "comand": "报事"}])", "",
       "channels[0].menu[0].comand: unknown key (did you mean \"command\"?)"},
      {R"([{"name": "公示栏", "url": "https://x.org", "key": "K"}])", "",
       "channels[0].menu[0].key: only a click button (with a command) has a key"},
      {R"([{"name": "报事", "command": "报事", "key": "报 事"}])", "",
       "channels[0].menu[0].key: must be A-Z a-z 0-9 _ . : -"},
      {R"([{"name": "a", "command": "报事", "key": "K"}, {"name": "b", "command": "进度", "key": "K"}])",
       "", "channels[0].menu[1].key: \"K\" is also the key of channels[0].menu[0], which runs "
           "another command"},
      {R"([{"name": "公示栏", "url": "/board"}])", "",
       "channels[0].menu[0].url: a path (\"/board\") needs web.public_url"},
      {R"([{"name": "公示栏", "url": "http://other.example.org/board"}])",
       R"({"public_url": "https://linli.example.org"})",
       "channels[0].menu[0].url: must be an https:// URL or a page of web.public_url"},
      {R"([{"name": "报事", "command": "报\n事"}])", "",
       "channels[0].menu[0].command: must be one line"},
  };
  for (const Case& c : cases) {
    auto parsed = Parse(c.menu, c.web);
    ASSERT_FALSE(parsed.ok()) << c.menu;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.error)) << c.menu;
  }
}

TEST(MenuConfigTest, TheSameCommandMayHaveTwoButtons) {
  auto c = Parse(R"([{"name": "报事", "command": "报事"}, {"name": "报修", "command": "报事"}])");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->channels[0].menu[0].key, c->channels[0].menu[1].key);
}

// ---- the platform's limits (config_check.h) ----

const Texts& NoTexts() {
  static const Texts* const kTexts = [] {
    auto t = Texts::Load(LINLI_TESTDATA_DIR "/config/locales", {"zh-CN"});
    return new Texts(t.ok() ? std::move(t).value() : Texts());
  }();
  return *kTexts;
}

Status Check(const std::vector<MenuButton>& menu, const std::string& type = "wechat_mp") {
  static const ChannelKeysByType* const kKeys = new ChannelKeysByType{
      {"telegram", {{"token", "secret_token"}, {}, std::nullopt}},
      {"wechat_mp", {{"token"}, {}, MenuLimits{3, 5, 16, 60, 128, 1024}}},
      {"wecom_app", {{"token"}, {}, MenuLimits{3, 5, 16, 40, 128, 256}}},
  };
  Config c;
  ChannelConfig ch;
  ch.name = "wx";
  ch.type = type;
  ch.menu = menu;
  c.channels.push_back(ch);
  return CheckConfig(c, {NoTexts(), *kKeys, DefaultZoneInfoDir()});
}

MenuButton Click(std::string name, std::string command) {
  MenuButton b;
  b.name = std::move(name);
  b.command = std::move(command);
  b.key = DefaultMenuKey(b.command);
  return b;
}

MenuButton Group(std::string name, std::vector<MenuButton> subs) {
  MenuButton b;
  b.name = std::move(name);
  b.sub_buttons = std::move(subs);
  return b;
}

TEST(MenuLimitsTest, ThreeButtonsOfFiveEachPass) {
  std::vector<MenuButton> five(5, Click("心愿", "心愿"));
  EXPECT_TRUE(Check({Click("报事", "报事"), Group("更多", five), Group("其他", five)}).ok());
}

TEST(MenuLimitsTest, CountsAndBytesAreTheTypesLimits) {
  const std::vector<MenuButton> six(6, Click("心愿", "心愿"));
  struct Case {
    std::vector<MenuButton> menu;
    std::string type;
    std::string error;
  } cases[] = {
      {{Click("a", "a"), Click("b", "b"), Click("c", "c"), Click("d", "d")}, "wechat_mp",
       "channels[wx].menu: 4 buttons, at most 3"},
      {{Group("更多", six)}, "wechat_mp", "channels[wx].menu[0].sub_buttons: 6 buttons, at most 5"},
      {{Group("更多", {})}, "wechat_mp", "channels[wx].menu[0].sub_buttons: no buttons, at least 1"},
      // 6 Chinese characters = 18 bytes; the platform counts bytes.
      {{Click("报事报事报事", "报事")}, "wechat_mp",
       "channels[wx].menu[0].name: 18 bytes, at most 16 (a Chinese character is 3 bytes)"},
      // 14 characters = 42 bytes: fine for an Official Account sub-button (60), not for WeCom (40).
      {{Group("更多", {Click("一二三四五六七八九十一二三四", "心愿")})}, "wecom_app",
       "channels[wx].menu[0].sub_buttons[0].name: 42 bytes, at most 40"},
      {{Click("报事", std::string(70, 'x'))}, "wechat_mp",
       "channels[wx].menu[0].key: 146 bytes, at most 128 (the default key of the command: set a "
       "key or shorten the command)"},
      {{Click("报事", "报事")}, "telegram",
       "channels[wx].menu: telegram takes no menu (menus: wechat_mp, wecom_app)"},
  };
  for (const Case& c : cases) {
    Status st = Check(c.menu, c.type);
    ASSERT_FALSE(st.ok()) << c.error;
    EXPECT_THAT(st.message(), HasSubstr(c.error));
  }
  EXPECT_TRUE(Check({Group("更多", {Click("一二三四五六七八九十一二三四", "心愿")})}, "wechat_mp").ok());
  MenuButton long_url;
  long_url.name = "公示栏";
  long_url.url = "https://linli.example.org/" + std::string(300, 'a');
  EXPECT_TRUE(Check({long_url}, "wechat_mp").ok());
  EXPECT_THAT(Check({long_url}, "wecom_app").message(),
              HasSubstr("channels[wx].menu[0].url: 326 bytes, at most 256"));
}

}  // namespace
}  // namespace linli::config::menu_config_test
