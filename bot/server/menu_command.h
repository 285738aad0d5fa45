// linli wechat menu push|show and linli wecom menu push|show (issue 15 point 3): the custom
// menu of a WeChat Official Account (type wechat_mp) or a WeCom app (type wecom_app) from the
// channel's `menu` section (config/config.h MenuButton).
//
//   linli wechat menu push --config FILE [--channel NAME]
//     fetches a token first (its check line when that fails: IP allow-list, AppSecret), then
//     replaces the account's menu with the configured one (menu/create: click buttons with
//     their keys, view buttons with their URLs) and prints it; the platform's refusal is
//     printed with its errcode (48001: the account may not set menus by API).
//   linli wechat menu show --config FILE [--channel NAME]
//     the menu the platform holds (menu/get), each click key with the command it runs here
//     (or that this config does not know it), and whether it matches the config.
//   linli wecom menu push|show ...  the same for the WeCom app (agentid from the config).
// Without --channel the only channel of the type is used. Every call goes to the channel's
// api_base. A click on a pushed button reaches the adapter as a CLICK event whose key is
// turned back into the button's command (adapters/wechat/wechat_menu.h MapMenuClick).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace linli {

// `args` are the words after "wechat" / "wecom". Exit code: 0 done (show: also when the
// platform holds another menu than the config); 1 a config error, no menu configured (push),
// a failed token or a refusal; 2 a usage error.
int RunWechatCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err);
int RunWecomCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                    std::ostream& out, std::ostream& err);

}  // namespace linli
