// WeChat Official Account (公众号) channel, type "wechat_mp".
//
// Config fields (channels[<name>]):
//   token             required; the URL-verification token set in the admin console
//   app_id            required; AppID (wx...), also the receive id checked after decryption
//   app_secret        required; used only to fetch the access_token
//   encoding_aes_key  43 chars of [A-Za-z0-9]; required in safe and compatible mode
//   mode              "safe" (default) | "compatible" | "plain" - plain only when written out,
//                     because its `signature` does not cover the body (SECURITY.md)
//   api_base          default https://api.weixin.qq.com
//
// Inbound: GET answers the URL check (echostr, plain text); POST verifies `signature`
// (plain, or compatible without encrypt_type) or `msg_signature` over Encrypt (safe requires
// encrypt_type=aes), decrypts and checks the AppID, then maps the XML (wechat_mp_codec.h).
// Timestamps are not checked for age: WeChat retries reuse them; dedupe is by
// platform_message_id downstream.
//
// Replies are passive: RenderAck answers in the webhook response (encrypted in safe and
// compatible mode; "success" when there is nothing to say). The reply's FromUserName is the
// account's original id (gh_...), which is not in the config: the adapter learns it from the
// ToUserName of verified inbound messages (it is constant per account). A value learnt from
// an encrypted message is authenticated and wins over one from a plaintext body (which
// `signature` does not cover); a later mismatch is logged and ignored.
//
// Send uses the customer-service API (POST /cgi-bin/message/custom/send) with the token from
// AccessTokenCache; errcode 45015/45047 -> kDeferred (outside the 48 h window / quota),
// -1/45009/45011, network and 5xx -> kRetry, token errors refetch once, others kPermanent.
// A delivered message is marked counted_in_window (the outbox counts the user's quota);
// OutboundMessage::window and notices are not consulted yet (template fallback is later).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "adapters/wechat/wechat_crypto.h"
#include "adapters/wechat/wechat_token.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "config/config.h"

namespace linli::adapters::wechat {

enum class SecurityMode { kSafe, kCompatible, kPlain };

struct WechatMpOptions {
  std::string name;  // channel name
  std::string token;
  std::string app_id;
  std::string app_secret;
  std::string encoding_aes_key;  // empty only in plain mode
  SecurityMode mode = SecurityMode::kSafe;
  std::string api_base = "https://api.weixin.qq.com";  // no trailing '/'
};

// Validates the channel's fields. Errors (kInvalidArgument) name channel and field, e.g.
// "channels[wx].encoding_aes_key: must be 43 characters of [A-Za-z0-9]"; never values.
StatusOr<WechatMpOptions> WechatMpOptionsFromConfig(const config::ChannelConfig& channel);

class WechatMpAdapter final : public Adapter {
 public:
  // Borrowed `clock` and `http` outlive the adapter. Errors as WechatMpOptionsFromConfig.
  static StatusOr<std::unique_ptr<WechatMpAdapter>> Create(WechatMpOptions options, Clock& clock,
                                                           HttpClient& http);

  const std::string& name() const override { return options_.name; }
  std::string type() const override { return "wechat_mp"; }
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;
  bool passive_replies() const override { return true; }
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;
  SendResult Send(const OutboundMessage& message) override;

  // The account's original id learnt from inbound messages; empty before the first one.
  std::string account_id() const;

 private:
  WechatMpAdapter(WechatMpOptions options, std::optional<MsgCrypt> crypt, Clock& clock,
                  HttpClient& http);

  StatusOr<WebhookResult> VerifyUrl(const HttpRequest& request) const;
  StatusOr<WebhookResult> HandlePost(const HttpRequest& request);
  void LearnAccountId(const std::string& to_user, bool authenticated);

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
