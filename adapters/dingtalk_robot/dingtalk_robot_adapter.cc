#include "adapters/dingtalk_robot/dingtalk_robot_adapter.h"

#include <utility>

namespace linli::adapters::dingtalk_robot {

StatusOr<DingTalkRobotOptions> DingTalkRobotOptionsFromConfig(const config::ChannelConfig& channel) {
  DingTalkRobotOptions o;
  o.name = channel.name;
  const std::string where = "channels[" + channel.name + "].";
  o.access_token = channel.Field("access_token");
  if (o.access_token.empty()) return Status::InvalidArgument(where + "access_token: missing");
  o.secret = channel.Field("secret");
  if (o.secret.empty()) return Status::InvalidArgument(where + "secret: missing");
  LINLI_ASSIGN_OR_RETURN(
      o.api_base,
      robot::ApiBaseFromConfig(channel.api_base.empty() ? channel.Field("api_base") : channel.api_base,
                               where, kDefaultApiBase));
  return o;
}

DingTalkRobotAdapter::DingTalkRobotAdapter(DingTalkRobotOptions options, const Clock& clock,
                                           HttpClient& http)
    : RobotAdapter(options.name, kDingTalkRobotType,
                   {{kMessagesPerMinute, std::chrono::minutes(1)}}),
      options_(std::move(options)),
      clock_(clock),
      http_(http) {}

std::vector<std::string> DingTalkRobotAdapter::Parts(std::string_view text) const {
  return MarkdownParts(text);
}

SendResult DingTalkRobotAdapter::Post(const std::string& part) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = SendUrl(options_.api_base, options_.access_token, std::to_string(clock_.NowMillis()),
                    options_.secret);
  req.content_type = "application/json; charset=utf-8";
  req.body = RenderMarkdown(TitleOf(part), part);
  auto resp = http_.Send(req);
  if (!resp.ok()) return robot::TransportFailure(resp.status(), options_.name, kDingTalkRobotType);
  return InterpretReply(resp->status, resp->body);
}

StatusOr<std::unique_ptr<Adapter>> CreateDingTalkRobotAdapter(const config::ChannelConfig& channel,
                                                              const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(auto options, DingTalkRobotOptionsFromConfig(channel));
  return std::unique_ptr<Adapter>(
      std::make_unique<DingTalkRobotAdapter>(std::move(options), deps.clock, deps.http));
}

}  // namespace linli::adapters::dingtalk_robot
