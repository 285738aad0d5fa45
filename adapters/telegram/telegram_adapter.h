// The Telegram channel's thin I/O (STYLE.md 4): checks the webhook secret, then hands the
// body to the pure codec (telegram_codec.h); sends through the injected HttpClient.
//
// Config (channels[] entry with "type": "telegram"):
//   token         required. The bot token "<digits>:<secret>"; never logged.
//   secret_token  required. 1-256 chars of A-Z a-z 0-9 _ -; the value given to setWebhook,
//                 echoed by Telegram in X-Telegram-Bot-Api-Secret-Token.
//   api_base      optional, default "https://api.telegram.org" (tests point it at a fake).
//   bot_username  optional. The bot's @username without '@'; when set, commands addressed
//                 to other bots in groups ("/report@other_bot") are ignored, and a
//                 private-only command in a group is answered with the link
//                 https://t.me/<bot_username>?start=<flow> (domain/people/private_conversation.h).
//   timeout_ms    optional, default 10000: timeout of one Bot API call.
//   answer_in_webhook  optional, "true" (default) or "false": a turn's one plain reply in a
//                 private chat rides in the webhook's response (telegram.md 2: answering inside
//                 the webhook response) instead of the outbox. "false" sends every reply
//                 through the outbox (each send's result and message id recorded).
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "adapters/telegram/telegram_codec.h"
#include "adapters/telegram/telegram_webhook.h"
#include "bot/adapter.h"
#include "bot/http_client.h"
#include "config/config.h"

namespace linli::adapters::telegram {

inline constexpr char kDefaultApiBase[] = "https://api.telegram.org";
inline constexpr char kSecretHeader[] = "X-Telegram-Bot-Api-Secret-Token";

class TelegramAdapter final : public Adapter {
 public:
  // Validates the channel config. Errors (kInvalidArgument) name channel and field:
  // "channels[tg].secret_token: missing".
  static StatusOr<std::unique_ptr<TelegramAdapter>> Create(const config::ChannelConfig& channel,
                                                           const AdapterDeps& deps);

  const std::string& name() const override { return name_; }
  std::string type() const override { return "telegram"; }

  // POST only (else kNotFound). The secret header is compared in constant time before the
  // body is looked at (missing or wrong: kUnauthenticated); then DecodeUpdate's contract.
  StatusOr<WebhookResult> ParseWebhook(const HttpRequest& request) override;

  // Replies go through the outbox (sendMessage returns the message id we store), except...
  bool passive_replies() const override { return false; }
  // ...exactly one reply to a private chat's message, plain text with optional buttons,
  // addressed to that chat, neither a card, an edit, a picture nor a template notice (and
  // answer_in_webhook not "false"): that one rides in the webhook response.
  bool MayAnswerInAck(const InboundMessage& message,
                      const std::vector<OutboundMessage>& replies) const override;
  // editMessageText (EncodeSend).
  bool can_edit() const override { return true; }
  // 200 with an empty body; with one reply, that reply as the response's Bot API call
  // (EncodeWebhookAnswer; should it not encode, the empty 200 - the reply is then lost, which
  // MayAnswerInAck's checks rule out).
  HttpResponse RenderAck(const InboundMessage& message,
                         const std::vector<OutboundMessage>& replies) override;

  // One Bot API call per message (see EncodeSend / DecodeSendResponse). An invalid message
  // (e.g. callback_data over 64 bytes) is kPermanent: a bug to fix in the flow, not retried.
  // A timed-out sendMessage is retried and logged as a possible duplicate (Telegram has no
  // idempotency key). A message with an image (OutboundMessage::image) is sendPhoto, replying
  // to reply_to: by the photo's file id when it came in over this bot (image.ref_channel is
  // this channel; a refused id falls back to the upload), else the file uploaded
  // (EncodeSendPhotoUpload). A missing or over-10-MB file sends the message's text instead.
  // Thread-safe: no mutable state.
  SendResult Send(const OutboundMessage& message) override;

  // Group chats: kGroupMessagesPerMinute per rolling minute per group (telegram.md: 20/min per
  // group), key "<channel>|<chat id>". Private chats are not paced here (a 429 still defers).
  SendPace Pace(const ConversationRef& to) const override;
  static constexpr int kGroupMessagesPerMinute = 20;

  // getFile, then the download (telegram_media.h); a file_size over max_bytes is refused
  // before the download. Thread-safe: no mutable state.
  MediaFetchResult FetchMedia(const MediaFetchRequest& request) override;

  // getMe, then (when the token works) getWebhookInfo, judged by JudgeBot
  // (telegram_webhook.h) against request.webhook_url.
  ProbeResult Probe(const ProbeRequest& request) override;

  // The admin calls of `linli telegram ...` (telegram_webhook.h), blocking, for the command
  // line. SetWebhook registers `url` with this channel's secret_token and kHandledUpdates.
  ApiAnswer<BotUser> GetMe();
  ApiAnswer<WebhookInfo> GetWebhookInfo();
  ApiAnswer<bool> SetWebhook(const std::string& url, bool drop_pending_updates);

 private:
  TelegramAdapter(std::string name, std::string token, std::string secret, std::string api_base,
                  std::string bot_username, std::chrono::milliseconds timeout,
                  bool answer_in_webhook, HttpClient& http);
  // One Bot API call: POST {api_base}/bot{token}/{method}.
  StatusOr<HttpResponse> Post(const ApiCall& call);
  // One Bot API call, its answer decoded.
  SendResult Call(const ApiCall& call);
  // sendPhoto for message.image; nullopt when the picture cannot go (the caller sends the text).
  std::optional<SendResult> SendPhoto(const OutboundMessage& message);

  const std::string name_;
  const std::string token_;
  const std::string secret_;
  const std::string api_base_;
  const DecodeOptions decode_options_;
  const std::chrono::milliseconds timeout_;
  const bool answer_in_webhook_;
  HttpClient& http_;
  std::shared_ptr<spdlog::logger> log_;
};

// The registry's factory for "telegram" (adapters/registry.cc).
StatusOr<std::unique_ptr<Adapter>> CreateTelegramAdapter(const config::ChannelConfig& channel,
                                                         const AdapterDeps& deps);

}  // namespace linli::adapters::telegram
