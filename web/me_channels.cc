#include "web/me_channels.h"

#include <cstdlib>

#include "web/telegram_init_data.h"
#include "web/wechat_web_auth.h"

namespace linli::web {

namespace {

std::string Root(std::string base, const char* fallback) {
  if (base.empty()) base = fallback;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

std::optional<MeWechat> MeWechatChannel(const config::Config& config) {
  for (const auto& c : config.channels) {
    if (c.type != "wechat_mp" || c.Field("app_id").empty() || c.Field("app_secret").empty()) {
      continue;
    }
    MeWechat w;
    w.channel = c.name;
    w.app_id = c.Field("app_id");
    w.app_secret = c.Field("app_secret");
    w.api_base = Root(!c.api_base.empty() ? c.api_base : c.Field("api_base"),
                      "https://api.weixin.qq.com");
    w.oauth_base = Root(c.Field("oauth_base"), kDefaultWechatOauthBase);
    return w;
  }
  return std::nullopt;
}

std::vector<MeTelegram> MeTelegramChannels(const config::Config& config) {
  std::vector<MeTelegram> out;
  for (const auto& c : config.channels) {
    if (c.type != "telegram" || c.Field("token").empty()) continue;
    MeTelegram t;
    t.channel = c.name;
    t.token = c.Field("token");
    t.max_age_s = kDefaultInitDataMaxAgeS;
    if (const std::string& age = c.Field("webapp_max_age_s"); !age.empty()) {
      const long long v = std::strtoll(age.c_str(), nullptr, 10);
      if (v > 0) t.max_age_s = v;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace linli::web
