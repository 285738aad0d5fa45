// The platform seam: one Adapter per configured channel. An adapter verifies and parses
// inbound webhooks into InboundMessage, renders the HTTP acknowledgement (which carries the
// replies on platforms with passive replies, e.g. WeChat), and sends outbound messages
// (called from the outbox thread). Split each platform into a pure codec and this thin
// I/O class (STYLE.md 4).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/http.h"
#include "bot/media.h"
#include "bot/message.h"
#include "bot/status.h"

namespace linli {

// What a verified webhook request asks of the service.
struct WebhookResult {
  // Set when the request needs no turn (URL verification, challenge, ignored update kinds):
  // the server answers it as-is and writes nothing.
  std::optional<HttpResponse> immediate;
  // Set when a turn should run for it.
  std::optional<InboundMessage> message;
};

// A platform's sending budget: at most `messages` requests in any rolling `window`.
struct SendBudget {
  int messages = 0;
  std::chrono::milliseconds window{0};
};

// How the outbox paces the sends to a destination (Adapter::Pace).
struct SendPace {
  // Destinations with the same key share the budgets and any block a rate-limit answer
  // imposes: a group robot uses its channel name (one robot = one group, whatever the chat
  // id), a Telegram group "<channel>|<chat id>". Empty: not paced.
  std::string key;
  std::vector<SendBudget> budgets;  // each must have room for a request
};

// Outcome of one send attempt.
struct SendResult {
  enum class Outcome {
    kSent,       // delivered; platform_message_id may be set
    kRetry,      // transient (network, 5xx, 429, token expired): try again after retry_after
    kPermanent,  // will never succeed (400, blocked by user, bad chat): give up, log
    kDeferred,   // not allowed now (e.g. outside WeChat's 48 h window): wait for user contact
  };
  Outcome outcome = Outcome::kSent;
  std::string platform_message_id;
  std::chrono::milliseconds retry_after{0};  // 0 = use the outbox backoff
  std::string error;                         // no secrets, no personal data
  // The contact window whose quota this send used (WeChat customer-service message); the
  // outbox counts it for the recipient. kNone for sends outside any window (templates).
  WindowUse window_use = WindowUse::kNone;
  bool counted_in_window() const { return window_use != WindowUse::kNone; }
  // With kRetry: not a failure but "not now" - the platform answered with its rate-limit code
  // (DingTalk 130101, Feishu 11232, WeCom 45009, Telegram 429) or the send used up
  // OutboundMessage::send_allowance with parts left. The outbox moves the message's due time
  // (retry_after, and no earlier than the destination's budget allows), blocks the whole pace
  // key for retry_after, and does not count the attempt against max_attempts.
  bool rate_limited = false;
  // Platform requests this call made (each counts against the destination's budget): 1 for
  // most sends, one per part for a long text split into several messages, 0 for none.
  int requests = 1;

  static SendResult Sent(std::string id = {}) {
    return {Outcome::kSent, std::move(id), {}, {}, WindowUse::kNone};
  }
  static SendResult Retry(std::string error, std::chrono::milliseconds after = {}) {
    return {Outcome::kRetry, {}, after, std::move(error), WindowUse::kNone};
  }
  static SendResult Permanent(std::string error) {
    return {Outcome::kPermanent, {}, {}, std::move(error), WindowUse::kNone};
  }
  static SendResult Deferred(std::string error) {
    return {Outcome::kDeferred, {}, {}, std::move(error), WindowUse::kNone};
  }
  // kRetry with rate_limited; `after` 0 = as soon as the destination's budget allows.
  static SendResult RateLimited(std::string error, std::chrono::milliseconds after = {}) {
    SendResult r = Retry(std::move(error), after);
    r.rate_limited = true;
    return r;
  }
};

// What `linli check --online` asks of a channel (Adapter::Probe).
struct ProbeRequest {
  // Where the platform should deliver this channel's webhooks (<public URL>/webhook/<channel>);
  // empty when no public URL is known - then nothing is compared with it.
  std::string webhook_url;
};

// One thing a probe found: a hint name, the platform's own code and the values its sentence
// needs. The command line turns `hint` into a sentence of the configured locale (the locale
// texts "cli.check_hint_<hint>" / "cli.check_note_<hint>"), so adapters name what is wrong
// and never word it. Hints in use:
//   problems  wrong_token, wrong_secret, wrong_app_id, ip_not_allowed {ip}, secret_frozen,
//             unreachable {error}, platform_error {error}, webhook_not_set {expected},
//             webhook_url_mismatch {url} {expected}, webhook_secret_rejected {error},
//             webhook_failing {error} {pending}, webhook_updates_missing {missing}
//   notes     bot {username}, webhook {url} {pending}, last_error {error},
//             secret_unreadable, callback_url_unreadable {expected}
struct ProbeFinding {
  std::string hint;
  std::string code;  // the platform's error code ("40164", "401"); "" when none
  std::vector<std::pair<std::string, std::string>> args;  // {name, value}; never a secret
};

// The outcome of Adapter::Probe.
struct ProbeResult {
  bool supported = true;                // false: nothing to call (send-only robots)
  std::vector<ProbeFinding> problems;   // empty: the channel is ok
  std::vector<ProbeFinding> notes;      // what else the line says (the bot's name, ...)
  bool ok() const { return supported && problems.empty(); }
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  Adapter() = default;
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  // The channel name from config (unique), used in /webhook/<name> and ConversationRef.
  virtual const std::string& name() const = 0;
  // The platform type from config, e.g. "telegram", "wechat_mp".
  virtual std::string type() const = 0;

  // Verifies authenticity on the raw bytes first, then parses. Pure apart from the clock and
  // replay caches; never throws. Errors map to HTTP: kUnauthenticated 401, kInvalidArgument
  // 400, kResourceExhausted 413, kNotFound 404 (unsupported method). Thread: event loop.
  virtual StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) = 0;

  // True if replies to an inbound message travel in the webhook's HTTP response (WeChat/WeCom
  // passive replies). Otherwise the router puts them into the outbox.
  virtual bool passive_replies() const { return false; }

  // True if the acknowledgement of `message` may carry all of `replies` although the platform
  // also takes sends (Telegram executes one Bot API call given as the webhook's response):
  // a turn's reply then costs no outbox row and no second request. Only for replies nothing
  // refers to later (no card, no edit, no picture) and that need no pacing. The router asks
  // only when passive_replies() is false, and answers in the ack only when nothing is still
  // queued for the conversation (its messages keep their order). Default false. Cheap,
  // deterministic, thread-safe.
  virtual bool MayAnswerInAck(const InboundMessage& /*message*/,
                              const std::vector<OutboundMessage>& /*replies*/) const {
    return false;
  }

  // The HTTP response acknowledging a processed turn. `replies` is non-empty only when
  // passive_replies(), or when MayAnswerInAck(message, replies) said so. Must be
  // deterministic for the same inputs: a redelivered request is answered with the stored
  // response of the first delivery.
  virtual HttpResponse RenderAck(const InboundMessage& message,
                                 const std::vector<OutboundMessage>& replies) = 0;

  // True if Send can replace the text of an earlier bot message (OutboundMessage::edit_of:
  // Telegram editMessageText). Otherwise the outbox turns an edit into its follow-up post.
  virtual bool can_edit() const { return false; }

  // Sends one message. Blocking; called from the outbox thread only, never on the event loop.
  // Must be thread-safe (tokens are refreshed inside). Makes at most
  // message.send_allowance platform requests when that is set (> 0); a message needing more
  // (a long text in parts) sends what it may, remembers how far it got (by
  // message.idempotency_key) and answers SendResult::RateLimited, so the next call continues
  // with the next part.
  virtual SendResult Send(const OutboundMessage& message) = 0;

  // The platform's rate limits for sends to `to`, enforced by the outbox (bot/server/outbox.h:
  // a message over budget waits, it is never dropped). Default: not paced. Thread-safe, cheap.
  virtual SendPace Pace(const ConversationRef& /*to*/) const { return {}; }
  // How many platform requests Send(message) makes when nothing fails (the parts still to
  // send of a long text). Default 1. Thread-safe, cheap.
  virtual int RequestsFor(const OutboundMessage& /*message*/) const { return 1; }

  // Fetches a photo a user sent (bot/media.h). Blocking; called from the media worker thread
  // only, never on the event loop. Must be thread-safe (tokens are refreshed inside). Every
  // request goes to the channel's api_base (DingTalk: then to the download URL its API
  // returned). Default: kPermanent "not supported" (send-only channels).
  virtual MediaFetchResult FetchMedia(const MediaFetchRequest& /*request*/) {
    return MediaFetchResult::Permanent(type() + ": media download not supported");
  }

  // Calls the platform's cheapest authenticated endpoints once (`linli check --online`): are
  // the credentials, the account and this machine accepted, and (where the platform tells)
  // does it deliver webhooks where `request` says? Each request goes to the channel's
  // api_base. Blocking; for the command line, never called while serving. Default: not
  // supported (send-only channels: a test send would post into their group).
  virtual ProbeResult Probe(const ProbeRequest& /*request*/) {
    ProbeResult r;
    r.supported = false;
    return r;
  }
};

}  // namespace linli
