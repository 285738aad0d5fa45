// Temporary media download of the WeChat family (Official Account and WeCom apps):
//   GET {api_base}/cgi-bin/media/get?access_token=TOKEN&media_id=MEDIA_ID
// answers the file's bytes, or a JSON error object ({"errcode":40007,"errmsg":"invalid
// media_id"}). An inbound image's MediaId is temporary media, fetchable for 3 days
// (wechat-official-account.md: image `MediaId` "download via media API"; the endpoint and the
// 3-day validity are from the platform's temporary-media page, not recorded in
// ../shared/protocols/).
#pragma once

#include <string>
#include <string_view>

#include "adapters/wechat/wechat_api.h"
#include "adapters/wechat/wechat_token.h"
#include "bot/http_client.h"
#include "bot/media.h"

namespace linli::adapters::wechat {

HttpClientRequest MediaGetRequest(std::string_view api_base, std::string_view access_token,
                                  std::string_view media_id);

struct MediaGetAnswer {
  MediaFetchResult result;
  bool token_invalid = false;  // a token errcode of `policy`: refetch the token, then retry
};
// Reads one media/get answer. A body that is a JSON object with a non-zero errcode is an
// error: token errcodes -> token_invalid (kRetry); the policy's retry codes (-1, 45009) ->
// kRetry; every other errcode (40007 invalid or expired media_id) -> kPermanent
// "<what>: errcode 40007 (invalid media_id)". Otherwise MediaDownloadAnswer (2xx -> bytes).
MediaGetAnswer ParseMediaGet(const HttpResponse& response, const ErrcodePolicy& policy,
                             std::string_view what);

// The I/O: media/get with a token from `tokens`, once more with a fresh token when the
// platform calls it invalid. Blocking; thread-safe.
MediaFetchResult FetchTemporaryMedia(HttpClient& http, AccessTokenCache& tokens,
                                     std::string_view api_base, std::string_view media_id,
                                     const ErrcodePolicy& policy, std::string_view what);

}  // namespace linli::adapters::wechat
