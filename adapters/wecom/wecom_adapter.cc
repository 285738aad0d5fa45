#include "adapters/wecom/wecom_adapter.h"

#include "adapters/wechat/wechat_media.h"
#include "adapters/wechat/wechat_probe.h"

#include <charconv>
#include <utility>

#include "adapters/wechat/wechat_log.h"
#include "adapters/wechat/wechat_mp_codec.h"
#include "adapters/wechat/wechat_xml.h"
#include "adapters/wecom/wecom_codec.h"

namespace linli::adapters::wecom {

namespace {

std::shared_ptr<spdlog::logger> Log() {
  static const auto logger = wechat::ModuleLogger("wecom");
  return logger;
}

Status FieldError(const std::string& channel, const std::string& field, const std::string& what) {
  return Status::InvalidArgument("channels[" + channel + "]." + field + ": " + what);
}

HttpResponse Empty() { return HttpResponse::Text(200, ""); }

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

StatusOr<WecomAppOptions> WecomAppOptionsFromConfig(const config::ChannelConfig& channel) {
  WecomAppOptions o;
  o.name = channel.name;
  for (const char* field : {"corp_id", "agent_id", "secret", "token", "encoding_aes_key"}) {
    if (channel.Field(field).empty()) return FieldError(channel.name, field, "missing");
  }
  o.corp_id = channel.Field("corp_id");
  o.secret = channel.Field("secret");
  o.token = channel.Field("token");

  const std::string& agent = channel.Field("agent_id");
  auto [ptr, ec] = std::from_chars(agent.data(), agent.data() + agent.size(), o.agent_id);
  if (ec != std::errc() || ptr != agent.data() + agent.size() || o.agent_id <= 0) {
    return FieldError(channel.name, "agent_id", "must be a positive integer");
  }

  o.encoding_aes_key = channel.Field("encoding_aes_key");
  if (!wechat::IsValidEncodingAesKey(o.encoding_aes_key)) {
    return FieldError(channel.name, "encoding_aes_key", "must be 43 characters of [A-Za-z0-9]");
  }

  std::string base = !channel.api_base.empty() ? channel.api_base : channel.Field("api_base");
  if (!base.empty()) {
    if (base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0) {
      return FieldError(channel.name, "api_base", "must start with https:// or http://");
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    o.api_base = std::move(base);
  }
  o.menu = channel.menu;
  o.menu_commands = wechat::MenuCommands(channel.menu);
  return o;
}

StatusOr<std::unique_ptr<WecomAppAdapter>> WecomAppAdapter::Create(WecomAppOptions options,
                                                                   Clock& clock, HttpClient& http,
                                                                   TokenStore* shared_tokens) {
  auto crypt = wechat::MsgCrypt::Create(options.token, options.encoding_aes_key, options.corp_id);
  if (!crypt.ok()) {
    return FieldError(options.name, "encoding_aes_key", "must be 43 characters of [A-Za-z0-9]");
  }
  return std::unique_ptr<WecomAppAdapter>(
      new WecomAppAdapter(std::move(options), std::move(crypt).value(), clock, http,
                          shared_tokens));
}

WecomAppAdapter::WecomAppAdapter(WecomAppOptions options, wechat::MsgCrypt crypt, Clock& clock,
                                 HttpClient& http, TokenStore* shared_tokens)
    : options_(std::move(options)),
      crypt_(std::move(crypt)),
      clock_(clock),
      http_(http),
      tokens_(clock, http,
              options_.api_base + "/cgi-bin/gettoken?corpid=" + PercentEncode(options_.corp_id) +
                  "&corpsecret=" + PercentEncode(options_.secret),
              /*retry_errcodes=*/{-1, 45009, 45033}, shared_tokens, options_.name) {}

StatusOr<WebhookResult> WecomAppAdapter::ParseWebhook(const HttpRequest& request) {
  if (request.method == "GET") return VerifyUrl(request);
  if (request.method == "POST") return HandlePost(request);
  return Status::NotFound("method not supported");
}

StatusOr<WebhookResult> WecomAppAdapter::VerifyUrl(const HttpRequest& request) const {
  const std::string& msg_signature = request.Query("msg_signature");
  const std::string& timestamp = request.Query("timestamp");
  const std::string& nonce = request.Query("nonce");
  const std::string& echostr = request.Query("echostr");
  if (msg_signature.empty() || timestamp.empty() || nonce.empty()) {
    return Status::Unauthenticated("missing msg_signature");
  }
  if (echostr.empty()) return Status::InvalidArgument("missing echostr");
  if (!crypt_.VerifySignature(msg_signature, timestamp, nonce, echostr)) {
    return Status::Unauthenticated("bad msg_signature");
  }
  LINLI_ASSIGN_OR_RETURN(std::string plain, crypt_.Decrypt(echostr));
  WebhookResult result;
  result.immediate = HttpResponse::Text(200, std::move(plain));
  return result;
}

StatusOr<WebhookResult> WecomAppAdapter::HandlePost(const HttpRequest& request) const {
  const std::string& msg_signature = request.Query("msg_signature");
  const std::string& timestamp = request.Query("timestamp");
  const std::string& nonce = request.Query("nonce");
  if (msg_signature.empty() || timestamp.empty() || nonce.empty()) {
    return Status::Unauthenticated("missing msg_signature");
  }
  if (!wechat::TimestampWithinSkew(timestamp, clock_.NowSeconds())) {
    return Status::Unauthenticated("timestamp more than 300 s from now");
  }
  LINLI_ASSIGN_OR_RETURN(auto outer, wechat::ParseFlatXml(request.body));
  auto it = outer.find("Encrypt");
  if (it == outer.end() || it->second.empty()) {
    return Status::InvalidArgument("xml: missing Encrypt");
  }
  if (!crypt_.VerifySignature(msg_signature, timestamp, nonce, it->second)) {
    return Status::Unauthenticated("bad msg_signature");
  }
  LINLI_ASSIGN_OR_RETURN(std::string plain, crypt_.Decrypt(it->second));
  LINLI_ASSIGN_OR_RETURN(wechat::ParsedInbound parsed,
                         wechat::ParseInboundXml(plain, options_.name));
  WebhookResult result;
  if (parsed.message) {
    result.message = std::move(parsed.message);
    wechat::MapMenuClick(options_.menu_commands, *result.message);
  } else {
    result.immediate = Empty();
  }
  return result;
}

HttpResponse WecomAppAdapter::RenderAck(const InboundMessage& message,
                                        const std::vector<OutboundMessage>& replies) {
  const std::string text = wechat::RenderText(replies);
  if (text.empty() || message.conversation.user_id.empty()) return Empty();
  const int64_t now = clock_.NowSeconds();
  const std::string xml = RenderReplyXml(message.conversation.user_id, options_.corp_id, now, text);
  auto random16 = wechat::SecureRandom16();
  auto nonce = wechat::SecureRandomNonce();
  if (!random16.ok() || !nonce.ok()) {
    Log()->error("channel {}: passive reply dropped: no randomness", options_.name);
    return Empty();
  }
  auto body = wechat::RenderEncryptedReply(crypt_, xml, std::to_string(now), *nonce, *random16);
  if (!body.ok()) {
    Log()->error("channel {}: passive reply dropped: {}", options_.name, body.status().ToString());
    return Empty();
  }
  HttpResponse r;
  r.status = 200;
  r.content_type = "application/xml; charset=utf-8";
  r.body = std::move(body).value();
  return r;
}

SendResult WecomAppAdapter::Send(const OutboundMessage& message) {
  if (message.kind != OutboundKind::kText) return SendResult::Sent();  // nothing to answer
  if (!IsSingleRecipient(message.to.user_id)) {
    return SendResult::Permanent("recipient is not a single member UserID");
  }
  const std::string text = wechat::RenderText({message});
  if (text.empty()) return SendResult::Permanent("empty message");
  wechat::ApiReply reply;
  SendResult result = wechat::PostWithToken(
      http_, tokens_, options_.api_base + "/cgi-bin/message/send?access_token=",
      RenderAppSendJson(message.to.user_id, options_.agent_id, text), WecomPolicy(), &reply);
  if (result.outcome == SendResult::Outcome::kSent && !reply.invaliduser.empty()) {
    // errcode 0, but the member is not in the app's visible range (or does not exist).
    result = SendResult::Permanent("recipient not reachable (invaliduser)");
  }
  if (result.outcome == SendResult::Outcome::kSent) {
    Log()->debug("channel {}: app message sent", options_.name);
  } else {
    Log()->warn("channel {}: app message send {}: {}", options_.name, OutcomeName(result.outcome),
                result.error);
  }
  return result;
}

MediaFetchResult WecomAppAdapter::FetchMedia(const MediaFetchRequest& request) {
  return wechat::FetchTemporaryMedia(http_, tokens_, options_.api_base, request.ref, WecomPolicy(),
                                     "wecom media/get");
}

ProbeResult WecomAppAdapter::Probe(const ProbeRequest& request) {
  return wechat::JudgeTokenFetch(tokens_.FetchNow(), request.webhook_url);
}

SendResult WecomAppAdapter::PushMenu(wechat::ApiReply* reply) {
  if (options_.menu.empty()) return SendResult::Permanent("no menu in the config");
  return wechat::PostWithToken(
      http_, tokens_,
      options_.api_base + "/cgi-bin/menu/create?agentid=" + std::to_string(options_.agent_id) +
          "&access_token=",
      wechat::RenderMenuCreateJson(options_.menu), WecomPolicy(), reply);
}

StatusOr<std::vector<wechat::LiveMenuButton>> WecomAppAdapter::FetchMenu() {
  wechat::ApiReply reply;
  std::string body;
  SendResult result = wechat::GetWithToken(
      http_, tokens_,
      options_.api_base + "/cgi-bin/menu/get?agentid=" + std::to_string(options_.agent_id) +
          "&access_token=",
      WecomPolicy(), &reply, &body);
  if (result.outcome != SendResult::Outcome::kSent && reply.errcode == 0) {
    return Status::Unavailable("menu/get: " + result.error);
  }
  return wechat::ParseMenuGetJson(body);
}

StatusOr<std::unique_ptr<Adapter>> CreateWecomAppAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(WecomAppOptions options, WecomAppOptionsFromConfig(channel));
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<WecomAppAdapter> adapter,
                         WecomAppAdapter::Create(std::move(options), deps.clock, deps.http,
                                                 deps.tokens));
  return std::unique_ptr<Adapter>(std::move(adapter));
}

}  // namespace linli::adapters::wecom
