// Feishu custom bot (config type "feishu_robot"): a send-only, signed channel into one Feishu
// group (../shared/protocols/feishu.md §1). Thin I/O around feishu_robot_codec; shared robot
// behaviour (parts, pacing, no webhook) in adapters/robot/robot_parts.h.
//
// Config fields (channels[] entry):
//   token     required; the hook id, the last segment of the bot's webhook URL (write ${ENV})
//   secret    required; the bot's signing secret (签名校验 must be enabled)
//   api_base  default https://open.feishu.cn (Lark: https://open.larksuite.com)
//
// Every request is signed afresh with the clock's current time (s). Paced at
// kMessagesPerMinute per rolling minute and kMessagesPerSecond per second for the whole bot.
#pragma once

#include <memory>
#include <string>

#include "adapters/feishu_robot/feishu_robot_codec.h"
#include "adapters/registry.h"
#include "adapters/robot/robot_parts.h"
#include "bot/clock.h"

namespace linli::adapters::feishu_robot {

inline constexpr char kFeishuRobotType[] = "feishu_robot";

struct FeishuRobotOptions {
  std::string name;
  std::string token;
  std::string secret;
  std::string api_base = kDefaultApiBase;  // without a trailing '/'
};

// kInvalidArgument naming channel and field: "channels[fs].token: missing".
StatusOr<FeishuRobotOptions> FeishuRobotOptionsFromConfig(const config::ChannelConfig& channel);

class FeishuRobotAdapter final : public robot::RobotAdapter {
 public:
  // `clock` and `http` are borrowed and outlive the adapter.
  FeishuRobotAdapter(FeishuRobotOptions options, const Clock& clock, HttpClient& http);

 protected:
  std::vector<std::string> Parts(std::string_view text) const override;
  SendResult Post(const std::string& part) override;

 private:
  const FeishuRobotOptions options_;
  const Clock& clock_;
  HttpClient& http_;
};

StatusOr<std::unique_ptr<Adapter>> CreateFeishuRobotAdapter(const config::ChannelConfig& channel,
                                                            const AdapterDeps& deps);

}  // namespace linli::adapters::feishu_robot
