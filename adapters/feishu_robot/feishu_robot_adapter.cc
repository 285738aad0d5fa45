#include "adapters/feishu_robot/feishu_robot_adapter.h"

#include <utility>

#include "adapters/feishu/feishu_crypto.h"

namespace linli::adapters::feishu_robot {

StatusOr<FeishuRobotOptions> FeishuRobotOptionsFromConfig(const config::ChannelConfig& channel) {
  FeishuRobotOptions o;
  o.name = channel.name;
  const std::string where = "channels[" + channel.name + "].";
  o.token = channel.Field("token");
  if (o.token.empty()) return Status::InvalidArgument(where + "token: missing");
  o.secret = channel.Field("secret");
  if (o.secret.empty()) return Status::InvalidArgument(where + "secret: missing");
  LINLI_ASSIGN_OR_RETURN(
      o.api_base,
      robot::ApiBaseFromConfig(channel.api_base.empty() ? channel.Field("api_base") : channel.api_base,
                               where, kDefaultApiBase));
  return o;
}

FeishuRobotAdapter::FeishuRobotAdapter(FeishuRobotOptions options, const Clock& clock,
                                       HttpClient& http)
    : RobotAdapter(options.name, kFeishuRobotType,
                   {{kMessagesPerMinute, std::chrono::minutes(1)},
                    {kMessagesPerSecond, std::chrono::seconds(1)}}),
      options_(std::move(options)),
      clock_(clock),
      http_(http) {}

std::vector<std::string> FeishuRobotAdapter::Parts(std::string_view text) const {
  return PostParts(text);
}

SendResult FeishuRobotAdapter::Post(const std::string& part) {
  const std::string timestamp = std::to_string(clock_.NowSeconds());
  HttpClientRequest req;
  req.method = "POST";
  req.url = SendUrl(options_.api_base, options_.token);
  req.content_type = "application/json; charset=utf-8";
  req.body = RenderPost(part, timestamp, feishu::CustomBotSign(timestamp, options_.secret));
  auto resp = http_.Send(req);
  if (!resp.ok()) return robot::TransportFailure(resp.status(), options_.name, kFeishuRobotType);
  return InterpretReply(resp->status, resp->body);
}

StatusOr<std::unique_ptr<Adapter>> CreateFeishuRobotAdapter(const config::ChannelConfig& channel,
                                                            const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(auto options, FeishuRobotOptionsFromConfig(channel));
  return std::unique_ptr<Adapter>(
      std::make_unique<FeishuRobotAdapter>(std::move(options), deps.clock, deps.http));
}

}  // namespace linli::adapters::feishu_robot
