// Feishu message resources: the images of a received message are downloaded with
//   GET {api_base}/open-apis/im/v1/messages/{message_id}/resources/{file_key}?type=image
//   Authorization: Bearer <tenant_access_token>
// which answers the bytes (type in Content-Type), or a JSON {"code": N, "msg": "..."} on
// failure. Facts from the platform's page 获取消息中的资源文件 (open.feishu.cn, im-v1
// message-resource/get: tenant_access_token, resources up to 100 MB, the bot must be in the
// chat; 234043 for merged-forward/card messages); not yet in ../shared/protocols/feishu.md.
#pragma once

#include <string_view>

#include "bot/http_client.h"
#include "bot/media.h"

namespace linli::adapters::feishu {

// The request; message_id and file_key are percent-encoded into the path.
HttpClientRequest ResourceRequest(std::string_view api_base, std::string_view tenant_token,
                                  std::string_view message_id, std::string_view file_key);

struct ResourceAnswer {
  MediaFetchResult result;
  bool token_invalid = false;  // 99991661 / 99991663: refetch the token, then retry
};
// A JSON body with a non-zero code is an error, classified like sends (feishu_codec.h
// ClassifyCode: rate limits and platform failures kRetry, the rest kPermanent "feishu message
// resource: code 234003 <msg>"); otherwise MediaDownloadAnswer.
ResourceAnswer ParseResource(const HttpResponse& response);

}  // namespace linli::adapters::feishu
