#include "adapters/wecom_robot/wecom_robot_codec.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "adapters/robot/robot_parts.h"
#include "bot/http.h"
#include "bot/text.h"

namespace linli::adapters::wecom_robot {

std::string SendUrl(std::string_view api_base, std::string_view key) {
  return std::string(api_base) + "/cgi-bin/webhook/send?key=" + PercentEncode(key);
}

std::vector<std::string> MarkdownParts(std::string_view text) {
  return SplitByBytes(text, kMarkdownMaxBytes);
}

std::string RenderMarkdown(std::string_view content) {
  nlohmann::json j = {{"msgtype", "markdown"}, {"markdown", {{"content", std::string(content)}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::string Md5Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace

std::string RenderImage(std::string_view bytes) {
  nlohmann::json j = {{"msgtype", "image"},
                      {"image", {{"base64", Base64(bytes)}, {"md5", Md5Hex(bytes)}}}};
  return j.dump();
}

SendResult InterpretReply(int http_status, std::string_view body) {
  auto reply = robot::ParseRobotReply(body, {"errcode"}, {"errmsg"});
  if (!reply.ok()) {
    const std::string what = "wecom_robot: HTTP " + std::to_string(http_status);
    if (http_status == 429) return SendResult::RateLimited(what, kRateLimitWait);
    if (http_status >= 500) return SendResult::Retry(what);
    if (http_status >= 200 && http_status < 300) {
      return SendResult::Retry(what + " with an unreadable answer (it may have been delivered)");
    }
    return SendResult::Permanent(what);
  }
  const std::string what = "wecom_robot errcode " + std::to_string(reply->code) +
                           (reply->message.empty() ? "" : " " + reply->message);
  switch (reply->code) {
    case 0:
      return SendResult::Sent();
    case kErrFrequency:
      return SendResult::RateLimited(what, kRateLimitWait);
    case -1:
      return SendResult::Retry(what);
    default:
      if (http_status >= 500) return SendResult::Retry(what);
      return SendResult::Permanent(what);
  }
}

}  // namespace linli::adapters::wecom_robot
