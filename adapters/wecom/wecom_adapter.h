// WeCom (企业微信) self-built app channel, type "wecom_app".
//
// Config fields (channels[<name>]):
//   corp_id           required; CorpID, also the receive id checked after every decryption
//   agent_id          required; the app's AgentId (integer)
//   secret            required; the app's Secret, used only to fetch the access_token
//   token             required; callback Token
//   encoding_aes_key  required; 43 chars of [A-Za-z0-9]
//   api_base          default https://qyapi.weixin.qq.com
//   menu              optional: the app's menu (config/config.h MenuButton; pushed by
//                     `linli wecom menu push`); a CLICK on one of its buttons runs the
//                     button's command (adapters/wechat/wechat_menu.h MapMenuClick)
//
// Inbound (always encrypted, protocols/wecom.md): GET verifies msg_signature over
// [token, timestamp, nonce, echostr], decrypts echostr, checks the CorpID and answers the
// plaintext (text/plain, no newline). POST refuses a `timestamp` more than 300 s from the
// clock in either direction (a captured request must not be replayable once the dedupe has
// forgotten it; retries reuse the first timestamp, within seconds), verifies msg_signature
// over Encrypt, decrypts, checks the CorpID and maps the XML like the Official Account
// (FromUserName = member UserID). The GET check is not bounded in time: it writes nothing.
// Replies are passive and encrypted (ToUserName = member, FromUserName = CorpID); nothing
// to say -> empty 200 body. Send uses POST /cgi-bin/message/send with duplicate check.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "adapters/wechat/wechat_crypto.h"
#include "adapters/wechat/wechat_menu.h"
#include "adapters/wechat/wechat_token.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "config/config.h"

namespace linli::adapters::wecom {

struct WecomAppOptions {
  std::string name;  // channel name
  std::string corp_id;
  int64_t agent_id = 0;
  std::string secret;
  std::string token;
  std::string encoding_aes_key;
  std::string api_base = "https://qyapi.weixin.qq.com";  // no trailing '/'
  std::vector<config::MenuButton> menu;                   // channels[].menu
  std::map<std::string, std::string> menu_commands;       // its click keys -> commands
};

// Validates the channel's fields. Errors (kInvalidArgument) name channel and field, e.g.
// "channels[wc].agent_id: must be a positive integer"; never values.
StatusOr<WecomAppOptions> WecomAppOptionsFromConfig(const config::ChannelConfig& channel);

class WecomAppAdapter final : public Adapter {
 public:
  // Borrowed `clock`, `http` and `shared_tokens` (optional: the access_token shared with the
  // other instances, bot/token_store.h) outlive the adapter.
  static StatusOr<std::unique_ptr<WecomAppAdapter>> Create(WecomAppOptions options, Clock& clock,
                                                           HttpClient& http,
                                                           TokenStore* shared_tokens = nullptr);

  const std::string& name() const override { return options_.name; }
  std::string type() const override { return "wecom_app"; }
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;
  bool passive_replies() const override { return true; }
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;
  SendResult Send(const OutboundMessage& message) override;
  // The MediaId of an inbound image: media/get (adapters/wechat/wechat_media.h), valid 3 days.
  MediaFetchResult FetchMedia(const MediaFetchRequest& request) override;

  // A fresh gettoken (adapters/wechat/wechat_probe.h JudgeTokenFetch): corp id and secret.
  ProbeResult Probe(const ProbeRequest& request) override;
  // The app's menu replaced by options.menu (menu/create?agentid=, wechat_menu.h); as
  // WechatMpAdapter::PushMenu. Blocking; for the command line.
  SendResult PushMenu(wechat::ApiReply* reply = nullptr);
  // The app's menu as WeCom holds it (menu/get?agentid=); errors as
  // WechatMpAdapter::FetchMenu. Blocking; for the command line.
  StatusOr<std::vector<wechat::LiveMenuButton>> FetchMenu();

 private:
  WecomAppAdapter(WecomAppOptions options, wechat::MsgCrypt crypt, Clock& clock, HttpClient& http,
                  TokenStore* shared_tokens);

  StatusOr<WebhookResult> VerifyUrl(const HttpRequest& request) const;
  StatusOr<WebhookResult> HandlePost(const HttpRequest& request) const;

  const WecomAppOptions options_;
  const wechat::MsgCrypt crypt_;
  Clock& clock_;
  HttpClient& http_;
  wechat::AccessTokenCache tokens_;
};

// Registry factory for type "wecom_app".
StatusOr<std::unique_ptr<Adapter>> CreateWecomAppAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps);

}  // namespace linli::adapters::wecom
