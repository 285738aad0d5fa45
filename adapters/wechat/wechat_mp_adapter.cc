#include "adapters/wechat/wechat_mp_adapter.h"

#include <algorithm>
#include <utility>

#include "adapters/wechat/wechat_log.h"
#include "adapters/wechat/wechat_mp_codec.h"
#include "adapters/wechat/wechat_xml.h"

namespace linli::adapters::wechat {

namespace {

std::shared_ptr<spdlog::logger> Log() {
  static const auto logger = ModuleLogger("wechat");
  return logger;
}

Status FieldError(const std::string& channel, const std::string& field, const std::string& what) {
  return Status::InvalidArgument("channels[" + channel + "]." + field + ": " + what);
}

// "https://host/" -> "https://host". Only http(s) URLs (http for loopback fakes in tests).
StatusOr<std::string> NormalizeApiBase(const std::string& channel, std::string base) {
  if (base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0) {
    return FieldError(channel, "api_base", "must start with https:// or http://");
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// WeChat's echostr is a random number string; anything else is not echoed back.
bool IsSafeEcho(const std::string& s) {
  return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_' || c == '.' || c == '=' || c == '+' || c == '/';
  });
}

HttpResponse Success() { return HttpResponse::Text(200, "success"); }

HttpResponse XmlResponse(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.content_type = "application/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

const char* OutcomeName(SendResult::Outcome o) {
  switch (o) {
    case SendResult::Outcome::kSent:
      return "sent";
    case SendResult::Outcome::kRetry:
      return "retry";
    case SendResult::Outcome::kPermanent:
      return "permanent";
    case SendResult::Outcome::kDeferred:
      return "deferred";
  }
  return "?";
}

}  // namespace

StatusOr<WechatMpOptions> WechatMpOptionsFromConfig(const config::ChannelConfig& channel) {
  WechatMpOptions o;
  o.name = channel.name;
  for (const char* field : {"token", "app_id", "app_secret"}) {
    if (channel.Field(field).empty()) return FieldError(channel.name, field, "missing");
  }
  o.token = channel.Field("token");
  o.app_id = channel.Field("app_id");
  o.app_secret = channel.Field("app_secret");

  const std::string& mode = channel.Field("mode");
  if (mode.empty() || mode == "safe") {
    o.mode = SecurityMode::kSafe;
  } else if (mode == "compatible") {
    o.mode = SecurityMode::kCompatible;
  } else if (mode == "plain") {
    o.mode = SecurityMode::kPlain;
  } else {
    return FieldError(channel.name, "mode", "must be one of safe, compatible, plain");
  }

  o.encoding_aes_key = channel.Field("encoding_aes_key");
  if (o.encoding_aes_key.empty()) {
    if (o.mode != SecurityMode::kPlain) {
      return FieldError(channel.name, "encoding_aes_key",
                        "missing (required when mode is safe or compatible)");
    }
  } else if (!IsValidEncodingAesKey(o.encoding_aes_key)) {
    return FieldError(channel.name, "encoding_aes_key", "must be 43 characters of [A-Za-z0-9]");
  }

  std::string base = !channel.api_base.empty() ? channel.api_base : channel.Field("api_base");
  if (!base.empty()) {
    LINLI_ASSIGN_OR_RETURN(o.api_base, NormalizeApiBase(channel.name, std::move(base)));
  }
  return o;
}

StatusOr<std::unique_ptr<WechatMpAdapter>> WechatMpAdapter::Create(WechatMpOptions options,
                                                                   Clock& clock, HttpClient& http) {
  std::optional<MsgCrypt> crypt;
  if (options.mode != SecurityMode::kPlain) {
    auto c = MsgCrypt::Create(options.token, options.encoding_aes_key, options.app_id);
    if (!c.ok()) {
      return FieldError(options.name, "encoding_aes_key", "must be 43 characters of [A-Za-z0-9]");
    }
    crypt = std::move(c).value();
  }
  return std::unique_ptr<WechatMpAdapter>(
      new WechatMpAdapter(std::move(options), std::move(crypt), clock, http));
}

WechatMpAdapter::WechatMpAdapter(WechatMpOptions options, std::optional<MsgCrypt> crypt,
                                 Clock& clock, HttpClient& http)
    : options_(std::move(options)),
      crypt_(std::move(crypt)),
      clock_(clock),
      http_(http),
      tokens_(clock, http,
              options_.api_base + "/cgi-bin/token?grant_type=client_credential&appid=" +
                  PercentEncode(options_.app_id) +
                  "&secret=" + PercentEncode(options_.app_secret)) {}

std::string WechatMpAdapter::account_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return account_id_;
}

void WechatMpAdapter::LearnAccountId(const std::string& to_user, bool authenticated) {
  std::lock_guard<std::mutex> lock(mu_);
  if (account_id_ == to_user) {
    account_id_authenticated_ = account_id_authenticated_ || authenticated;
    return;
  }
  if (account_id_.empty() || (authenticated && !account_id_authenticated_)) {
    account_id_ = to_user;
    account_id_authenticated_ = authenticated;
    return;
  }
  Log()->warn(
      "channel {}: inbound ToUserName differs from the account id learnt before; "
      "keeping the first",
      options_.name);
}

StatusOr<WebhookResult> WechatMpAdapter::ParseWebhook(const HttpRequest& request) {
  if (request.method == "GET") return VerifyUrl(request);
  if (request.method == "POST") return HandlePost(request);
  return Status::NotFound("method not supported");
}

StatusOr<WebhookResult> WechatMpAdapter::VerifyUrl(const HttpRequest& request) const {
  const std::string& signature = request.Query("signature");
  const std::string& timestamp = request.Query("timestamp");
  const std::string& nonce = request.Query("nonce");
  if (signature.empty() || timestamp.empty() || nonce.empty()) {
    return Status::Unauthenticated("missing signature");
  }
  if (!SignatureMatches(Sha1Signature({options_.token, timestamp, nonce}), signature)) {
    return Status::Unauthenticated("bad signature");
  }
  const std::string& echostr = request.Query("echostr");
  if (!IsSafeEcho(echostr)) return Status::InvalidArgument("missing or malformed echostr");
  WebhookResult result;
  result.immediate = HttpResponse::Text(200, echostr);
  return result;
}

StatusOr<WebhookResult> WechatMpAdapter::HandlePost(const HttpRequest& request) {
  const std::string& timestamp = request.Query("timestamp");
  const std::string& nonce = request.Query("nonce");
  const std::string& signature = request.Query("signature");
  const bool encrypted_request = request.Query("encrypt_type") == "aes";
  if (timestamp.empty() || nonce.empty()) return Status::Unauthenticated("missing signature");
  const bool signature_ok =
      !signature.empty() &&
      SignatureMatches(Sha1Signature({options_.token, timestamp, nonce}), signature);

  std::string plaintext;
  bool authenticated_body = false;
  if (options_.mode == SecurityMode::kSafe && !encrypted_request) {
    return Status::Unauthenticated("safe mode requires encrypt_type=aes");
  }
  if (options_.mode != SecurityMode::kPlain && encrypted_request) {
    const std::string& msg_signature = request.Query("msg_signature");
    if (msg_signature.empty()) return Status::Unauthenticated("missing msg_signature");
    // `signature` is redundant here (msg_signature covers more) but must not be wrong.
    if (!signature.empty() && !signature_ok) return Status::Unauthenticated("bad signature");
    LINLI_ASSIGN_OR_RETURN(auto outer, ParseFlatXml(request.body));
    auto it = outer.find("Encrypt");
    if (it == outer.end() || it->second.empty()) {
      return Status::InvalidArgument("xml: missing Encrypt");
    }
    if (!crypt_->VerifySignature(msg_signature, timestamp, nonce, it->second)) {
      return Status::Unauthenticated("bad msg_signature");
    }
    LINLI_ASSIGN_OR_RETURN(plaintext, crypt_->Decrypt(it->second));
    authenticated_body = true;
  } else {
    // Plain mode, or compatible mode without encryption: only `signature`, which does not
    // cover the body.
    if (!signature_ok) return Status::Unauthenticated("bad signature");
    plaintext = request.body;
  }

  LINLI_ASSIGN_OR_RETURN(ParsedInbound parsed, ParseInboundXml(plaintext, options_.name));
  LearnAccountId(parsed.to_user, authenticated_body);
  WebhookResult result;
  if (parsed.message) {
    result.message = std::move(parsed.message);
  } else {
    result.immediate = Success();
  }
  return result;
}

HttpResponse WechatMpAdapter::RenderAck(const InboundMessage& message,
                                        const std::vector<OutboundMessage>& replies) {
  const std::string text = RenderText(replies);
  if (text.empty()) return Success();  // no encryption needed for "success"
  const std::string account = account_id();
  if (account.empty() || message.conversation.user_id.empty()) {
    // Only reachable if RenderAck runs without a ParseWebhook of this process.
    Log()->error("channel {}: passive reply dropped: account id unknown", options_.name);
    return Success();
  }
  const int64_t now = clock_.NowSeconds();
  const std::string xml = RenderTextReplyXml(message.conversation.user_id, account, now, text);
  if (options_.mode == SecurityMode::kPlain) return XmlResponse(xml);

  auto random16 = SecureRandom16();
  auto nonce = SecureRandomNonce();
  if (!random16.ok() || !nonce.ok()) {
    Log()->error("channel {}: passive reply dropped: no randomness", options_.name);
    return Success();
  }
  auto body = RenderEncryptedReply(*crypt_, xml, std::to_string(now), *nonce, *random16);
  if (!body.ok()) {
    Log()->error("channel {}: passive reply dropped: {}", options_.name, body.status().ToString());
    return Success();
  }
  return XmlResponse(std::move(body).value());
}

SendResult WechatMpAdapter::Send(const OutboundMessage& message) {
  if (message.kind != OutboundKind::kText) return SendResult::Sent();  // nothing to answer
  if (message.to.user_id.empty()) return SendResult::Permanent("no recipient");
  const std::string text = RenderText({message});
  if (text.empty()) return SendResult::Permanent("empty message");
  SendResult result = PostWithToken(
      http_, tokens_, options_.api_base + "/cgi-bin/message/custom/send?access_token=",
      RenderCustomSendJson(message.to.user_id, text), OfficialAccountPolicy());
  if (result.outcome == SendResult::Outcome::kSent) {
    // Every delivered customer-service message uses the user's 48 h / 5-message quota.
    result.counted_in_window = true;
    Log()->debug("channel {}: customer-service message sent", options_.name);
  } else {
    Log()->warn("channel {}: customer-service send {}: {}", options_.name,
                OutcomeName(result.outcome), result.error);
  }
  return result;
}

StatusOr<std::unique_ptr<Adapter>> CreateWechatMpAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(WechatMpOptions options, WechatMpOptionsFromConfig(channel));
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<WechatMpAdapter> adapter,
                         WechatMpAdapter::Create(std::move(options), deps.clock, deps.http));
  return std::unique_ptr<Adapter>(std::move(adapter));
}

}  // namespace linli::adapters::wechat
