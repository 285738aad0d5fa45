// Feishu/Lark app bot (config type "feishu"): event subscription over HTTP in, im/v1 Open API
// out (../shared/protocols/feishu.md §2). Thin I/O around feishu_codec and feishu_crypto.
//
// Config fields (channels[] entry):
//   app_id, app_secret      required; used for tenant_access_token
//   verification_token      required; every event body must carry it (header.token / token)
//   encrypt_key             optional but recommended. With it, every event except the
//                           url_verification challenge must carry a valid X-Lark-Signature
//                           whose X-Lark-Request-Timestamp is within 5 minutes of the clock,
//                           and bodies are AES-encrypted. Without it, Feishu cannot sign, so
//                           the verification token in the body is the only check (no replay
//                           protection): a warning is logged at start-up.
//   api_base                default https://open.feishu.cn (https://open.larksuite.com for Lark)
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/feishu/feishu_codec.h"
#include "adapters/registry.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "bot/token_cache.h"
#include "bot/token_store.h"
#include "config/config.h"

namespace linli::adapters::feishu {

inline constexpr char kFeishuType[] = "feishu";
inline constexpr char kDefaultFeishuApiBase[] = "https://open.feishu.cn";

struct FeishuOptions {
  std::string name;  // channel name
  std::string app_id;
  std::string app_secret;
  std::string verification_token;
  std::string encrypt_key;
  std::string api_base = kDefaultFeishuApiBase;  // without a trailing '/'
};

// Reads and validates a channel's fields. kInvalidArgument naming channel and field, e.g.
// "channels[fs].app_secret: missing".
StatusOr<FeishuOptions> FeishuOptionsFromConfig(const config::ChannelConfig& channel);

class FeishuAdapter final : public Adapter {
 public:
  // Largest accepted |now - X-Lark-Request-Timestamp| (SECURITY.md).
  static constexpr int64_t kMaxSkewSeconds = 300;
  // A cached tenant_access_token is replaced this long before it expires.
  static constexpr int64_t kTokenRefreshMarginMs = 5 * 60 * 1000;

  // The kind of token in the TokenStore.
  static constexpr char kTokenKind[] = "tenant_access_token";

  // `clock`, `http` and `shared_tokens` (optional: the tenant token shared with the other
  // instances, bot/token_store.h) are borrowed and must outlive the adapter.
  FeishuAdapter(FeishuOptions options, Clock& clock, HttpClient& http,
                TokenStore* shared_tokens = nullptr);

  const std::string& name() const override { return options_.name; }
  std::string type() const override { return kFeishuType; }

  // POST only (else kNotFound). Answers url_verification with {"challenge"} and
  // acknowledges ignored events (other event types, v1 events, bot senders) with 200 "{}"
  // as `immediate`. kUnauthenticated: bad/missing signature (when an encrypt_key is set),
  // timestamp skew, wrong verification token, or any failure of an unsigned request when an
  // encrypt_key is set (one answer for all, so undecryptable input reveals nothing).
  // kInvalidArgument: malformed or too deeply nested JSON, bad ciphertext, missing ids.
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;

  bool passive_replies() const override { return false; }
  // Always 200 "{}" (application/json).
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;

  // kText: replies to message.reply_to when set (POST .../messages/{id}/reply), otherwise
  // posts into to.chat_id (receive_id_type=chat_id). The "uuid" (SendUuid) makes retries of the
  // same outbox row idempotent on Feishu's side (Feishu dedupes a uuid for about an hour), so
  // timeouts are retried safely. kCallbackAnswer: no-op (Feishu has none), kSent.
  // Outcomes: any non-zero "code" is an error even with HTTP 200; rate limits, 5xx, network
  // errors and timeouts -> kRetry; token invalid -> one refetch and resend, then kRetry;
  // other codes -> kPermanent. Thread-safe.
  SendResult Send(const OutboundMessage& message) override;
  // The message resource (feishu_media.h) by (request.message_id, request.ref = image_key);
  // an empty message_id is kPermanent.
  MediaFetchResult FetchMedia(const MediaFetchRequest& request) override;

  // A fresh tenant_access_token fetch (feishu_codec.h JudgeTenantToken): app id and secret.
  ProbeResult Probe(const ProbeRequest& request) override;

 private:
  // Returns a valid tenant_access_token (bot/token_cache.h: fetched when none is cached or
  // stored by another instance, or it expires within kTokenRefreshMarginMs), after dropping
  // `rejected` (a token the API just called invalid; "" for none). Concurrent senders wait
  // for one fetch.
  StatusOr<std::string> TenantToken(const std::string& rejected);
  // One fetch; `outcome` (optional) receives what the platform answered.
  StatusOr<TokenCache::Fetched> FetchToken(TokenOutcome* outcome);

  const FeishuOptions options_;
  Clock& clock_;
  HttpClient& http_;
  TokenCache tokens_;
};

// The registry's factory (adapters/registry.cc): validates the config and builds a FeishuAdapter.
StatusOr<std::unique_ptr<Adapter>> CreateFeishuAdapter(const config::ChannelConfig& channel,
                                                       const AdapterDeps& deps);

}  // namespace linli::adapters::feishu
