// The whole-config check: what a loaded Config (config_loader.h) must also satisfy against the
// world outside the file before anything starts - the system's time zones, the loaded locale
// files, and the keys each channel type accepts. Every start-up path (serve, chat, migrate and
// each CLI command) runs it through one entry point in the wiring (bot/server/startup.h),
// which supplies the channel keys from the adapter registry; config/ does not see adapters/.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"

namespace linli::config {

// What a platform's custom menu may hold (channels[].menu, config.h MenuButton). Sizes are
// UTF-8 bytes, as the platforms count them (a Chinese character is 3).
struct MenuLimits {
  size_t buttons = 3;           // top-level buttons: 1..buttons
  size_t sub_buttons = 5;       // buttons of a group: 1..sub_buttons
  size_t name_bytes = 16;       // a top-level button's name
  size_t sub_name_bytes = 60;   // a sub-button's name
  size_t key_bytes = 128;       // a click button's key
  size_t url_bytes = 1024;      // a view button's url
};

// The keys a channel type accepts in its channels[] entry besides name, type and api_base.
struct ChannelKeys {
  std::vector<std::string> keys;      // exact names: "token", "secret_token", ...
  std::vector<std::string> prefixes;  // families: "menu_" accepts "menu_<anything>"
  // Set when the type takes a `menu` section (wechat_mp, wecom_app): its limits.
  std::optional<MenuLimits> menu;
};

// Channel type -> its keys; a type not listed is an unknown type.
using ChannelKeysByType = std::map<std::string, ChannelKeys>;

// What the check compares the config with.
struct CheckContext {
  const Texts& texts;                       // every locale that will be served
  const ChannelKeysByType& channel_keys;    // from the adapter registry
  std::string zoneinfo_dir;                 // the tz database (DefaultZoneInfoDir())
};

// OK, or InvalidArgument with one line per problem, each "<config file>: <key>: <problem>"
// (no "<config file>: " when config.source_path is empty), in this order:
//   timezone: "Beijing" is not an IANA time zone (did you mean Asia/Shanghai?)
//       - not a TZif file under zoneinfo_dir; the hint is SuggestTimeZone (time_zones.h),
//         left out when there is no guess; a missing database says so and names tzdata.
//   categories[3]: "repiar" has no label "category.repiar" in <locale file>[, <locale file>]
//       (did you mean repair?)
//       - checked in every locale of `texts` (the fallback does not count: that locale's
//         residents would see another language); one line per category naming each locale
//         file without the label; the hint is the closest labelled id, left out if none is.
//   channels[tg].type: unknown type "telegrm" (did you mean telegram?)
//   channels[tg].secret_tokn: unknown key (did you mean secret_token?)
//       - without a close key the hint lists the known keys of the type.
//   channels[tg].menu: telegram takes no menu (menus: wechat_mp, wecom_app)
//   channels[wx].menu: 4 buttons, at most 3
//   channels[wx].menu[2].sub_buttons: 6 buttons, at most 5 (and: no buttons, at least 1)
//   channels[wx].menu[0].name: 18 bytes, at most 16 (a Chinese character is 3 bytes)
//       - likewise sub-button names, keys (of a click button; a default key longer than
//         the limit asks for a key or a shorter command) and urls, by the type's MenuLimits.
Status CheckConfig(const Config& config, const CheckContext& context);

}  // namespace linli::config
