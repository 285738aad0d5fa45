#include "adapters/feishu/feishu_adapter.h"

#include "adapters/feishu/feishu_media.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "adapters/feishu/feishu_codec.h"
#include "adapters/feishu/feishu_crypto.h"
#include "bot/json.h"

namespace linli::adapters::feishu {

namespace {

std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("feishu");
  return logger ? logger : spdlog::default_logger();
}

HttpResponse EmptyJsonAck() { return HttpResponse::Json(200, "{}"); }

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Truncated(std::string s, size_t n = 200) {
  if (s.size() > n) s.resize(n);
  return s;
}

const std::string* FindHeader(const HttpResponse& response, std::string_view name) {
  HeaderNameLess less;
  for (const auto& [k, v] : response.headers) {
    if (!less(k, name) && !less(name, k)) return &v;
  }
  return nullptr;
}

std::chrono::milliseconds RateLimitDelay(const HttpResponse& response) {
  // The gateway reports seconds until the limit resets in x-ogw-ratelimit-reset.
  if (const std::string* reset = FindHeader(response, "x-ogw-ratelimit-reset")) {
    if (auto s = ParseInt(*reset); s && *s > 0 && *s <= 3600) {
      return std::chrono::seconds(*s);
    }
  }
  return std::chrono::seconds(1);
}

}  // namespace

StatusOr<FeishuOptions> FeishuOptionsFromConfig(const config::ChannelConfig& channel) {
  FeishuOptions o;
  o.name = channel.name;
  auto require = [&channel](const char* field, std::string& out) -> Status {
    out = channel.Field(field);
    if (out.empty()) {
      return Status::InvalidArgument("channels[" + channel.name + "]." + field + ": missing");
    }
    return Status::Ok();
  };
  LINLI_RETURN_IF_ERROR(require("app_id", o.app_id));
  LINLI_RETURN_IF_ERROR(require("app_secret", o.app_secret));
  LINLI_RETURN_IF_ERROR(require("verification_token", o.verification_token));
  o.encrypt_key = channel.Field("encrypt_key");
  std::string base = channel.api_base.empty() ? channel.Field("api_base") : channel.api_base;
  if (!base.empty()) {
    if (base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0) {
      return Status::InvalidArgument("channels[" + channel.name +
                                     "].api_base: must start with https:// or http://");
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    o.api_base = std::move(base);
  }
  return o;
}

FeishuAdapter::FeishuAdapter(FeishuOptions options, Clock& clock, HttpClient& http,
                             TokenStore* shared_tokens)
    : options_(std::move(options)),
      clock_(clock),
      http_(http),
      tokens_(clock, shared_tokens,
              TokenCache::Options{.channel = options_.name,
                                  .kind = kTokenKind,
                                  .refresh_margin_ms = kTokenRefreshMarginMs}) {
  if (options_.encrypt_key.empty()) {
    Log()->warn(
        "channel {}: no encrypt_key configured; Feishu cannot sign events, so only the "
        "verification token in the body authenticates them (no replay protection)",
        options_.name);
  }
}

StatusOr<WebhookResult> FeishuAdapter::ParseWebhook(const HttpRequest& request) {
  if (request.method != "POST") return Status::NotFound("feishu webhooks are POST only");
  const bool have_key = !options_.encrypt_key.empty();
  const std::string& signature = request.Header("X-Lark-Signature");
  bool is_signed = false;
  if (have_key && !signature.empty()) {
    // Verify the raw bytes before parsing anything (SECURITY.md).
    const std::string& ts = request.Header("X-Lark-Request-Timestamp");
    const std::string& nonce = request.Header("X-Lark-Request-Nonce");
    const auto ts_s = ParseInt(ts);
    if (!ts_s) return Status::Unauthenticated("missing or malformed X-Lark-Request-Timestamp");
    const int64_t skew = clock_.NowSeconds() - *ts_s;
    if (skew > kMaxSkewSeconds || skew < -kMaxSkewSeconds) {
      return Status::Unauthenticated("X-Lark-Request-Timestamp outside the 5 minute window");
    }
    if (!VerifyEventSignature(ts, nonce, options_.encrypt_key, request.body, signature)) {
      return Status::Unauthenticated("X-Lark-Signature mismatch");
    }
    is_signed = true;
  }
  // An unsigned request with an encrypt_key set can only be the url_verification challenge;
  // every failure on that path gets the same answer, so forged ciphertexts learn nothing
  // (no padding oracle).
  const bool unsigned_with_key = have_key && !is_signed;
  auto reject = [unsigned_with_key](Status status) -> Status {
    if (unsigned_with_key) return Status::Unauthenticated("unsigned request rejected");
    return status;
  };

  auto body = ParseUntrustedJson(request.body);
  if (!body.ok()) return reject(body.status());
  auto encrypted = EncryptedPayload(*body);
  if (!encrypted.ok()) return reject(encrypted.status());
  nlohmann::json event;
  if (encrypted->has_value()) {
    if (!have_key) {
      return Status::InvalidArgument("encrypted event but channel " + options_.name +
                                     " has no encrypt_key");
    }
    auto plain = DecryptEvent(options_.encrypt_key, **encrypted);
    if (!plain.ok()) return reject(plain.status());
    auto parsed = ParseUntrustedJson(*plain);
    if (!parsed.ok()) return reject(parsed.status());
    event = std::move(parsed).value();
  } else {
    event = std::move(body).value();
  }

  auto envelope = ReadEnvelope(event);
  if (!envelope.ok()) return reject(envelope.status());
  if (!ConstantTimeEquals(envelope->token, options_.verification_token)) {
    return reject(Status::Unauthenticated("verification token mismatch"));
  }

  WebhookResult result;
  if (envelope->kind == Envelope::Kind::kUrlVerification) {
    result.immediate =
        HttpResponse::Json(200, DumpJson(nlohmann::json{{"challenge", envelope->challenge}}));
    return result;
  }
  if (unsigned_with_key) return reject(Status::Unauthenticated("missing X-Lark-Signature"));

  if (envelope->kind != Envelope::Kind::kV2 || envelope->event_type != kMessageReceiveEvent) {
    Log()->debug("channel {}: ignoring event type {}", options_.name,
                 Truncated(envelope->event_type, 64));
    result.immediate = EmptyJsonAck();
    return result;
  }
  auto message = DecodeMessageReceive(event, *envelope, options_.name);
  if (!message.ok()) return message.status();
  if (!message->has_value()) {
    result.immediate = EmptyJsonAck();
    return result;
  }
  result.message = std::move(**message);
  return result;
}

HttpResponse FeishuAdapter::RenderAck(const InboundMessage& /*message*/,
                                      const std::vector<OutboundMessage>& /*replies*/) {
  return EmptyJsonAck();
}

StatusOr<std::string> FeishuAdapter::TenantToken(const std::string& rejected) {
  if (!rejected.empty()) tokens_.Invalidate(rejected);
  return tokens_.Get([this] { return FetchToken(nullptr); });
}

ProbeResult FeishuAdapter::Probe(const ProbeRequest& /*request*/) {
  TokenOutcome outcome;
  (void)tokens_.FetchNow([&] { return FetchToken(&outcome); });
  return JudgeTenantToken(outcome);
}

StatusOr<TokenCache::Fetched> FeishuAdapter::FetchToken(TokenOutcome* outcome) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = options_.api_base + "/open-apis/auth/v3/tenant_access_token/internal";
  req.content_type = "application/json; charset=utf-8";
  req.body = BuildTokenRequest(options_.app_id, options_.app_secret);
  auto resp = http_.Send(req);
  if (!resp.ok()) {
    const std::string what = StatusCodeName(resp.status().code());
    if (outcome != nullptr) outcome->transport = "no connection (" + what + ")";
    return Status::Unavailable("tenant_access_token request failed: " + what);
  }
  auto reply = ParseApiReply(resp->body);
  if (outcome != nullptr) {
    outcome->http_status = resp->status;
    outcome->parsed = reply.ok();
    if (reply.ok()) outcome->reply = *reply;
  }
  if (!reply.ok()) {
    return Status::Unavailable("tenant_access_token: unreadable answer, HTTP " +
                               std::to_string(resp->status));
  }
  if (reply->code != 0 || reply->tenant_token.empty() || reply->expire_s <= 0) {
    Log()->error("channel {}: tenant_access_token refused: code {} {}", options_.name, reply->code,
                 Truncated(reply->msg));
    return Status::Unavailable("tenant_access_token refused: code " + std::to_string(reply->code));
  }
  return TokenCache::Fetched{reply->tenant_token, reply->expire_s * 1000};
}

SendResult FeishuAdapter::Send(const OutboundMessage& message) {
  if (message.kind == OutboundKind::kCallbackAnswer) return SendResult::Sent();
  if (message.reply_to.empty() && message.to.chat_id.empty()) {
    return SendResult::Permanent("feishu: no chat_id and no reply_to");
  }
  const std::string uuid = SendUuid(message);
  HttpClientRequest req;
  req.method = "POST";
  req.content_type = "application/json; charset=utf-8";
  if (!message.reply_to.empty()) {
    req.url = options_.api_base + "/open-apis/im/v1/messages/" + PercentEncode(message.reply_to) +
              "/reply";
    req.body = BuildReplyBody(message, uuid);
  } else {
    req.url = options_.api_base + "/open-apis/im/v1/messages?receive_id_type=chat_id";
    req.body = BuildCreateBody(message, uuid);
  }

  std::string rejected;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = TenantToken(rejected);
    if (!token.ok()) return SendResult::Retry("feishu: " + token.status().message());
    HttpClientRequest authed = req;
    authed.headers.emplace_back("Authorization", "Bearer " + *token);
    auto resp = http_.Send(authed);
    if (!resp.ok()) {
      if (resp.status().code() == StatusCode::kInvalidArgument) {
        return SendResult::Permanent("feishu: bad request URL");
      }
      // Timeouts are ambiguous, but the uuid makes the resend a no-op if it was delivered.
      return SendResult::Retry(std::string("feishu: ") + StatusCodeName(resp.status().code()));
    }
    const int http_status = resp->status;
    auto reply = ParseApiReply(resp->body);
    if (!reply.ok()) {
      if (http_status >= 400 && http_status < 500 && http_status != 429) {
        return SendResult::Permanent("feishu: HTTP " + std::to_string(http_status));
      }
      return SendResult::Retry("feishu: HTTP " + std::to_string(http_status) +
                               " with an unreadable answer");
    }
    const std::string what = "feishu: HTTP " + std::to_string(http_status) + " code " +
                             std::to_string(reply->code) + " " + Truncated(reply->msg);
    switch (ClassifyCode(reply->code)) {
      case CodeClass::kOk:
        return SendResult::Sent(reply->message_id);
      case CodeClass::kRetry:
        return SendResult::Retry(what, RateLimitDelay(*resp));
      case CodeClass::kTokenInvalid:
        if (attempt == 0) {
          rejected = *token;
          continue;
        }
        return SendResult::Retry(what);
      case CodeClass::kPermanent:
        if (http_status >= 500 || http_status == 429) return SendResult::Retry(what);
        Log()->warn("channel {}: send failed permanently: {}", options_.name, what);
        return SendResult::Permanent(what);
    }
  }
  return SendResult::Retry("feishu: token refused twice");
}

MediaFetchResult FeishuAdapter::FetchMedia(const MediaFetchRequest& request) {
  if (request.message_id.empty()) {
    return MediaFetchResult::Permanent("feishu message resource: no message_id for the image");
  }
  std::string rejected;
  MediaFetchResult last = MediaFetchResult::Retry("feishu: token refused twice");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = TenantToken(rejected);
    if (!token.ok()) return MediaFetchResult::Retry("feishu: " + token.status().message());
    auto resp = http_.Send(ResourceRequest(options_.api_base, *token, request.message_id, request.ref));
    if (!resp.ok()) return MediaTransportFailure(resp.status(), "feishu message resource");
    ResourceAnswer answer = ParseResource(*resp);
    if (!answer.token_invalid) return answer.result;
    rejected = *token;
    last = answer.result;
  }
  return last;
}

StatusOr<std::unique_ptr<Adapter>> CreateFeishuAdapter(const config::ChannelConfig& channel,
                                                       const AdapterDeps& deps) {
  auto options = FeishuOptionsFromConfig(channel);
  if (!options.ok()) return options.status();
  return std::unique_ptr<Adapter>(
      std::make_unique<FeishuAdapter>(std::move(options).value(), deps.clock, deps.http,
                                      deps.tokens));
}

}  // namespace linli::adapters::feishu
