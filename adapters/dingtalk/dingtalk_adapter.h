// DingTalk app robot (config type "dingtalk_bot"), HTTP callback mode
// (../shared/protocols/dingtalk.md §3): callbacks in, sessionWebhook or robot OpenAPI out.
// Thin I/O around dingtalk_codec and dingtalk_sign.
//
// Config fields (channels[] entry):
//   app_key                 required; the app's AppKey (also the default robot code)
//   app_secret              required; signs callbacks and fetches the access token
//   robot_code              optional, default app_key
//   api_base                default https://api.dingtalk.com (robot OpenAPI and token)
//   session_webhook_prefix  optional, default https://oapi.dingtalk.com/ : a callback's
//                           sessionWebhook is used only if it starts with this, so a forged
//                           body cannot make the service POST elsewhere
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/dingtalk/dingtalk_sign.h"
#include "adapters/registry.h"
#include "bot/token_cache.h"
#include "bot/token_store.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "config/config.h"

namespace linli::adapters::dingtalk {

inline constexpr char kDingTalkBotType[] = "dingtalk_bot";
inline constexpr char kDefaultDingTalkApiBase[] = "https://api.dingtalk.com";
inline constexpr char kDefaultSessionWebhookPrefix[] = "https://oapi.dingtalk.com/";

struct DingTalkOptions {
  std::string name;  // channel name
  std::string app_key;
  std::string app_secret;
  std::string robot_code;                          // defaults to app_key
  std::string api_base = kDefaultDingTalkApiBase;  // without a trailing '/'
  std::string session_webhook_prefix = kDefaultSessionWebhookPrefix;
};

// Reads and validates a channel's fields. kInvalidArgument naming channel and field, e.g.
// "channels[dd].app_secret: missing".
StatusOr<DingTalkOptions> DingTalkOptionsFromConfig(const config::ChannelConfig& channel);

// The sessionWebhook of each conversation seen recently, keyed by conversationId. In memory
// only: after a restart (or once an entry expires or is evicted) replies go through the robot
// OpenAPI instead, which needs no per-conversation state. Bounded: at `capacity` entries the
// expired ones are dropped, then the one expiring soonest. Thread-safe.
class SessionWebhookStore {
 public:
  explicit SessionWebhookStore(size_t capacity) : capacity_(capacity) {}
  SessionWebhookStore(const SessionWebhookStore&) = delete;
  SessionWebhookStore& operator=(const SessionWebhookStore&) = delete;

  void Put(const std::string& conversation_id, std::string url, int64_t expires_ms, int64_t now_ms);
  // The URL if known and valid for at least `margin_ms` more.
  std::optional<std::string> Get(const std::string& conversation_id, int64_t now_ms,
                                 int64_t margin_ms) const;
  void Erase(const std::string& conversation_id);
  size_t size() const;

 private:
  struct Entry {
    std::string url;
    int64_t expires_ms = 0;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

class DingTalkAdapter final : public Adapter {
 public:
  // Largest accepted |now - timestamp header| (dingtalk.md §3).
  static constexpr int64_t kMaxSkewMs = 60 * 60 * 1000;
  static constexpr size_t kReplayCacheCapacity = 100000;
  static constexpr size_t kSessionCapacity = 10000;
  // A sessionWebhook is not used in its last seconds (the send itself takes time).
  static constexpr int64_t kSessionMarginMs = 10 * 1000;
  static constexpr int64_t kTokenRefreshMarginMs = 5 * 60 * 1000;
  // DingTalk blocks a robot that exceeds 20 messages/min (errcode 130101).
  static constexpr std::chrono::milliseconds kRateLimitDelay{60 * 1000};

  // The kind of token in the TokenStore.
  static constexpr char kTokenKind[] = "access_token";

  // `clock`, `http` and `shared_tokens` (optional: the accessToken shared with the other
  // instances, bot/token_store.h) are borrowed and must outlive the adapter.
  DingTalkAdapter(DingTalkOptions options, Clock& clock, HttpClient& http,
                  TokenStore* shared_tokens = nullptr);

  const std::string& name() const override { return options_.name; }
  std::string type() const override { return kDingTalkBotType; }

  // POST only (else kNotFound). kUnauthenticated: missing/malformed `timestamp` or `sign`
  // headers, |now - timestamp| > 1 h, a wrong sign, or a (timestamp, sign) pair already
  // accepted by this process with another body (replay; the same body is a redelivery and
  // passes). kInvalidArgument: malformed or too deep JSON, missing ids. Stores the
  // conversation's sessionWebhook for Send. The message carries a ReplayClaim
  // (bot/replay_claim.h: key "<timestamp>\n<sign>", the body's SHA-256, expiry timestamp +
  // 1 h) that the router records in the turn's transaction, so a replay with another body is
  // refused (401) after a restart too. The sign depends on the timestamp and the secret only:
  // two callbacks of one robot in the same millisecond share a pair and cannot be told from a
  // replay - the second is refused; robots with their own secrets (channels) never collide.
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;

  // DingTalk's docs do not confirm replies in the HTTP response, so none: replies go through
  // the outbox.
  bool passive_replies() const override { return false; }
  // Always 200 "{}" (application/json).
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;

  // kText: the conversation's sessionWebhook while it is valid, else the robot OpenAPI
  // (group: groupMessages/send to openConversationId = to.chat_id; private:
  // oToMessages/batchSend to to.user_id). Errors in HTTP-200 bodies count: errcode 130101
  // (too fast) -> kRetry after 60 s, 310000 -> kPermanent; other sessionWebhook errors drop
  // the webhook and retry (through the OpenAPI). DingTalk has no idempotency key: a timeout
  // is kRetry and logged as a possible duplicate. kCallbackAnswer: no-op, kSent.
  // Thread-safe.
  SendResult Send(const OutboundMessage& message) override;
  // messageFiles/download for request.ref (the downloadCode) with robot_code, then the
  // download URL it returned (dingtalk_media.h).
  MediaFetchResult FetchMedia(const MediaFetchRequest& request) override;

  // A fresh accessToken fetch (dingtalk_codec.h JudgeAccessToken): app key and secret.
  ProbeResult Probe(const ProbeRequest& request) override;

  // For tests and diagnostics.
  const SessionWebhookStore& sessions() const { return sessions_; }

 private:
  SendResult SendViaSessionWebhook(const OutboundMessage& message, const std::string& url);
  SendResult SendViaOpenApi(const OutboundMessage& message);
  // A valid access token (bot/token_cache.h: fetched when none is cached or stored by another
  // instance, or it expires within the margin), after dropping `rejected` (a token the API
  // just refused; "" for none).
  StatusOr<std::string> AccessToken(const std::string& rejected);
  // The fetch itself; `probe` (optional) receives what it found.
  StatusOr<TokenCache::Fetched> FetchToken(ProbeResult* probe);
  SendResult TransportFailure(const Status& status, const char* path);

  const DingTalkOptions options_;
  Clock& clock_;
  HttpClient& http_;
  ReplayCache replays_;
  SessionWebhookStore sessions_;
  TokenCache tokens_;
};

// The registry's factory (adapters/registry.cc): validates the config and builds a DingTalkAdapter.
StatusOr<std::unique_ptr<Adapter>> CreateDingTalkAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps);

}  // namespace linli::adapters::dingtalk
