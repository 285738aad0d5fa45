#include "adapters/wecom_robot/wecom_robot_adapter.h"

#include <utility>

namespace linli::adapters::wecom_robot {

StatusOr<WecomRobotOptions> WecomRobotOptionsFromConfig(const config::ChannelConfig& channel) {
  WecomRobotOptions o;
  o.name = channel.name;
  const std::string where = "channels[" + channel.name + "].";
  o.key = channel.Field("key");
  if (o.key.empty()) return Status::InvalidArgument(where + "key: missing");
  LINLI_ASSIGN_OR_RETURN(
      o.api_base,
      robot::ApiBaseFromConfig(channel.api_base.empty() ? channel.Field("api_base") : channel.api_base,
                               where, kDefaultApiBase));
  return o;
}

WecomRobotAdapter::WecomRobotAdapter(WecomRobotOptions options, HttpClient& http)
    : RobotAdapter(options.name, kWecomRobotType,
                   {{kMessagesPerMinute, std::chrono::minutes(1)}}),
      options_(std::move(options)),
      http_(http) {}

std::vector<std::string> WecomRobotAdapter::Parts(std::string_view text) const {
  return MarkdownParts(text);
}

SendResult WecomRobotAdapter::Post(const std::string& part) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = SendUrl(options_.api_base, options_.key);
  req.content_type = "application/json; charset=utf-8";
  req.body = RenderMarkdown(part);
  auto resp = http_.Send(req);
  if (!resp.ok()) return robot::TransportFailure(resp.status(), options_.name, kWecomRobotType);
  return InterpretReply(resp->status, resp->body);
}

StatusOr<std::unique_ptr<Adapter>> CreateWecomRobotAdapter(const config::ChannelConfig& channel,
                                                           const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(auto options, WecomRobotOptionsFromConfig(channel));
  return std::unique_ptr<Adapter>(std::make_unique<WecomRobotAdapter>(std::move(options), deps.http));
}

}  // namespace linli::adapters::wecom_robot
