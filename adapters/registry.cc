#include "adapters/registry.h"

#include <functional>
#include <utility>

#include "adapters/dingtalk/dingtalk_adapter.h"
#include "adapters/dingtalk_robot/dingtalk_robot_adapter.h"
#include "adapters/feishu/feishu_adapter.h"
#include "adapters/feishu_robot/feishu_robot_adapter.h"
#include "adapters/telegram/telegram_adapter.h"
#include "adapters/wechat/wechat_menu.h"
#include "adapters/wechat/wechat_mp_adapter.h"
#include "adapters/wecom/wecom_adapter.h"
#include "adapters/wecom_robot/wecom_robot_adapter.h"

namespace linli::adapters {

namespace {

using Factory = std::function<StatusOr<std::unique_ptr<Adapter>>(const config::ChannelConfig&,
                                                                 const AdapterDeps&)>;

struct Platform {
  std::string type;
  Factory factory;
  // The keys of its channels[] entry besides name, type and api_base - the "Config fields"
  // of the adapter's header. A key not here stops start-up (config/config_check.h); so does
  // a `menu` on a type without menu limits here.
  config::ChannelKeys keys;
};

// One line per platform.
const std::vector<Platform>& Platforms() {
  static const auto* const kPlatforms = new std::vector<Platform>{
      {"feishu", &feishu::CreateFeishuAdapter,
       {{"app_id", "app_secret", "verification_token", "encrypt_key"}, {}}},
      {"dingtalk_bot", &dingtalk::CreateDingTalkAdapter,
       {{"app_key", "app_secret", "robot_code", "session_webhook_prefix"}, {}}},
      {"telegram", &telegram::CreateTelegramAdapter,
       {{"token", "secret_token", "bot_username", "timeout_ms", "webapp_max_age_s",
         "answer_in_webhook"}, {}}},
      {"wechat_mp", &wechat::CreateWechatMpAdapter,
       {{"token", "app_id", "app_secret", "encoding_aes_key", "mode", "oauth_base"},
        {"menu_", "template_"},
        wechat::kOfficialAccountMenuLimits}},
      {"wecom_app", &wecom::CreateWecomAppAdapter,
       {{"corp_id", "agent_id", "secret", "token", "encoding_aes_key"}, {}, wechat::kWecomMenuLimits}},
      // Send-only group robots (adapters/robot/robot_parts.h).
      {"wecom_robot", &wecom_robot::CreateWecomRobotAdapter, {{"key"}, {}}},
      {"dingtalk_robot", &dingtalk_robot::CreateDingTalkRobotAdapter,
       {{"access_token", "secret"}, {}}},
      {"feishu_robot", &feishu_robot::CreateFeishuRobotAdapter, {{"token", "secret"}, {}}},
  };
  return *kPlatforms;
}

}  // namespace

StatusOr<std::unique_ptr<Adapter>> CreateAdapter(const config::ChannelConfig& channel,
                                                 const AdapterDeps& deps) {
  for (const Platform& p : Platforms()) {
    if (p.type == channel.type) return p.factory(channel, deps);
  }
  std::string known;
  for (const auto& t : KnownAdapterTypes()) known += (known.empty() ? "" : ", ") + t;
  return Status::InvalidArgument("channels[" + channel.name + "].type: unknown type \"" +
                                 channel.type + "\" (known: console, " + known + ")");
}

std::vector<std::string> KnownAdapterTypes() {
  std::vector<std::string> out;
  for (const Platform& p : Platforms()) out.push_back(p.type);
  return out;
}

config::ChannelKeysByType KnownChannelKeys() {
  config::ChannelKeysByType out;
  for (const Platform& p : Platforms()) out[p.type] = p.keys;
  return out;
}

}  // namespace linli::adapters
