#include "adapters/dingtalk_robot/dingtalk_robot_codec.h"

#include <nlohmann/json.hpp>

#include "adapters/dingtalk/dingtalk_sign.h"
#include "adapters/robot/robot_parts.h"
#include "bot/http.h"
#include "bot/text.h"

namespace linli::adapters::dingtalk_robot {

std::string SendUrl(std::string_view api_base, std::string_view access_token,
                    std::string_view timestamp_ms, std::string_view secret) {
  return std::string(api_base) + "/robot/send?access_token=" + PercentEncode(access_token) +
         dingtalk::CustomRobotQuerySuffix(timestamp_ms, secret);
}

std::string TitleOf(std::string_view text) {
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = text.find('\n', pos);
    const std::string line =
        TrimText(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (!line.empty()) return SplitByBytes(line, kTitleMaxBytes).front();
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return "Linli";
}

std::string RenderMarkdown(std::string_view title, std::string_view text) {
  nlohmann::json j = {{"msgtype", "markdown"},
                      {"markdown", {{"title", std::string(title)}, {"text", std::string(text)}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> MarkdownParts(std::string_view text) {
  // A title's character escapes to at most 6 bytes (\u00XX).
  const size_t overhead = RenderMarkdown("", "").size() + 6 * kTitleMaxBytes;
  return SplitByBytes(text, kBodyMaxBytes - overhead, robot::JsonEscapedSize);
}

SendResult InterpretReply(int http_status, std::string_view body) {
  auto reply = robot::ParseRobotReply(body, {"errcode"}, {"errmsg"});
  if (!reply.ok()) {
    const std::string what = "dingtalk_robot: HTTP " + std::to_string(http_status);
    if (http_status == 429) return SendResult::RateLimited(what, kBlockAfterTooFast);
    if (http_status >= 500) return SendResult::Retry(what);
    if (http_status >= 200 && http_status < 300) {
      return SendResult::Retry(what + " with an unreadable answer (it may have been delivered)");
    }
    return SendResult::Permanent(what);
  }
  const std::string what = "dingtalk_robot errcode " + std::to_string(reply->code) +
                           (reply->message.empty() ? "" : " " + reply->message);
  switch (reply->code) {
    case 0:
      return SendResult::Sent();
    case kErrTooFast:
      return SendResult::RateLimited(what, kBlockAfterTooFast);
    case -1:
      return SendResult::Retry(what);
    default:
      if (http_status >= 500) return SendResult::Retry(what);
      return SendResult::Permanent(what);
  }
}

}  // namespace linli::adapters::dingtalk_robot
