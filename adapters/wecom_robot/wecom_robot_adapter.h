// WeCom group robot (config type "wecom_robot"): a send-only channel into one WeCom group
// (../shared/protocols/wecom.md §4). Thin I/O around wecom_robot_codec; shared robot behaviour
// (parts, pacing, no webhook) in adapters/robot/robot_parts.h.
//
// Config fields (channels[] entry):
//   key       required; the robot's webhook key (the secret part of its URL; write ${ENV})
//   api_base  default https://qyapi.weixin.qq.com
//
// Paced at kMessagesPerMinute per rolling minute for the whole robot; a text over
// kMarkdownMaxBytes goes out as several markdown messages, in order.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "adapters/registry.h"
#include "adapters/robot/robot_parts.h"
#include "adapters/wecom_robot/wecom_robot_codec.h"

namespace linli::adapters::wecom_robot {

inline constexpr char kWecomRobotType[] = "wecom_robot";

struct WecomRobotOptions {
  std::string name;
  std::string key;
  std::string api_base = kDefaultApiBase;  // without a trailing '/'
};

// kInvalidArgument naming channel and field: "channels[staff].key: missing".
StatusOr<WecomRobotOptions> WecomRobotOptionsFromConfig(const config::ChannelConfig& channel);

class WecomRobotAdapter final : public robot::RobotAdapter {
 public:
  // `http` is borrowed and outlives the adapter.
  WecomRobotAdapter(WecomRobotOptions options, HttpClient& http);

  // A message with an image (OutboundMessage::image) whose file is a JPG or PNG of at most
  // kImageMaxBytes: one image message (RenderImage). Any other image - missing file, too
  // large, another format - and every other message: the text, as RobotAdapter::Send.
  SendResult Send(const OutboundMessage& message) override;
  int RequestsFor(const OutboundMessage& message) const override;

 protected:
  std::vector<std::string> Parts(std::string_view text) const override;
  SendResult Post(const std::string& part) override;

 private:
  const WecomRobotOptions options_;
  HttpClient& http_;
  std::shared_ptr<spdlog::logger> log_;
};

StatusOr<std::unique_ptr<Adapter>> CreateWecomRobotAdapter(const config::ChannelConfig& channel,
                                                           const AdapterDeps& deps);

}  // namespace linli::adapters::wecom_robot
