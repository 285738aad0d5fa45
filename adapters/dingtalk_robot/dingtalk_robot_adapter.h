// DingTalk custom robot (config type "dingtalk_robot"): a send-only, signed channel into one
// DingTalk group (../shared/protocols/dingtalk.md §1-2). Thin I/O around dingtalk_robot_codec;
// shared robot behaviour (parts, pacing, no webhook) in adapters/robot/robot_parts.h.
//
// Config fields (channels[] entry):
//   access_token  required; the robot's access_token (from its webhook URL; write ${ENV})
//   secret        required; the robot's signing secret ("SEC..."; 加签 must be enabled)
//   api_base      default https://oapi.dingtalk.com
//
// Every request is signed afresh with the clock's current time (ms). Paced at
// kMessagesPerMinute per rolling minute for the whole robot; an errcode 130101 blocks the
// robot for 10 minutes (the outbox defers every message of the channel).
#pragma once

#include <memory>
#include <string>

#include "adapters/dingtalk_robot/dingtalk_robot_codec.h"
#include "adapters/registry.h"
#include "adapters/robot/robot_parts.h"
#include "bot/clock.h"

namespace linli::adapters::dingtalk_robot {

inline constexpr char kDingTalkRobotType[] = "dingtalk_robot";

struct DingTalkRobotOptions {
  std::string name;
  std::string access_token;
  std::string secret;
  std::string api_base = kDefaultApiBase;  // without a trailing '/'
};

// kInvalidArgument naming channel and field: "channels[dd].secret: missing".
StatusOr<DingTalkRobotOptions> DingTalkRobotOptionsFromConfig(const config::ChannelConfig& channel);

class DingTalkRobotAdapter final : public robot::RobotAdapter {
 public:
  // `clock` and `http` are borrowed and outlive the adapter.
  DingTalkRobotAdapter(DingTalkRobotOptions options, const Clock& clock, HttpClient& http);

 protected:
  std::vector<std::string> Parts(std::string_view text) const override;
  SendResult Post(const std::string& part) override;

 private:
  const DingTalkRobotOptions options_;
  const Clock& clock_;
  HttpClient& http_;
};

StatusOr<std::unique_ptr<Adapter>> CreateDingTalkRobotAdapter(const config::ChannelConfig& channel,
                                                              const AdapterDeps& deps);

}  // namespace linli::adapters::dingtalk_robot
