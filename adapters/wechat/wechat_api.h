// Replies of the WeChat-family HTTP APIs (api.weixin.qq.com, qyapi.weixin.qq.com): a flat
// JSON object where HTTP 200 is not success - `errcode` decides (protocols/README.md).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "bot/adapter.h"
#include "bot/http.h"
#include "bot/status.h"

namespace linli::adapters::wechat {

// The fields Linli reads from any reply; absent fields keep their defaults.
struct ApiReply {
  int64_t errcode = 0;       // 0 when absent (the token endpoint omits it on success)
  std::string errmsg;        // platform text; never contains credentials
  std::string access_token;  // token endpoints only
  int64_t expires_in = 0;    // token endpoints only, seconds
  std::string msgid;         // WeCom message/send (string or number in the JSON)
  std::string invaliduser;   // WeCom message/send: "|"-separated users not reached
};

// Parses a reply body without throwing and with a depth limit (bot/json.h, depth 8,
// SECURITY.md "Parsers"). kInvalidArgument if it is not a (shallow) JSON object or carries
// a non-integer errcode (never mistaken for success).
StatusOr<ApiReply> ParseApiReply(std::string_view body);

// How one platform's errcodes map to outcomes; any code not listed is permanent.
struct ErrcodePolicy {
  std::vector<int64_t> token_errors;  // token invalid/expired: invalidate, refetch once
  std::vector<int64_t> deferred;      // not allowed now (48 h window, per-user quota)
  std::vector<int64_t> retry;         // busy / rate limited: try again later

  bool IsTokenError(int64_t code) const;
};

// Official Account: 40001/40014/42001 refetch; 45015/45047 deferred; -1/45009/45011 retry.
const ErrcodePolicy& OfficialAccountPolicy();

// A short, log-safe description of a reply ("errcode 45015 (response out of time limit)").
std::string DescribeReply(const ApiReply& reply);

// Maps one HTTP exchange to a SendResult: transport errors, 429 and 5xx retry; other non-2xx
// are permanent; a 2xx body that is not JSON retries; errcode 0 is kSent; errcodes per
// `policy` (token errors not handled by the caller retry). `reply` receives the parsed body
// when there was one.
SendResult ClassifyApiResponse(const StatusOr<HttpResponse>& response, const ErrcodePolicy& policy,
                               ApiReply* reply = nullptr);

}  // namespace linli::adapters::wechat
