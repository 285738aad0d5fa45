#include "adapters/feishu/feishu_media.h"

#include <string>

#include "adapters/feishu/feishu_codec.h"

namespace linli::adapters::feishu {

HttpClientRequest ResourceRequest(std::string_view api_base, std::string_view tenant_token,
                                  std::string_view message_id, std::string_view file_key) {
  HttpClientRequest r;
  r.method = "GET";
  r.url = std::string(api_base) + "/open-apis/im/v1/messages/" + PercentEncode(message_id) +
          "/resources/" + PercentEncode(file_key) + "?type=image";
  r.headers.emplace_back("Authorization", "Bearer " + std::string(tenant_token));
  r.content_type.clear();
  r.timeout = std::chrono::milliseconds(30000);
  return r;
}

ResourceAnswer ParseResource(const HttpResponse& response) {
  constexpr std::string_view kWhat = "feishu message resource";
  ResourceAnswer out;
  const std::string& body = response.body;
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && body[first] == '{') {
    auto reply = ParseApiReply(body);
    if (reply.ok() && reply->code != 0) {
      const std::string error = std::string(kWhat) + ": HTTP " + std::to_string(response.status) +
                                " code " + std::to_string(reply->code) + " " +
                                reply->msg.substr(0, 120);
      switch (ClassifyCode(reply->code)) {
        case CodeClass::kTokenInvalid:
          out.token_invalid = true;
          out.result = MediaFetchResult::Retry(error);
          return out;
        case CodeClass::kRetry:
          out.result = MediaFetchResult::Retry(error);
          return out;
        default:
          out.result = (response.status >= 500 || response.status == 429)
                           ? MediaFetchResult::Retry(error)
                           : MediaFetchResult::Permanent(error);
          return out;
      }
    }
  }
  out.result = MediaDownloadAnswer(response, kWhat);
  return out;
}

}  // namespace linli::adapters::feishu
