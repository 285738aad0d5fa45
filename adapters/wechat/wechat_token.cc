#include "adapters/wechat/wechat_token.h"

#include <algorithm>
#include <utility>

namespace linli::adapters::wechat {

AccessTokenCache::AccessTokenCache(Clock& clock, HttpClient& http, std::string fetch_url,
                                   std::vector<int64_t> retry_errcodes, TokenStore* shared,
                                   std::string channel)
    : http_(http),
      fetch_url_(std::move(fetch_url)),
      retry_errcodes_(std::move(retry_errcodes)),
      cache_(clock, shared,
             TokenCache::Options{
                 .channel = std::move(channel),
                 .kind = kKind,
                 .refresh_margin_ms = std::chrono::milliseconds(kRefreshMargin).count(),
                 .failure_backoff_ms = std::chrono::milliseconds(kFailureBackoff).count(),
             }) {}

StatusOr<std::string> AccessTokenCache::Get() {
  return cache_.Get([this] { return FetchOnce(nullptr, nullptr); });
}

void AccessTokenCache::Invalidate(std::string_view token) { cache_.Invalidate(token); }

AccessTokenCache::FetchOutcome AccessTokenCache::FetchNow() {
  FetchOutcome out;
  auto fetched = cache_.FetchNow([&] { return FetchOnce(&out.errcode, &out.errmsg); });
  out.status = fetched.ok() ? Status::Ok() : fetched.status();
  return out;
}

StatusOr<TokenCache::Fetched> AccessTokenCache::FetchOnce(int64_t* errcode, std::string* errmsg) {
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
  return TokenCache::Fetched{std::move(reply->access_token), lifetime_s * 1000};
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
