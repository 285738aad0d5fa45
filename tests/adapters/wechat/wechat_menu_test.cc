// The custom menu's pure side (adapters/wechat/wechat_menu.h): the create body WeChat and
// WeCom take, the menu they answer, and a CLICK event (the recorded XML shape of
// tests/testdata/wechat/) turned back into the command its button stands for.
#include "adapters/wechat/wechat_menu.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/wechat/wechat_mp_codec.h"

namespace linli::adapters::wechat::wechat_menu_test {
namespace {

using nlohmann::json;

config::MenuButton Click(std::string name, std::string command) {
  config::MenuButton b;
  b.name = std::move(name);
  b.command = std::move(command);
  b.key = config::DefaultMenuKey(b.command);
  return b;
}

config::MenuButton View(std::string name, std::string url) {
  config::MenuButton b;
  b.name = std::move(name);
  b.url = std::move(url);
  return b;
}

std::vector<config::MenuButton> CommunityMenu() {
  config::MenuButton more;
  more.name = "更多";
  more.sub_buttons = {Click("心愿", "心愿"), Click("投票", "投票"),
                      View("公示栏", "https://linli.example.org/board")};
  return {Click("报事", "报事"), Click("进度", "进度"), more};
}

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(LINLI_TESTDATA_DIR) + "/wechat/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(WechatMenuTest, CreateBodyHasClickViewAndGroupButtons) {
  const std::string body = RenderMenuCreateJson(CommunityMenu());
  EXPECT_EQ(json::parse(body), json::parse(R"({"button": [
      {"type": "click", "name": "报事", "key": "LINLI_E68AA5E4BA8B"},
      {"type": "click", "name": "进度", "key": "LINLI_E8BF9BE5BAA6"},
      {"name": "更多", "sub_button": [
        {"type": "click", "name": "心愿", "key": "LINLI_E5BF83E684BF"},
        {"type": "click", "name": "投票", "key": "LINLI_E68A95E7A5A8"},
        {"type": "view", "name": "公示栏", "url": "https://linli.example.org/board"}]}]})"));
  // UTF-8 as is: WeChat refuses \uXXXX escapes in a menu (errcode 40033).
  EXPECT_NE(body.find("报事"), std::string::npos);
  EXPECT_EQ(body.find("\\u"), std::string::npos);
}

TEST(WechatMenuTest, ReadsTheOfficialAccountAndTheWecomAnswer) {
  const char* oa = R"({"menu":{"button":[
      {"type":"click","name":"报事","key":"K1","sub_button":[]},
      {"name":"更多","sub_button":[{"type":"view","name":"公示栏","url":"https://x.org/board","sub_button":[]}]}]},
      "conditionalmenu":[]})";
  auto a = ParseMenuGetJson(oa);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].type, "click");
  EXPECT_EQ((*a)[0].key, "K1");
  EXPECT_TRUE((*a)[0].sub_buttons.empty());
  ASSERT_EQ((*a)[1].sub_buttons.size(), 1u);
  EXPECT_EQ((*a)[1].type, "");
  EXPECT_EQ((*a)[1].sub_buttons[0].url, "https://x.org/board");

  auto w = ParseMenuGetJson(R"({"errcode":0,"errmsg":"ok","button":[{"type":"click","name":"报事","key":"K1"}]})");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ((*w)[0].name, "报事");
}

TEST(WechatMenuTest, AnErrorAnswerIsAnErrorNamingTheErrcode) {
  auto none = ParseMenuGetJson(R"({"errcode":46003,"errmsg":"menu no exist"})");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "errcode 46003 (menu no exist)");
  EXPECT_FALSE(ParseMenuGetJson("not json").ok());
  EXPECT_FALSE(ParseMenuGetJson(R"({"menu":{}})").ok());
}

TEST(WechatMenuTest, ClickKeysMapToTheirCommands) {
  const auto commands = MenuCommands(CommunityMenu());
  EXPECT_EQ(commands.size(), 4u);  // the view button has no key
  EXPECT_EQ(commands.at("LINLI_E68AA5E4BA8B"), "报事");
  EXPECT_EQ(commands.at(config::DefaultMenuKey("投票")), "投票");
}

// The codec path of a menu click: the CLICK event XML, parsed, then mapped.
TEST(WechatMenuTest, AClickEventBecomesItsButtonsCommand) {
  auto parsed = ParseInboundXml(ReadTestdata("event_click_menu.xml"), "wx");
  ASSERT_TRUE(parsed.ok() && parsed->message) << parsed.status().ToString();
  InboundMessage m = *parsed->message;
  ASSERT_EQ(m.kind, InboundKind::kEvent);
  ASSERT_EQ(m.event, EventKind::kClick);
  EXPECT_EQ(m.payload, "LINLI_E68AA5E4BA8B");
  MapMenuClick(MenuCommands(CommunityMenu()), m);
  EXPECT_EQ(m.payload, "报事");
  EXPECT_EQ(m.platform_message_id, "ev:o9AgO5Kd5ggOC-bXrbNODIiE3bGY:1714112460");

  // Unknown keys, other events and messages are left alone.
  InboundMessage other = *parsed->message;
  other.payload = "帮助";
  MapMenuClick(MenuCommands(CommunityMenu()), other);
  EXPECT_EQ(other.payload, "帮助");
  InboundMessage view = *parsed->message;
  view.event = EventKind::kView;
  MapMenuClick(MenuCommands(CommunityMenu()), view);
  EXPECT_EQ(view.payload, "LINLI_E68AA5E4BA8B");
}

}  // namespace
}  // namespace linli::adapters::wechat::wechat_menu_test
