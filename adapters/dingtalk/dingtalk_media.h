// DingTalk robot message files: a received picture carries a downloadCode, exchanged for a
// short-lived download URL with
//   POST {api_base}/v1.0/robot/messageFiles/download
//   x-acs-dingtalk-access-token: <token>      {"downloadCode": "...", "robotCode": "..."}
//   -> {"downloadUrl": "https://..."}
// then GET downloadUrl answers the bytes. (From the platform's robot "download the file
// content" page; dingtalk.md records only the callback fields, incl. downloadCode/robotCode.)
#pragma once

#include <string>
#include <string_view>

#include "bot/http_client.h"
#include "bot/media.h"

namespace linli::adapters::dingtalk {

HttpClientRequest DownloadUrlRequest(std::string_view api_base, std::string_view access_token,
                                     std::string_view robot_code, std::string_view download_code);

struct DownloadUrlAnswer {
  bool ok = false;
  std::string url;             // when ok: an http(s) URL
  MediaFetchResult failed;     // when !ok
  bool token_invalid = false;  // 401 / InvalidAuthentication: refetch the token, then retry
};
// 2xx with a downloadUrl (http:// or https://) -> ok; 2xx without one -> kRetry; 401 or
// code InvalidAuthentication -> token_invalid; 429, Throttling*, 5xx -> kRetry; other 4xx ->
// kPermanent "dingtalk messageFiles/download: HTTP 400 <code> <message>".
DownloadUrlAnswer ParseDownloadUrl(const HttpResponse& response);

// GET `url` (from ParseDownloadUrl), no token.
HttpClientRequest FileRequest(std::string_view url);

}  // namespace linli::adapters::dingtalk
