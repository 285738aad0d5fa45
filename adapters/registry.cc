#include "adapters/registry.h"

#include <functional>
#include <utility>

#include "adapters/dingtalk/dingtalk_adapter.h"
#include "adapters/feishu/feishu_adapter.h"
#include "adapters/telegram/telegram_adapter.h"
#include "adapters/wechat/wechat_mp_adapter.h"
#include "adapters/wecom/wecom_adapter.h"

namespace linli::adapters {

namespace {

using Factory = std::function<StatusOr<std::unique_ptr<Adapter>>(const config::ChannelConfig&,
                                                                 const AdapterDeps&)>;

// One line per platform.
const std::vector<std::pair<std::string, Factory>>& Factories() {
  static const auto* const kFactories = new std::vector<std::pair<std::string, Factory>>{
      {"feishu", &feishu::CreateFeishuAdapter},
      {"dingtalk_bot", &dingtalk::CreateDingTalkAdapter},
      {"telegram", &telegram::CreateTelegramAdapter},
      {"wechat_mp", &wechat::CreateWechatMpAdapter},
      {"wecom_app", &wecom::CreateWecomAppAdapter},
  };
  return *kFactories;
}

}  // namespace

StatusOr<std::unique_ptr<Adapter>> CreateAdapter(const config::ChannelConfig& channel,
                                                 const AdapterDeps& deps) {
  for (const auto& [type, factory] : Factories()) {
    if (type == channel.type) return factory(channel, deps);
  }
  std::string known;
  for (const auto& t : KnownAdapterTypes()) known += (known.empty() ? "" : ", ") + t;
  return Status::InvalidArgument("channels[" + channel.name + "].type: unknown type \"" +
                                 channel.type + "\" (known: console, " + known + ")");
}

std::vector<std::string> KnownAdapterTypes() {
  std::vector<std::string> out;
  for (const auto& f : Factories()) out.push_back(f.first);
  return out;
}

}  // namespace linli::adapters
