#include "adapters/dingtalk/dingtalk_media.h"

#include <nlohmann/json.hpp>

#include "bot/json.h"

namespace linli::adapters::dingtalk {

HttpClientRequest DownloadUrlRequest(std::string_view api_base, std::string_view access_token,
                                     std::string_view robot_code, std::string_view download_code) {
  HttpClientRequest r;
  r.method = "POST";
  r.url = std::string(api_base) + "/v1.0/robot/messageFiles/download";
  r.headers.emplace_back("x-acs-dingtalk-access-token", std::string(access_token));
  r.content_type = "application/json";
  r.body = nlohmann::json{{"downloadCode", std::string(download_code)},
                          {"robotCode", std::string(robot_code)}}
               .dump();
  return r;
}

DownloadUrlAnswer ParseDownloadUrl(const HttpResponse& response) {
  const std::string what = "dingtalk messageFiles/download";
  DownloadUrlAnswer out;
  auto parsed = ParseUntrustedJson(response.body);
  const nlohmann::json body = parsed.ok() ? std::move(parsed).value() : nlohmann::json();
  const std::string code = GetString(body, "code").value_or("");
  const std::string message = GetString(body, "message").value_or("");
  const int status = response.status;
  const std::string error = what + ": HTTP " + std::to_string(status) +
                            (code.empty() ? "" : " " + code.substr(0, 80)) +
                            (message.empty() ? "" : " " + message.substr(0, 120));
  if (status >= 200 && status < 300 && code.empty()) {
    const std::string url = GetString(body, "downloadUrl").value_or("");
    if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) {
      out.ok = true;
      out.url = url;
      return out;
    }
    out.failed = MediaFetchResult::Retry(error + " without a downloadUrl");
    return out;
  }
  if (status == 401 || code == "InvalidAuthentication") {
    out.token_invalid = true;
    out.failed = MediaFetchResult::Retry(error);
    return out;
  }
  if (status == 429 || status >= 500 || code.rfind("Throttling", 0) == 0 ||
      (status >= 200 && status < 300)) {
    out.failed = MediaFetchResult::Retry(error);
    return out;
  }
  out.failed = MediaFetchResult::Permanent(error);
  return out;
}

HttpClientRequest FileRequest(std::string_view url) {
  HttpClientRequest r;
  r.method = "GET";
  r.url = std::string(url);
  r.content_type.clear();
  r.timeout = std::chrono::milliseconds(30000);
  return r;
}

}  // namespace linli::adapters::dingtalk
