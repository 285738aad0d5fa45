#include "adapters/wechat/wechat_media.h"

#include <algorithm>

namespace linli::adapters::wechat {

HttpClientRequest MediaGetRequest(std::string_view api_base, std::string_view access_token,
                                  std::string_view media_id) {
  HttpClientRequest r;
  r.method = "GET";
  r.url = std::string(api_base) + "/cgi-bin/media/get?access_token=" +
          PercentEncode(access_token) + "&media_id=" + PercentEncode(media_id);
  r.content_type.clear();
  r.timeout = std::chrono::milliseconds(30000);
  return r;
}

namespace {
bool HasCode(const std::vector<int64_t>& codes, int64_t code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}
}  // namespace

MediaGetAnswer ParseMediaGet(const HttpResponse& response, const ErrcodePolicy& policy,
                             std::string_view what) {
  MediaGetAnswer out;
  const std::string& body = response.body;
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && body[first] == '{') {
    auto reply = ParseApiReply(body);
    if (reply.ok() && reply->errcode != 0) {
      const std::string error = std::string(what) + ": " + DescribeReply(*reply);
      if (policy.IsTokenError(reply->errcode)) {
        out.token_invalid = true;
        out.result = MediaFetchResult::Retry(error);
      } else if (HasCode(policy.retry, reply->errcode)) {
        out.result = MediaFetchResult::Retry(error);
      } else {
        out.result = MediaFetchResult::Permanent(error);
      }
      return out;
    }
  }
  out.result = MediaDownloadAnswer(response, what);
  return out;
}

MediaFetchResult FetchTemporaryMedia(HttpClient& http, AccessTokenCache& tokens,
                                     std::string_view api_base, std::string_view media_id,
                                     const ErrcodePolicy& policy, std::string_view what) {
  MediaFetchResult last = MediaFetchResult::Retry(std::string(what) + ": token refused twice");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = tokens.Get();
    if (!token.ok()) return MediaFetchResult::Retry(std::string(what) + ": " + token.status().message());
    auto response = http.Send(MediaGetRequest(api_base, *token, media_id));
    if (!response.ok()) return MediaTransportFailure(response.status(), what);
    MediaGetAnswer answer = ParseMediaGet(*response, policy, what);
    if (!answer.token_invalid) return answer.result;
    tokens.Invalidate(*token);
    last = answer.result;
  }
  return last;
}

}  // namespace linli::adapters::wechat
