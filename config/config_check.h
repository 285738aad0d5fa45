// The whole-config check: what a loaded Config (config_loader.h) must also satisfy against the
// world outside the file before anything starts - the system's time zones, the loaded locale
// files, and the keys each channel type accepts. Every start-up path (serve, chat, migrate and
// each CLI command) runs it through one entry point in the wiring (bot/server/startup.h),
// which supplies the channel keys from the adapter registry; config/ does not see adapters/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"

namespace linli::config {

// The keys a channel type accepts in its channels[] entry besides name, type and api_base.
struct ChannelKeys {
  std::vector<std::string> keys;      // exact names: "token", "secret_token", ...
  std::vector<std::string> prefixes;  // families: "menu_" accepts "menu_<anything>"
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
Status CheckConfig(const Config& config, const CheckContext& context);

}  // namespace linli::config
