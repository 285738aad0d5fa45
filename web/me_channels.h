// Which chat channels sign residents in to their own page (/me, issue 12 point 3), read from
// the channels of the config: the first `wechat_mp` channel signs in by WeChat's silent web
// authorization (web/wechat_web_auth.h), every `telegram` channel by a Mini App's initData
// (web/telegram_init_data.h). The identity found is (channel name, user id), as the chat
// adapters record it. The channel keys used here are validated at start-up by the adapters'
// factories (oauth_base, webapp_max_age_s). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace linli::web {

struct MeWechat {
  std::string channel;     // the channel's name (identities' channel)
  std::string app_id;
  std::string app_secret;
  std::string api_base;    // the code exchange's root: api_base, default https://api.weixin.qq.com
  std::string oauth_base;  // the authorize page's root: oauth_base, default https://open.weixin.qq.com
};

struct MeTelegram {
  std::string channel;
  std::string token;       // the bot token initData is signed with
  int64_t max_age_s = 0;   // webapp_max_age_s, default kDefaultInitDataMaxAgeS (one hour)
};

// The first wechat_mp channel with an app_id and app_secret; nullopt when there is none.
std::optional<MeWechat> MeWechatChannel(const config::Config& config);
// Every telegram channel with a token, in config order.
std::vector<MeTelegram> MeTelegramChannels(const config::Config& config);

}  // namespace linli::web
