#include "adapters/wechat/wechat_token.h"

#include <algorithm>
#include <utility>

namespace linli::adapters::wechat {

AccessTokenCache::AccessTokenCache(Clock& clock, HttpClient& http, std::string fetch_url,
                                   std::vector<int64_t> retry_errcodes)
    : clock_(clock),
      http_(http),
      fetch_url_(std::move(fetch_url)),
      retry_errcodes_(std::move(retry_errcodes)) {}

StatusOr<std::string> AccessTokenCache::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_.Now();
  if (!token_.empty() && now < refresh_at_) return token_;
  const bool backing_off = !last_failure_.ok() && now < failure_until_;
  if (!backing_off) {
    auto fetched = FetchLocked();
    if (fetched.ok()) {
      last_failure_ = Status::Ok();
      return fetched;
    }
    last_failure_ = fetched.status();
    failure_until_ = now + kFailureBackoff;
  }
  // The refresh failed but the old token has not expired yet: still usable.
  if (!token_.empty() && now < expires_at_) return token_;
  return last_failure_;
}

void AccessTokenCache::Invalidate(std::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!token_.empty() && token_ == token) {
    token_.clear();
    refresh_at_ = {};
    expires_at_ = {};
    last_failure_ = Status::Ok();  // a refetch is wanted now, not after a backoff
  }
}

AccessTokenCache::FetchOutcome AccessTokenCache::FetchNow() {
  std::lock_guard<std::mutex> lock(mu_);
  FetchOutcome out;
  auto fetched = FetchLocked(&out.errcode, &out.errmsg);
  out.status = fetched.ok() ? Status::Ok() : fetched.status();
  last_failure_ = out.status;
  if (!fetched.ok()) failure_until_ = clock_.Now() + kFailureBackoff;
  return out;
}

StatusOr<std::string> AccessTokenCache::FetchLocked(int64_t* errcode, std::string* errmsg) {
  HttpClientRequest req;
  req.method = "GET";
  req.url = fetch_url_;
  req.content_type.clear();
  auto resp = http_.Send(req);
  if (!resp.ok()) return Status::Unavailable("access token: network error");
  if (resp->status < 200 || resp->status >= 300) {
    return Status::Unavailable("access token: http " + std::to_string(resp->status));
  }
  auto reply = ParseApiReply(resp->body);
  if (!reply.ok()) return Status::Unavailable("access token: malformed reply");
  if (reply->errcode != 0) {
    if (errcode != nullptr) *errcode = reply->errcode;
    if (errmsg != nullptr) *errmsg = reply->errmsg;
    const bool transient = std::find(retry_errcodes_.begin(), retry_errcodes_.end(),
                                     reply->errcode) != retry_errcodes_.end();
    std::string msg = "access token: " + DescribeReply(*reply);
    return transient ? Status::Unavailable(std::move(msg))
                     : Status::FailedPrecondition(std::move(msg));
  }
  if (reply->access_token.empty()) return Status::Unavailable("access token: empty token");
  // Documented lifetime is 7200 s; treat a missing or nonsensical value the same way.
  const int64_t lifetime_s = reply->expires_in > 0 ? reply->expires_in : 7200;
  const auto lifetime = std::chrono::seconds(lifetime_s);
  const auto margin = std::min<std::chrono::seconds>(kRefreshMargin, lifetime / 2);
  token_ = std::move(reply->access_token);
  const auto now = clock_.Now();
  refresh_at_ = now + lifetime - margin;
  expires_at_ = now + lifetime;
  return token_;
}

namespace {

// PostWithToken and GetWithToken: `method` "POST" sends `json_body`, "GET" nothing.
SendResult CallWithToken(HttpClient& http, AccessTokenCache& tokens, const char* method,
                         std::string_view url_prefix, const std::string& json_body,
                         const ErrcodePolicy& policy, ApiReply* reply, std::string* body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = tokens.Get();
    if (!token.ok()) {
      if (token.status().code() == StatusCode::kFailedPrecondition) {
        return SendResult::Retry(token.status().message(), std::chrono::minutes(1));
      }
      return SendResult::Retry(token.status().message());
    }
    HttpClientRequest req;
    req.method = method;
    req.url = std::string(url_prefix) + PercentEncode(*token);
    if (req.method == "POST") {
      req.content_type = "application/json";
      req.body = json_body;
    } else {
      req.content_type.clear();
    }
    ApiReply parsed;
    auto resp = http.Send(req);
    SendResult result = ClassifyApiResponse(resp, policy, &parsed);
    if (reply != nullptr) *reply = parsed;
    if (body != nullptr) *body = resp.ok() ? resp->body : std::string();
    if (result.outcome == SendResult::Outcome::kRetry && resp.ok() &&
        policy.IsTokenError(parsed.errcode) && attempt == 0) {
      tokens.Invalidate(*token);
      continue;
    }
    return result;
  }
  return SendResult::Retry("access token rejected twice");  // unreachable in practice
}

}  // namespace

SendResult PostWithToken(HttpClient& http, AccessTokenCache& tokens, std::string_view url_prefix,
                         const std::string& json_body, const ErrcodePolicy& policy,
                         ApiReply* reply) {
  return CallWithToken(http, tokens, "POST", url_prefix, json_body, policy, reply, nullptr);
}

SendResult GetWithToken(HttpClient& http, AccessTokenCache& tokens, std::string_view url_prefix,
                        const ErrcodePolicy& policy, ApiReply* reply, std::string* body) {
  return CallWithToken(http, tokens, "GET", url_prefix, std::string(), policy, reply, body);
}

}  // namespace linli::adapters::wechat
