// WeChat Official Account (公众号) channel, type "wechat_mp".
//
// Config fields (channels[<name>]):
//   token             required; the URL-verification token set in the admin console
//   app_id            required; AppID (wx...), also the receive id checked after decryption
//   app_secret        required; used only to fetch the access_token
//   encoding_aes_key  43 chars of [A-Za-z0-9]; required in safe and compatible mode
//   mode              "safe" (default) | "compatible" | "plain" - plain only when written out,
//                     because its `signature` does not cover the body (SECURITY.md).
//                     PLAIN MODE IS UNAUTHENTICATED BEYOND THE TOKEN: `signature` is
//                     sha1(token, timestamp, nonce) and says nothing about the body, so anyone
//                     who sees one request (a proxy, a log) can send any message as any user
//                     for 5 minutes with its query string. `linli serve` warns at start for
//                     such a channel. Use it only to try things out.
//   api_base          default https://api.weixin.qq.com
//   menu              optional: the account's custom menu (config/config.h MenuButton; pushed
//                     by `linli wechat menu push`); its click keys map back to their
//                     commands like the menu_ keys below
//   menu_<EventKey>   optional: "<command>" for a CLICK key of a menu set elsewhere (the
//                     公众平台 editor); a key of `menu` must not map to another command here
//
// Inbound: GET answers the URL check (echostr, plain text); POST refuses a `timestamp` more
// than 300 s from the clock in either direction (every mode; WeChat's retries reuse the first
// timestamp, within seconds), then verifies `signature` (plain mode) or `msg_signature` over
// Encrypt (safe and compatible mode both require encrypt_type=aes and read ONLY the Encrypt
// element: compatible mode's plaintext copy is ignored), decrypts and checks the AppID, then
// maps the XML (wechat_mp_codec.h). Dedupe is by platform_message_id downstream. The GET
// check is not bounded in time: it only echoes the challenge and writes nothing.
//
// Replies are passive: RenderAck answers in the webhook response (encrypted in safe and
// compatible mode; "success" when there is nothing to say). The reply's FromUserName is the
// account's original id (gh_...), which is not in the config: the adapter learns it from the
// ToUserName of verified inbound messages (it is constant per account). A value learnt from
// an encrypted message is authenticated and wins over one from a plaintext body (which
// `signature` does not cover); a later mismatch is logged and ignored.
//
// Send decides the route BEFORE calling the API, from OutboundMessage::window and the clock
// (ChooseSendRoute; ../shared/protocols/wechat-official-account.md §6, §7):
//   - customer-service message (POST /cgi-bin/message/custom/send) while the user's window is
//     open: less than 48 h after a message and fewer than 5 counted sends since, or less than
//     1 minute after a click/follow/scan event and fewer than 3 sends; a delivered one is
//     marked with the window they used (the outbox counts the user's quota);
//   - otherwise a template message (POST /cgi-bin/message/template/send) when the message is a
//     notice and the channel configures a template for its kind (below); it does not count in
//     the window, and carries client_msg_id = the outbox idempotency key;
//   - otherwise kDeferred: the row waits in the outbox until the user's next contact.
// The platform's own 45015/45047 on a customer-service send are a safety net (clock drift,
// another sender on the account): the template is tried when there is one, else kDeferred.
// Other errcodes: -1/45009/45011, network and 5xx -> kRetry; token errors refetch once; the
// rest kPermanent.
//
// Templates (flat string fields of the channel, one pair per notice kind):
//   "template_<notice>":        the template id, e.g. "template_ticket_status": "TM00001"
//   "template_<notice>_fields": template data key = notice_fields key, comma-separated, e.g.
//                               "keyword1=number,keyword2=status,keyword3=time,remark=note"
// Both are required together; keys are [A-Za-z0-9_.-]+, each template key at most once.
// A notice field that is missing is sent as "" (values are sanitised, cut to 200 bytes).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/registry.h"
#include "adapters/wechat/wechat_crypto.h"
#include "adapters/wechat/wechat_menu.h"
#include "adapters/wechat/wechat_token.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "config/config.h"

namespace linli::adapters::wechat {

enum class SecurityMode { kSafe, kCompatible, kPlain };

// One template message for a notice kind.
struct NoticeTemplate {
  std::string template_id;
  // (template data key, notice_fields key), in config order.
  std::vector<std::pair<std::string, std::string>> fields;
};

// Parses "keyword1=number,keyword2=status" (spaces around items are allowed). Errors
// (kInvalidArgument) say what is wrong without the channel; the caller names it.
StatusOr<std::vector<std::pair<std::string, std::string>>> ParseTemplateFieldMapping(
    std::string_view mapping);

// How a push may go out now.
enum class SendRoute { kCustomerService, kTemplate, kDeferred };

// The customer-service window rules (§6): a message opens 5 sends for 48 h (open while
// now - last_contact < 48 h), a click/follow/scan event 3 sends for 1 minute; never
// contacted (last_contact_ms 0) = closed. A contact time in the future counts as "just now".
inline constexpr int64_t kMessageWindowMs = 48LL * 3600 * 1000;
inline constexpr int kMessageWindowSends = 5;
inline constexpr int64_t kEventWindowMs = 60LL * 1000;
inline constexpr int kEventWindowSends = 3;
// The window a customer-service message would use now: the message window if open with quota
// left, else the event window, else kNone. The two are independent.
WindowUse OpenCustomerServiceWindow(const ContactWindow& window, int64_t now_ms);
bool CustomerServiceWindowOpen(const ContactWindow& window, int64_t now_ms);
// Customer service if the window is open, else template if `has_template`, else deferred.
SendRoute ChooseSendRoute(const ContactWindow& window, int64_t now_ms, bool has_template);

// The template send body: {"touser","template_id","client_msg_id"?,"data":{key:{"value"}}}.
// client_msg_id is set when `client_msg_id` is non-empty printable ASCII of at most 64 chars.
std::string RenderTemplateSendJson(std::string_view touser, const NoticeTemplate& tmpl,
                                   const std::map<std::string, std::string>& notice_fields,
                                   std::string_view client_msg_id);

struct WechatMpOptions {
  std::string name;  // channel name
  std::string token;
  std::string app_id;
  std::string app_secret;
  std::string encoding_aes_key;  // empty only in plain mode
  SecurityMode mode = SecurityMode::kSafe;
  std::string api_base = "https://api.weixin.qq.com";  // no trailing '/'
  std::map<std::string, NoticeTemplate> templates;     // by notice kind
  // Custom-menu CLICK keys -> the command they run: the click buttons of `menu` and the
  // "menu_REPORT": "/report" fields of the channel config. A key without an entry is passed
  // on as it is (it may itself be a command).
  std::map<std::string, std::string> menu_commands;
  std::vector<config::MenuButton> menu;  // channels[].menu, for PushMenu
};

// Validates the channel's fields. Errors (kInvalidArgument) name channel and field, e.g.
// "channels[wx].encoding_aes_key: must be 43 characters of [A-Za-z0-9]"; never values.
StatusOr<WechatMpOptions> WechatMpOptionsFromConfig(const config::ChannelConfig& channel);

class WechatMpAdapter final : public Adapter {
 public:
  // Borrowed `clock`, `http` and `shared_tokens` (optional: the access_token shared with the
  // other instances, bot/token_store.h) outlive the adapter. Errors as
  // WechatMpOptionsFromConfig.
  static StatusOr<std::unique_ptr<WechatMpAdapter>> Create(WechatMpOptions options, Clock& clock,
                                                           HttpClient& http,
                                                           TokenStore* shared_tokens = nullptr);

  const std::string& name() const override { return options_.name; }
  std::string type() const override { return "wechat_mp"; }
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;
  bool passive_replies() const override { return true; }
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;
  SendResult Send(const OutboundMessage& message) override;
  // The MediaId of an inbound image: media/get (wechat_media.h), valid 3 days; 40007 after
  // that is kPermanent.
  MediaFetchResult FetchMedia(const MediaFetchRequest& request) override;

  // The account's original id learnt from inbound messages; empty before the first one.
  std::string account_id() const;

  // A fresh access-token fetch (wechat_probe.h JudgeTokenFetch): app id, secret and this
  // machine's IP. The callback URL cannot be read back: a note names the one to enter.
  ProbeResult Probe(const ProbeRequest& request) override;

  // Replaces the account's custom menu with options.menu (menu/create, wechat_menu.h).
  // kSent, or why not: kPermanent "no menu in the config" when the channel has none, else
  // PostWithToken's outcome (SendResult::error "errcode 40018 (invalid button name size)");
  // `reply` receives the platform's answer. Blocking; for the command line.
  SendResult PushMenu(ApiReply* reply = nullptr);
  // The account's menu as the platform holds it (menu/get). Errors: kUnavailable naming the
  // transport or token failure, kInvalidArgument for an error answer (DescribeReply's text,
  // e.g. errcode 46003 when no menu is set). Blocking; for the command line.
  StatusOr<std::vector<LiveMenuButton>> FetchMenu();

 private:
  WechatMpAdapter(WechatMpOptions options, std::optional<MsgCrypt> crypt, Clock& clock,
                  HttpClient& http, TokenStore* shared_tokens);

  StatusOr<WebhookResult> VerifyUrl(const HttpRequest& request) const;
  StatusOr<WebhookResult> HandlePost(const HttpRequest& request);
  void LearnAccountId(const std::string& to_user, bool authenticated);
  SendResult SendCustomerService(const OutboundMessage& message, const std::string& text);
  SendResult SendTemplate(const OutboundMessage& message, const NoticeTemplate& tmpl);
  const NoticeTemplate* TemplateFor(const OutboundMessage& message) const;

  const WechatMpOptions options_;
  const std::optional<MsgCrypt> crypt_;  // set unless mode is plain
  Clock& clock_;
  HttpClient& http_;
  AccessTokenCache tokens_;

  mutable std::mutex mu_;  // guards the account id
  std::string account_id_;
  bool account_id_authenticated_ = false;
};

// Registry factory for type "wechat_mp".
StatusOr<std::unique_ptr<Adapter>> CreateWechatMpAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps);

}  // namespace linli::adapters::wechat
