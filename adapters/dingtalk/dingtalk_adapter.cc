#include "adapters/dingtalk/dingtalk_adapter.h"

#include "adapters/dingtalk/dingtalk_media.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "adapters/dingtalk/dingtalk_codec.h"

namespace linli::adapters::dingtalk {

namespace {

std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("dingtalk");
  return logger ? logger : spdlog::default_logger();
}

std::optional<int64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::string Truncated(std::string s, size_t n = 200) {
  if (s.size() > n) s.resize(n);
  return s;
}

HttpResponse EmptyJsonAck() { return HttpResponse::Json(200, "{}"); }

}  // namespace

StatusOr<DingTalkOptions> DingTalkOptionsFromConfig(const config::ChannelConfig& channel) {
  DingTalkOptions o;
  o.name = channel.name;
  const std::string where = "channels[" + channel.name + "].";
  o.app_key = channel.Field("app_key");
  if (o.app_key.empty()) return Status::InvalidArgument(where + "app_key: missing");
  o.app_secret = channel.Field("app_secret");
  if (o.app_secret.empty()) return Status::InvalidArgument(where + "app_secret: missing");
  o.robot_code = channel.Field("robot_code");
  if (o.robot_code.empty()) o.robot_code = o.app_key;
  auto is_http_url = [](const std::string& url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  };
  std::string base = channel.api_base.empty() ? channel.Field("api_base") : channel.api_base;
  if (!base.empty()) {
    if (!is_http_url(base)) {
      return Status::InvalidArgument(where + "api_base: must start with https:// or http://");
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    o.api_base = std::move(base);
  }
  const std::string& prefix = channel.Field("session_webhook_prefix");
  if (!prefix.empty()) {
    // Requiring the '/' after the host keeps "https://oapi.dingtalk.com.evil.example" out.
    const size_t scheme_end = prefix.find("://");
    if (!is_http_url(prefix) || prefix.find('/', scheme_end + 3) == std::string::npos) {
      return Status::InvalidArgument(
          where + "session_webhook_prefix: must be an http(s) URL ending its host with '/'");
    }
    o.session_webhook_prefix = prefix;
  }
  return o;
}

void SessionWebhookStore::Put(const std::string& conversation_id, std::string url,
                              int64_t expires_ms, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(conversation_id);
  if (it == entries_.end() && entries_.size() >= capacity_) {
    std::erase_if(entries_, [now_ms](const auto& kv) { return kv.second.expires_ms <= now_ms; });
    if (entries_.size() >= capacity_) {
      auto soonest = std::min_element(entries_.begin(), entries_.end(), [](auto& a, auto& b) {
        return a.second.expires_ms < b.second.expires_ms;
      });
      entries_.erase(soonest);
    }
  }
  entries_[conversation_id] = Entry{std::move(url), expires_ms};
}

std::optional<std::string> SessionWebhookStore::Get(const std::string& conversation_id,
                                                    int64_t now_ms, int64_t margin_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(conversation_id);
  if (it == entries_.end() || it->second.expires_ms - margin_ms <= now_ms) return std::nullopt;
  return it->second.url;
}

void SessionWebhookStore::Erase(const std::string& conversation_id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(conversation_id);
}

size_t SessionWebhookStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

DingTalkAdapter::DingTalkAdapter(DingTalkOptions options, Clock& clock, HttpClient& http,
                                 TokenStore* shared_tokens)
    : options_(std::move(options)),
      clock_(clock),
      http_(http),
      replays_(kMaxSkewMs, kReplayCacheCapacity),
      sessions_(kSessionCapacity),
      tokens_(clock, shared_tokens,
              TokenCache::Options{.channel = options_.name,
                                  .kind = kTokenKind,
                                  .refresh_margin_ms = kTokenRefreshMarginMs}) {}

StatusOr<WebhookResult> DingTalkAdapter::ParseWebhook(const HttpRequest& request) {
  if (request.method != "POST") return Status::NotFound("dingtalk callbacks are POST only");
  // The sign covers only the timestamp (not the body): window + replay cache (SECURITY.md).
  const std::string& timestamp = request.Header("timestamp");
  const std::string& sign = request.Header("sign");
  const auto ts_ms = ParseDigits(timestamp);
  if (!ts_ms || sign.empty()) {
    return Status::Unauthenticated("missing or malformed timestamp/sign headers");
  }
  const int64_t now_ms = clock_.NowMillis();
  if (now_ms - *ts_ms > kMaxSkewMs || *ts_ms - now_ms > kMaxSkewMs) {
    return Status::Unauthenticated("timestamp outside the 1 hour window");
  }
  if (!VerifyCallbackSign(timestamp, options_.app_secret, sign)) {
    return Status::Unauthenticated("sign mismatch");
  }
  if (!replays_.Insert(*ts_ms, sign, request.body, now_ms)) {
    Log()->warn("channel {}: replayed callback signature rejected", options_.name);
    return Status::Unauthenticated("replayed timestamp/sign");
  }

  auto decoded = DecodeCallback(request.body, options_.name);
  if (!decoded.ok()) return decoded.status();
  // The cache above covers this process; the claim makes the pair outlive a restart: the
  // router records it in the turn's transaction and refuses the turn if the pair is already
  // there with another body (bot/replay_claim.h).
  const std::string digest = BodyDigestHex(request.body);
  if (digest.empty()) return Status::Internal("cannot digest the callback body");
  decoded->message.replay_claim =
      ReplayClaim{timestamp + "\n" + sign, digest, *ts_ms + kMaxSkewMs};
  if (!decoded->session_webhook.empty()) {
    if (decoded->session_webhook.rfind(options_.session_webhook_prefix, 0) == 0) {
      sessions_.Put(decoded->message.conversation.chat_id, decoded->session_webhook,
                    decoded->session_webhook_expires_ms, now_ms);
    } else {
      Log()->warn("channel {}: ignoring a sessionWebhook outside {}", options_.name,
                  options_.session_webhook_prefix);
    }
  }
  WebhookResult result;
  result.message = std::move(decoded->message);
  return result;
}

HttpResponse DingTalkAdapter::RenderAck(const InboundMessage& /*message*/,
                                        const std::vector<OutboundMessage>& /*replies*/) {
  return EmptyJsonAck();
}

SendResult DingTalkAdapter::Send(const OutboundMessage& message) {
  if (message.kind == OutboundKind::kCallbackAnswer) return SendResult::Sent();
  if (auto url = sessions_.Get(message.to.chat_id, clock_.NowMillis(), kSessionMarginMs)) {
    return SendViaSessionWebhook(message, *url);
  }
  return SendViaOpenApi(message);
}

SendResult DingTalkAdapter::TransportFailure(const Status& status, const char* path) {
  if (status.code() == StatusCode::kInvalidArgument) {
    return SendResult::Permanent(std::string("dingtalk ") + path + ": bad request URL");
  }
  if (status.code() == StatusCode::kDeadlineExceeded) {
    // No idempotency key on DingTalk: the message may have been delivered (SECURITY.md).
    Log()->warn("channel {}: {} timed out; retrying may duplicate the message", options_.name,
                path);
  }
  return SendResult::Retry(std::string("dingtalk ") + path + ": " + StatusCodeName(status.code()));
}

SendResult DingTalkAdapter::SendViaSessionWebhook(const OutboundMessage& message,
                                                  const std::string& url) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = url;
  req.content_type = "application/json; charset=utf-8";
  req.body = BuildWebhookTextBody(message);
  auto resp = http_.Send(req);
  if (!resp.ok()) return TransportFailure(resp.status(), "sessionWebhook");
  const int http_status = resp->status;
  auto reply = ParseWebhookReply(resp->body);
  if (!reply.ok()) {
    if (http_status >= 200 && http_status < 300) {
      Log()->warn("channel {}: unreadable sessionWebhook answer; retrying may duplicate",
                  options_.name);
    } else if (http_status < 500 && http_status != 429) {
      sessions_.Erase(message.to.chat_id);  // likely expired: the retry uses the OpenAPI
    }
    return SendResult::Retry("dingtalk sessionWebhook: HTTP " + std::to_string(http_status));
  }
  const std::string what = "dingtalk sessionWebhook: errcode " + std::to_string(reply->errcode) +
                           " " + Truncated(reply->errmsg);
  switch (reply->errcode) {
    case 0:
      return SendResult::Sent();
    case 130101:  // send too fast, exceed 20 times per minute
      return SendResult::Retry(what, kRateLimitDelay);
    case 310000: {  // keywords / sign / IP allow-list check failed: configuration problem
      // In a block of its own: clang 14's AddressSanitizer placed the end of the Log()
      // temporary's lifetime where the other cases could see it (a stack-use-after-scope
      // report in SessionWebhookErrcodeMapping that this scope keeps away).
      Log()->warn("channel {}: {}", options_.name, what);
      return SendResult::Permanent(what);
    }
    default:
      // Most likely the session itself (expired or revoked): forget it, and the retry goes
      // through the OpenAPI.
      sessions_.Erase(message.to.chat_id);
      return SendResult::Retry(what);
  }
}

StatusOr<std::string> DingTalkAdapter::AccessToken(const std::string& rejected) {
  if (!rejected.empty()) tokens_.Invalidate(rejected);
  return tokens_.Get([this] { return FetchToken(nullptr); });
}

ProbeResult DingTalkAdapter::Probe(const ProbeRequest& /*request*/) {
  ProbeResult probe;
  (void)tokens_.FetchNow([&] { return FetchToken(&probe); });
  return probe;
}

StatusOr<TokenCache::Fetched> DingTalkAdapter::FetchToken(ProbeResult* probe) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = options_.api_base + "/v1.0/oauth2/accessToken";
  req.content_type = "application/json; charset=utf-8";
  req.body = BuildTokenRequest(options_.app_key, options_.app_secret);
  auto resp = http_.Send(req);
  if (!resp.ok()) {
    const std::string what = StatusCodeName(resp.status().code());
    if (probe != nullptr) *probe = JudgeAccessToken("no connection (" + what + ")", 0, "");
    return Status::Unavailable("accessToken request failed: " + what);
  }
  if (probe != nullptr) *probe = JudgeAccessToken("", resp->status, resp->body);
  auto reply = ParseTokenReply(resp->body);
  if (!reply.ok()) {
    Log()->error("channel {}: accessToken refused (HTTP {})", options_.name, resp->status);
    return Status::Unavailable("accessToken refused: HTTP " + std::to_string(resp->status));
  }
  return TokenCache::Fetched{reply->access_token, reply->expire_in_s * 1000};
}

SendResult DingTalkAdapter::SendViaOpenApi(const OutboundMessage& message) {
  // Paths and bodies from DingTalk's robot docs (protocol doc dingtalk.md, source E); they are
  // [unverified] in our protocol reference, as is whether a callback's conversationId is the
  // openConversationId these APIs expect.
  HttpClientRequest req;
  req.method = "POST";
  req.content_type = "application/json; charset=utf-8";
  if (message.to.chat_type == ChatType::kGroup) {
    if (message.to.chat_id.empty()) return SendResult::Permanent("dingtalk: no chat_id");
    req.url = options_.api_base + "/v1.0/robot/groupMessages/send";
    req.body = BuildGroupSendBody(options_.robot_code, message);
  } else {
    if (message.to.user_id.empty()) return SendResult::Permanent("dingtalk: no user_id");
    req.url = options_.api_base + "/v1.0/robot/oToMessages/batchSend";
    req.body = BuildPrivateSendBody(options_.robot_code, message);
  }

  std::string rejected;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = AccessToken(rejected);
    if (!token.ok()) return SendResult::Retry("dingtalk: " + token.status().message());
    HttpClientRequest authed = req;
    authed.headers.emplace_back("x-acs-dingtalk-access-token", *token);
    auto resp = http_.Send(authed);
    if (!resp.ok()) return TransportFailure(resp.status(), "robot OpenAPI");
    const int http_status = resp->status;
    auto reply = ParseOpenApiReply(resp->body);
    const std::string code = reply.ok() ? reply->code : std::string();
    const std::string what =
        "dingtalk robot OpenAPI: HTTP " + std::to_string(http_status) +
        (code.empty() ? "" : " " + Truncated(code, 80)) +
        (reply.ok() && !reply->message.empty() ? " " + Truncated(reply->message) : std::string());
    if (http_status >= 200 && http_status < 300 && code.empty()) {
      if (!reply.ok()) {
        Log()->warn("channel {}: unreadable OpenAPI answer; retrying may duplicate", options_.name);
        return SendResult::Retry(what + " unreadable answer");
      }
      if (!reply->flow_controlled_user_ids.empty()) {
        return SendResult::Retry(what + " flow controlled", kRateLimitDelay);
      }
      if (!reply->invalid_user_ids.empty()) return SendResult::Permanent(what + " invalid user");
      return SendResult::Sent(reply->process_query_key);
    }
    if (http_status == 401 || code == "InvalidAuthentication") {
      if (attempt == 0) {
        rejected = *token;
        continue;
      }
      return SendResult::Retry(what);
    }
    if (http_status == 429 || code.rfind("Throttling", 0) == 0) {
      return SendResult::Retry(what, kRateLimitDelay);
    }
    if (http_status >= 500 || (http_status >= 200 && http_status < 300)) {
      return SendResult::Retry(what);
    }
    Log()->warn("channel {}: send failed permanently: {}", options_.name, what);
    return SendResult::Permanent(what);
  }
  return SendResult::Retry("dingtalk: access token refused twice");
}

MediaFetchResult DingTalkAdapter::FetchMedia(const MediaFetchRequest& request) {
  std::string rejected;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = AccessToken(rejected);
    if (!token.ok()) return MediaFetchResult::Retry("dingtalk: " + token.status().message());
    auto resp = http_.Send(
        DownloadUrlRequest(options_.api_base, *token, options_.robot_code, request.ref));
    if (!resp.ok()) return MediaTransportFailure(resp.status(), "dingtalk messageFiles/download");
    DownloadUrlAnswer answer = ParseDownloadUrl(*resp);
    if (answer.token_invalid && attempt == 0) {
      rejected = *token;
      continue;
    }
    if (!answer.ok) return answer.failed;
    auto file = http_.Send(FileRequest(answer.url));
    if (!file.ok()) return MediaTransportFailure(file.status(), "dingtalk file download");
    return MediaDownloadAnswer(*file, "dingtalk file download");
  }
  return MediaFetchResult::Retry("dingtalk: access token refused twice");
}

StatusOr<std::unique_ptr<Adapter>> CreateDingTalkAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps) {
  auto options = DingTalkOptionsFromConfig(channel);
  if (!options.ok()) return options.status();
  return std::unique_ptr<Adapter>(
      std::make_unique<DingTalkAdapter>(std::move(options).value(), deps.clock, deps.http,
                                        deps.tokens));
}

}  // namespace linli::adapters::dingtalk
