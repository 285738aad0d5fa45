#include "adapters/wecom_robot/wecom_robot_adapter.h"

#include <optional>
#include <utility>

#include "bot/image_file.h"

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
      http_(http),
      log_(spdlog::get(kWecomRobotType) ? spdlog::get(kWecomRobotType) : spdlog::default_logger()) {}

namespace {

// The picture's bytes when WeCom takes them as an image message; nullopt (logged) otherwise.
std::optional<std::string> SendableImage(const OutboundMessage& message, spdlog::logger& log,
                                         const std::string& channel) {
  if (!message.image || message.kind != OutboundKind::kText) return std::nullopt;
  auto bytes = ReadImageFile(*message.image, kImageMaxBytes);
  if (!bytes.ok()) {
    log.warn("channel {}: photo not sent ({}); sending its text instead", channel,
             bytes.status().message());
    return std::nullopt;
  }
  if (JpegOrPng(*bytes).empty()) {
    log.warn("channel {}: photo not sent (not a JPG or PNG); sending its text instead", channel);
    return std::nullopt;
  }
  return std::move(bytes).value();
}

}  // namespace

SendResult WecomRobotAdapter::Send(const OutboundMessage& message) {
  if (std::optional<std::string> bytes = SendableImage(message, *log_, options_.name)) {
    HttpClientRequest req;
    req.method = "POST";
    req.url = SendUrl(options_.api_base, options_.key);
    req.content_type = "application/json; charset=utf-8";
    req.body = RenderImage(*bytes);
    auto resp = http_.Send(req);
    SendResult result = resp.ok()
                            ? InterpretReply(resp->status, resp->body)
                            : robot::TransportFailure(resp.status(), options_.name, kWecomRobotType);
    result.requests = 1;
    return result;
  }
  return RobotAdapter::Send(message);
}

int WecomRobotAdapter::RequestsFor(const OutboundMessage& message) const {
  // An image is one request; when it falls back to text, the text is short (one part).
  if (message.image && message.kind == OutboundKind::kText) return 1;
  return RobotAdapter::RequestsFor(message);
}

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
