// The custom menu (自定义菜单) of the WeChat family, pure (STYLE.md 4): the channel's `menu`
// section (config/config.h MenuButton) as the create body, the platform's menu as read back,
// and a menu click turned into the command it stands for. The I/O is the adapters'
// (WechatMpAdapter::PushMenu/FetchMenu, WecomAppAdapter's).
//
// Protocol facts (not yet in ../shared/protocols/; from the platforms' pages, 2026-12):
//   Official Account  POST {api_base}/cgi-bin/menu/create?access_token=TOKEN, body
//     {"button":[{"type":"click","name","key"} | {"type":"view","name","url"} |
//     {"name","sub_button":[...]}]} -> {"errcode":0,"errmsg":"ok"}; 1-3 buttons, 1-5 in a
//     group; name <= 16 bytes, a sub-button's <= 60; key <= 128 bytes; url <= 1024 bytes
//     (developers.weixin.qq.com/doc/service/api/custommenu/api_getmenu, which also documents
//     the read: GET /cgi-bin/menu/get?access_token=TOKEN -> {"menu":{"button":[...]},
//     "conditionalmenu":[...]}, buttons as created, each with "sub_button":[]).
//     errcode 40018 invalid button name size, 40016 invalid button size, 40027 invalid sub
//     button url size, 48001 API unauthorized (an unverified subscription account may not set
//     menus by API), 46003 menu does not exist (on a read) [errmsg texts quoted on the
//     platform's community pages].
//   WeCom app  POST {api_base}/cgi-bin/menu/create?access_token=TOKEN&agentid=ID with the
//     same body; GET /cgi-bin/menu/get?access_token=TOKEN&agentid=ID answers
//     {"errcode":0,"errmsg":"ok","button":[...]} ("same as the create request",
//     developer.work.weixin.qq.com/document/path/90232). Limits: 1-3 and 1-5 buttons, name
//     <= 16 bytes, a sub-button's <= 40, key <= 128, url <= 256 (document/path/90231 as
//     quoted in SDK notes; the stricter of the figures found).
//   A click arrives as MsgType=event, Event=CLICK, EventKey=<key> (wechat-official-account.md
//   §2), on WeCom the same (wecom.md §2).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/message.h"
#include "bot/status.h"
#include "config/config.h"
#include "config/config_check.h"

namespace linli::adapters::wechat {

// The registry's limits (adapters/registry.cc) - see the header comment for the sources.
inline constexpr config::MenuLimits kOfficialAccountMenuLimits{3, 5, 16, 60, 128, 1024};
inline constexpr config::MenuLimits kWecomMenuLimits{3, 5, 16, 40, 128, 256};

// The menu/create body for `menu` (already checked by the config): click buttons
// {"type":"click","name","key"}, view buttons {"type":"view","name","url"}, groups
// {"name","sub_button":[...]}, in config order. Compact JSON, UTF-8 as is (WeChat rejects
// \uXXXX escapes in menu names: errcode 40033, reported on its community pages).
std::string RenderMenuCreateJson(const std::vector<config::MenuButton>& menu);

// One button as the platform holds it.
struct LiveMenuButton {
  std::string type;  // "click", "view", other platform types as they are; "" for a group
  std::string name;
  std::string key;   // click (and the other key types)
  std::string url;   // view
  std::vector<LiveMenuButton> sub_buttons;
};

// Reads a menu/get answer body: the buttons of {"menu":{"button":[...]}} (Official Account) or
// {"button":[...]} (WeCom). kInvalidArgument when the body is not a JSON object, carries a
// non-zero errcode (the message is DescribeReply's: "errcode 46003 (menu no exist)"), or has
// no button array; buttons that are not objects are skipped. Never throws.
StatusOr<std::vector<LiveMenuButton>> ParseMenuGetJson(std::string_view body);

// Click key -> command, for every click button of `menu` (its groups included).
std::map<std::string, std::string> MenuCommands(const std::vector<config::MenuButton>& menu);

// A menu click (kEvent, EventKind::kClick) whose payload is a key of `commands` gets that
// command as its payload, so the dialogs see the words the button stands for ("报事") and
// start the flow as if they were typed. Every other message is left alone (a key without an
// entry may itself be a command, e.g. "帮助").
void MapMenuClick(const std::map<std::string, std::string>& commands, InboundMessage& message);

}  // namespace linli::adapters::wechat
