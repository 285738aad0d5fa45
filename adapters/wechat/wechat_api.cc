#include "adapters/wechat/wechat_api.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "bot/json.h"
#include "adapters/wechat/wechat_mp_codec.h"

namespace linli::adapters::wechat {

namespace {

// WeChat replies are flat objects; nothing Linli reads is nested.
constexpr int kMaxJsonDepth = 8;

bool Contains(const std::vector<int64_t>& v, int64_t code) {
  return std::find(v.begin(), v.end(), code) != v.end();
}

// Waits that make sense for the rate-limit codes; 0 leaves it to the outbox backoff.
std::chrono::milliseconds RetryAfterFor(int64_t errcode) {
  using std::chrono::minutes;
  if (errcode == 45011) return minutes(1);   // per-minute API quota
  if (errcode == 45009) return minutes(10);  // daily API quota
  return std::chrono::milliseconds(0);
}

}  // namespace

StatusOr<ApiReply> ParseApiReply(std::string_view body) {
  auto parsed = ParseUntrustedJson(body, kMaxJsonDepth);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::InvalidArgument("api reply: not a JSON object");
  }
  const nlohmann::json& j = *parsed;
  ApiReply r;
  if (FindMember(j, "errcode") != nullptr) {
    auto code = GetInt64(j, "errcode");
    if (!code) return Status::InvalidArgument("api reply: errcode is not an integer");
    r.errcode = *code;
  }
  r.errmsg = GetString(j, "errmsg").value_or("");
  r.access_token = GetString(j, "access_token").value_or("");
  r.expires_in = GetInt64(j, "expires_in").value_or(0);
  r.invaliduser = GetString(j, "invaliduser").value_or("");
  if (auto id = GetInt64(j, "msgid")) {
    r.msgid = std::to_string(*id);
  } else {
    r.msgid = GetString(j, "msgid").value_or("");
  }
  return r;
}

bool ErrcodePolicy::IsTokenError(int64_t code) const { return Contains(token_errors, code); }

const ErrcodePolicy& OfficialAccountPolicy() {
  static const auto* const kPolicy = new ErrcodePolicy{
      /*token_errors=*/{40001, 40014, 42001},
      /*deferred=*/{45015, 45047},
      /*retry=*/{-1, 45009, 45011},
  };
  return *kPolicy;
}

std::string DescribeReply(const ApiReply& reply) {
  std::string s = "errcode " + std::to_string(reply.errcode);
  if (!reply.errmsg.empty()) {
    s += " (" + TruncateUtf8(SanitizeText(reply.errmsg), 64) + ")";
  }
  return s;
}

SendResult ClassifyApiResponse(const StatusOr<HttpResponse>& response, const ErrcodePolicy& policy,
                               ApiReply* reply_out) {
  if (!response.ok()) {
    const Status& st = response.status();
    switch (st.code()) {
      case StatusCode::kDeadlineExceeded:
        return SendResult::Retry("timeout (the request may have been delivered)");
      case StatusCode::kInvalidArgument:
        return SendResult::Permanent("bad request URL");
      default:
        return SendResult::Retry("network error");
    }
  }
  const HttpResponse& http = *response;
  if (http.status == 429 || http.status >= 500) {
    return SendResult::Retry("http " + std::to_string(http.status));
  }
  if (http.status < 200 || http.status >= 300) {
    return SendResult::Permanent("http " + std::to_string(http.status));
  }
  auto parsed = ParseApiReply(http.body);
  if (!parsed.ok()) return SendResult::Retry("http 200 without a JSON reply");
  if (reply_out != nullptr) *reply_out = *parsed;
  const ApiReply& r = *parsed;
  if (r.errcode == 0) return SendResult::Sent(r.msgid);
  if (Contains(policy.deferred, r.errcode)) return SendResult::Deferred(DescribeReply(r));
  if (Contains(policy.retry, r.errcode) || policy.IsTokenError(r.errcode)) {
    return SendResult::Retry(DescribeReply(r), RetryAfterFor(r.errcode));
  }
  return SendResult::Permanent(DescribeReply(r));
}

}  // namespace linli::adapters::wechat
