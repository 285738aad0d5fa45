#include "adapters/wechat/wechat_mp_adapter.h"

#include "adapters/wechat/wechat_media.h"
#include "adapters/wechat/wechat_probe.h"

#include <algorithm>
#include <utility>

#include "bot/json.h"
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

constexpr char kTemplatePrefix[] = "template_";
constexpr char kFieldsSuffix[] = "_fields";
constexpr size_t kMaxTemplateValueBytes = 200;

bool IsKeyChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '.' || c == '-';
}

bool IsKey(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsKeyChar); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "template_<kind>" and "template_<kind>_fields" pairs of the channel (see the header).
StatusOr<std::map<std::string, NoticeTemplate>> TemplatesFromConfig(
    const config::ChannelConfig& channel) {
  std::map<std::string, NoticeTemplate> out;
  for (const auto& [key, value] : channel.fields) {
    if (key.rfind(kTemplatePrefix, 0) != 0) continue;
    const std::string_view rest = std::string_view(key).substr(sizeof(kTemplatePrefix) - 1);
    if (EndsWith(rest, kFieldsSuffix)) {
      const std::string kind(rest.substr(0, rest.size() - (sizeof(kFieldsSuffix) - 1)));
      if (!IsKey(kind)) return FieldError(channel.name, key, "no notice kind in the name");
      if (channel.Field(std::string(kTemplatePrefix) + kind).empty()) {
        return FieldError(channel.name, std::string(kTemplatePrefix) + kind,
                          "missing (" + key + " is set)");
      }
      auto mapping = ParseTemplateFieldMapping(value);
      if (!mapping.ok()) return FieldError(channel.name, key, mapping.status().message());
      out[kind].fields = std::move(mapping).value();
    } else {
      const std::string kind(rest);
      if (!IsKey(kind)) return FieldError(channel.name, key, "no notice kind in the name");
      if (value.empty()) return FieldError(channel.name, key, "empty template id");
      if (!IsKey(value)) {
        return FieldError(channel.name, key, "template id must be [A-Za-z0-9_.-]+");
      }
      const std::string fields_key = key + kFieldsSuffix;
      if (channel.Field(fields_key).empty()) {
        return FieldError(channel.name, fields_key,
                          "missing (template data mapping such as keyword1=number,remark=note)");
      }
      out[kind].template_id = value;
    }
  }
  return out;
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

StatusOr<std::vector<std::pair<std::string, std::string>>> ParseTemplateFieldMapping(
    std::string_view mapping) {
  std::vector<std::pair<std::string, std::string>> out;
  if (Trim(mapping).empty()) return Status::InvalidArgument("empty mapping");
  size_t start = 0;
  while (start <= mapping.size()) {
    size_t comma = mapping.find(',', start);
    if (comma == std::string_view::npos) comma = mapping.size();
    const std::string_view item = Trim(mapping.substr(start, comma - start));
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("item " + std::to_string(out.size() + 1) +
                                     " is not key=field (use keyword1=number,remark=note)");
    }
    const std::string_view key = Trim(item.substr(0, eq));
    const std::string_view field = Trim(item.substr(eq + 1));
    if (!IsKey(key) || !IsKey(field)) {
      return Status::InvalidArgument("item " + std::to_string(out.size() + 1) +
                                     ": key and field must be [A-Za-z0-9_.-]+");
    }
    for (const auto& [k, f] : out) {
      if (k == key) return Status::InvalidArgument("template key " + std::string(key) + " twice");
    }
    out.emplace_back(std::string(key), std::string(field));
    start = comma + 1;
  }
  return out;
}

// The open customer-service window with quota left, if any: the message window (5 in 48 h)
// first, then the event window (3 in 1 minute). A contact time in the future counts as now.
WindowUse OpenCustomerServiceWindow(const ContactWindow& window, int64_t now_ms) {
  auto open = [now_ms](int64_t at, int sends, int64_t span, int quota) {
    return at > 0 && std::max<int64_t>(0, now_ms - at) < span && sends < quota;
  };
  if (open(window.last_message_ms, window.message_sends, kMessageWindowMs, kMessageWindowSends)) {
    return WindowUse::kMessage;
  }
  if (open(window.last_event_ms, window.event_sends, kEventWindowMs, kEventWindowSends)) {
    return WindowUse::kEvent;
  }
  return WindowUse::kNone;
}

bool CustomerServiceWindowOpen(const ContactWindow& window, int64_t now_ms) {
  return OpenCustomerServiceWindow(window, now_ms) != WindowUse::kNone;
}

SendRoute ChooseSendRoute(const ContactWindow& window, int64_t now_ms, bool has_template) {
  if (CustomerServiceWindowOpen(window, now_ms)) {
    return SendRoute::kCustomerService;
  }
  return has_template ? SendRoute::kTemplate : SendRoute::kDeferred;
}

std::string RenderTemplateSendJson(std::string_view touser, const NoticeTemplate& tmpl,
                                   const std::map<std::string, std::string>& notice_fields,
                                   std::string_view client_msg_id) {
  nlohmann::json data = nlohmann::json::object();
  for (const auto& [key, field] : tmpl.fields) {
    auto it = notice_fields.find(field);
    const std::string value = it == notice_fields.end() ? std::string() : it->second;
    data[key] = {{"value", TruncateUtf8(SanitizeText(value), kMaxTemplateValueBytes)}};
  }
  nlohmann::json body = {
      {"touser", std::string(touser)},
      {"template_id", tmpl.template_id},
      {"data", std::move(data)},
  };
  const bool printable = std::all_of(client_msg_id.begin(), client_msg_id.end(),
                                     [](char c) { return c > 0x20 && c < 0x7f; });
  if (!client_msg_id.empty() && client_msg_id.size() <= 64 && printable) {
    body["client_msg_id"] = std::string(client_msg_id);
  }
  return DumpJson(body);
}

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
  // Read by the resident's page (web/me_channels.h): the web-authorization host.
  if (const std::string& oauth = channel.Field("oauth_base");
      !oauth.empty() && oauth.rfind("https://", 0) != 0 && oauth.rfind("http://", 0) != 0) {
    return FieldError(channel.name, "oauth_base", "must start with https:// or http://");
  }
  LINLI_ASSIGN_OR_RETURN(o.templates, TemplatesFromConfig(channel));
  o.menu = channel.menu;
  o.menu_commands = MenuCommands(channel.menu);
  for (const auto& [field, value] : channel.fields) {
    if (field.rfind("menu_", 0) != 0) continue;
    if (field.size() == 5 || value.empty()) {
      return FieldError(channel.name, field, "a menu entry needs a key and a command");
    }
    auto [it, inserted] = o.menu_commands.emplace(field.substr(5), value);
    if (!inserted && it->second != value) {
      return FieldError(channel.name, field,
                        "the key is a button of the channel's menu, which runs another command");
    }
  }
  return o;
}

StatusOr<std::unique_ptr<WechatMpAdapter>> WechatMpAdapter::Create(WechatMpOptions options,
                                                                   Clock& clock, HttpClient& http,
                                                                   TokenStore* shared_tokens) {
  std::optional<MsgCrypt> crypt;
  if (options.mode != SecurityMode::kPlain) {
    auto c = MsgCrypt::Create(options.token, options.encoding_aes_key, options.app_id);
    if (!c.ok()) {
      return FieldError(options.name, "encoding_aes_key", "must be 43 characters of [A-Za-z0-9]");
    }
    crypt = std::move(c).value();
  }
  return std::unique_ptr<WechatMpAdapter>(
      new WechatMpAdapter(std::move(options), std::move(crypt), clock, http, shared_tokens));
}

WechatMpAdapter::WechatMpAdapter(WechatMpOptions options, std::optional<MsgCrypt> crypt,
                                 Clock& clock, HttpClient& http, TokenStore* shared_tokens)
    : options_(std::move(options)),
      crypt_(std::move(crypt)),
      clock_(clock),
      http_(http),
      tokens_(clock, http,
              options_.api_base + "/cgi-bin/token?grant_type=client_credential&appid=" +
                  PercentEncode(options_.app_id) +
                  "&secret=" + PercentEncode(options_.app_secret),
              {-1, 45009, 45011}, shared_tokens, options_.name) {}

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
  if (!TimestampWithinSkew(timestamp, clock_.NowSeconds())) {
    return Status::Unauthenticated("timestamp more than 300 s from now");
  }
  const bool signature_ok =
      !signature.empty() &&
      SignatureMatches(Sha1Signature({options_.token, timestamp, nonce}), signature);

  std::string plaintext;
  bool authenticated_body = false;
  if (options_.mode == SecurityMode::kSafe && !encrypted_request) {
    return Status::Unauthenticated("safe mode requires encrypt_type=aes");
  }
  // Compatible mode reads only the encrypted part: its plaintext copy is covered by nothing
  // but `signature`, which a captured request lets anyone reuse with another body.
  if (options_.mode == SecurityMode::kCompatible && !encrypted_request) {
    return Status::Unauthenticated("compatible mode requires encrypt_type=aes");
  }
  if (options_.mode != SecurityMode::kPlain) {
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
    // Plain mode: only `signature`, which does not cover the body (unauthenticated beyond
    // the token; see the header).
    if (!signature_ok) return Status::Unauthenticated("bad signature");
    plaintext = request.body;
  }

  LINLI_ASSIGN_OR_RETURN(ParsedInbound parsed, ParseInboundXml(plaintext, options_.name));
  LearnAccountId(parsed.to_user, authenticated_body);
  WebhookResult result;
  if (parsed.message) {
    result.message = std::move(parsed.message);
    MapMenuClick(options_.menu_commands, *result.message);
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

const NoticeTemplate* WechatMpAdapter::TemplateFor(const OutboundMessage& message) const {
  if (message.notice.empty()) return nullptr;
  auto it = options_.templates.find(message.notice);
  return it == options_.templates.end() ? nullptr : &it->second;
}

SendResult WechatMpAdapter::Send(const OutboundMessage& message) {
  if (message.kind != OutboundKind::kText) return SendResult::Sent();  // nothing to answer
  if (message.to.user_id.empty()) return SendResult::Permanent("no recipient");
  const std::string text = RenderText({message});
  const NoticeTemplate* tmpl = TemplateFor(message);
  if (text.empty() && tmpl == nullptr) return SendResult::Permanent("empty message");

  switch (ChooseSendRoute(message.window, clock_.NowMillis(), tmpl != nullptr)) {
    case SendRoute::kCustomerService: {
      if (text.empty()) return SendTemplate(message, *tmpl);
      SendResult result = SendCustomerService(message, text);
      // 45015/45047: the platform says the window is closed after all (clock drift, sends
      // by another tool on the account). A template can still reach the user.
      if (result.outcome == SendResult::Outcome::kDeferred && tmpl != nullptr) {
        return SendTemplate(message, *tmpl);
      }
      return result;
    }
    case SendRoute::kTemplate:
      return SendTemplate(message, *tmpl);
    case SendRoute::kDeferred:
      break;
  }
  Log()->debug("channel {}: customer-service window closed and no template; deferred",
               options_.name);
  return SendResult::Deferred(message.notice.empty()
                                  ? "customer-service window closed"
                                  : "customer-service window closed; no template for notice " +
                                        TruncateUtf8(SanitizeText(message.notice), 64));
}

SendResult WechatMpAdapter::SendCustomerService(const OutboundMessage& message,
                                                const std::string& text) {
  SendResult result = PostWithToken(
      http_, tokens_, options_.api_base + "/cgi-bin/message/custom/send?access_token=",
      RenderCustomSendJson(message.to.user_id, text), OfficialAccountPolicy());
  if (result.outcome == SendResult::Outcome::kSent) {
    // Every delivered customer-service message uses the quota of the window it went in.
    result.window_use = OpenCustomerServiceWindow(message.window, clock_.NowMillis());
    Log()->debug("channel {}: customer-service message sent", options_.name);
  } else {
    Log()->warn("channel {}: customer-service send {}: {}", options_.name,
                OutcomeName(result.outcome), result.error);
  }
  return result;
}

SendResult WechatMpAdapter::SendTemplate(const OutboundMessage& message,
                                         const NoticeTemplate& tmpl) {
  SendResult result = PostWithToken(
      http_, tokens_, options_.api_base + "/cgi-bin/message/template/send?access_token=",
      RenderTemplateSendJson(message.to.user_id, tmpl, message.notice_fields,
                             message.idempotency_key),
      OfficialAccountPolicy());
  result.window_use = WindowUse::kNone;  // templates are outside the customer-service quota
  if (result.outcome == SendResult::Outcome::kSent) {
    Log()->debug("channel {}: template message sent", options_.name);
  } else {
    Log()->warn("channel {}: template send {}: {}", options_.name, OutcomeName(result.outcome),
                result.error);
  }
  return result;
}

ProbeResult WechatMpAdapter::Probe(const ProbeRequest& request) {
  return JudgeTokenFetch(tokens_.FetchNow(), request.webhook_url);
}

SendResult WechatMpAdapter::PushMenu(ApiReply* reply) {
  if (options_.menu.empty()) return SendResult::Permanent("no menu in the config");
  return PostWithToken(http_, tokens_, options_.api_base + "/cgi-bin/menu/create?access_token=",
                       RenderMenuCreateJson(options_.menu), OfficialAccountPolicy(), reply);
}

StatusOr<std::vector<LiveMenuButton>> WechatMpAdapter::FetchMenu() {
  ApiReply reply;
  std::string body;
  SendResult result =
      GetWithToken(http_, tokens_, options_.api_base + "/cgi-bin/menu/get?access_token=",
                   OfficialAccountPolicy(), &reply, &body);
  if (result.outcome != SendResult::Outcome::kSent && reply.errcode == 0) {
    return Status::Unavailable("menu/get: " + result.error);
  }
  return ParseMenuGetJson(body);
}

MediaFetchResult WechatMpAdapter::FetchMedia(const MediaFetchRequest& request) {
  return FetchTemporaryMedia(http_, tokens_, options_.api_base, request.ref,
                             OfficialAccountPolicy(), "wechat media/get");
}

StatusOr<std::unique_ptr<Adapter>> CreateWechatMpAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps) {
  LINLI_ASSIGN_OR_RETURN(WechatMpOptions options, WechatMpOptionsFromConfig(channel));
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<WechatMpAdapter> adapter,
                         WechatMpAdapter::Create(std::move(options), deps.clock, deps.http,
                                                 deps.tokens));
  return std::unique_ptr<Adapter>(std::move(adapter));
}

}  // namespace linli::adapters::wechat
