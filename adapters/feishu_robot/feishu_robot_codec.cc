#include "adapters/feishu_robot/feishu_robot_codec.h"

#include <nlohmann/json.hpp>

#include "adapters/robot/robot_parts.h"
#include "bot/http.h"
#include "bot/text.h"

namespace linli::adapters::feishu_robot {

namespace {

constexpr std::string_view kTimestampShape = "1700000000";
constexpr std::string_view kSignShape = "0000000000000000000000000000000000000000000=";  // 44

}  // namespace

std::string SendUrl(std::string_view api_base, std::string_view token) {
  return std::string(api_base) + "/open-apis/bot/v2/hook/" + PercentEncode(token);
}

std::string RenderPost(std::string_view text, std::string_view timestamp_s, std::string_view sign) {
  nlohmann::json lines = nlohmann::json::array();
  size_t pos = 0;
  for (;;) {
    const size_t end = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    lines.push_back(nlohmann::json::array({{{"tag", "text"}, {"text", std::string(line)}}}));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  nlohmann::json j = {
      {"timestamp", std::string(timestamp_s)},
      {"sign", std::string(sign)},
      {"msg_type", "post"},
      {"content", {{"post", {{"zh_cn", {{"title", ""}, {"content", std::move(lines)}}}}}}},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> PostParts(std::string_view text) {
  const size_t overhead = RenderPost("", kTimestampShape, kSignShape).size();
  // A '\n' costs one more paragraph envelope: `"}],[{"tag":"text","text":"`.
  const size_t per_line = RenderPost("\n", kTimestampShape, kSignShape).size() - overhead;
  auto measure = [per_line](std::string_view s) {
    size_t n = 0;
    size_t pos = 0;
    for (;;) {
      const size_t end = s.find('\n', pos);
      n += robot::JsonEscapedSize(
          s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
      if (end == std::string_view::npos) break;
      n += per_line;
      pos = end + 1;
    }
    return n;
  };
  return SplitByBytes(text, kBodyMaxBytes - overhead, measure);
}

SendResult InterpretReply(int http_status, std::string_view body) {
  auto reply = robot::ParseRobotReply(body, {"code", "StatusCode"}, {"msg", "StatusMessage"});
  if (!reply.ok()) {
    const std::string what = "feishu_robot: HTTP " + std::to_string(http_status);
    if (http_status == 429) return SendResult::RateLimited(what, kRateLimitWait);
    if (http_status >= 500) return SendResult::Retry(what);
    if (http_status >= 200 && http_status < 300) {
      return SendResult::Retry(what + " with an unreadable answer (it may have been delivered)");
    }
    return SendResult::Permanent(what);
  }
  const std::string what = "feishu_robot code " + std::to_string(reply->code) +
                           (reply->message.empty() ? "" : " " + reply->message);
  if (reply->code == 0) return SendResult::Sent();
  if (reply->code == kErrFrequency || http_status == 429) {
    return SendResult::RateLimited(what, kRateLimitWait);
  }
  if (http_status >= 500) return SendResult::Retry(what);
  return SendResult::Permanent(what);
}

}  // namespace linli::adapters::feishu_robot
