// Pure mapping between Telegram Bot API JSON and Linli's platform-neutral messages
// (STYLE.md 4). No I/O, no clock, no logging: everything here is unit-tested with recorded
// payloads in tests/testdata/telegram/. The I/O lives in telegram_adapter.*.
// Reference: ../shared/protocols/telegram.md.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "bot/adapter.h"
#include "bot/http.h"
#include "bot/message.h"
#include "bot/status.h"

namespace linli::adapters::telegram {

// Limits of the Bot API (telegram.md 4, 5).
inline constexpr size_t kMaxTextUtf16 = 4096;        // sendMessage text, in UTF-16 code units
inline constexpr size_t kMaxCallbackDataBytes = 64;  // InlineKeyboardButton.callback_data
inline constexpr size_t kMaxCallbackAnswerUtf16 = 200;
inline constexpr size_t kMaxCaptionUtf16 = 1024;               // sendPhoto caption
inline constexpr size_t kMaxPhotoUploadBytes = 10 * 1024 * 1024;  // sendPhoto upload

struct DecodeOptions {
  std::string channel;  // ConversationRef::channel of every decoded message
  // The bot's @username without '@' (config field `bot_username`, optional). When set, a
  // command addressed to another bot ("/report@other_bot") is ignored. The "@name" suffix of
  // a command is always stripped ("/report@linli_bot x" -> "/report x").
  std::string bot_username;
};

// Maps one webhook body (an Update) to what the service should do with it.
//  - `message` and `callback_query` from a human user: WebhookResult::message with
//    platform_message_id "u<update_id>" (the inbound dedupe key).
//  - every other update kind (edited_message, channel_post, my_chat_member, ...), messages
//    from bots, channel chats, messages without from (anonymous admins), service messages
//    with nothing mappable, callback queries without data (games): WebhookResult::immediate
//    = IgnoredResponse() - acknowledged so Telegram does not redeliver, nothing written.
// Errors: kInvalidArgument when the body is not JSON, nests deeper than 32, is not an object,
// lacks an integer update_id, or a message/callback_query lacks its required fields.
// The secret token is NOT checked here (the adapter does it on the raw request first).
StatusOr<WebhookResult> DecodeUpdate(std::string_view body, const DecodeOptions& options);

// 200 with an empty body: how Telegram deliveries are acknowledged (replies go through the
// outbox, never in the webhook response, so every send has a result).
HttpResponse IgnoredResponse();

// One Bot API call: POST {api_base}/bot{token}/{method} with a JSON body.
struct ApiCall {
  std::string method;  // "sendMessage", "editMessageText", "answerCallbackQuery", "sendPhoto"
  std::string body;    // JSON, or the multipart/form-data body of an upload
  std::string content_type = "application/json";
};

// Builds the call for `message`.
//  kText -> sendMessage {chat_id, text, reply_markup?, reply_parameters?}
//    chat_id is a JSON integer when to.chat_id is a decimal int64, else a string
//    ("@channel"). Text longer than 4096 UTF-16 code units is TRUNCATED at a code point
//    boundary and ends with "…" (not split: a split message cannot be retried as a whole
//    without duplicating the parts already sent; flows keep texts short and paginate
//    digests). Choices become an inline keyboard: 3 buttons per row when every label is at
//    most 8 columns wide (CJK counts 2), 2 per row up to 16 columns, else one per row.
//    reply_to (a decimal message id) becomes reply_parameters {message_id,
//    allow_sending_without_reply: true}; a non-numeric reply_to is dropped.
//  kText with edit_of (a decimal message id) -> editMessageText {chat_id, message_id, text,
//    reply_markup?}: the card's new text, same truncation and keyboard rules (reply_to
//    ignored). A non-numeric edit_of is kInvalidArgument.
//  kCallbackAnswer -> answerCallbackQuery {callback_query_id, text?} (text truncated to 200).
// Errors (kInvalidArgument; a bug in the caller, the send must not be retried): empty
// chat_id, empty text for kText, empty callback_id, a choice with an empty label, or a
// payload that is empty or longer than 64 BYTES.
StatusOr<ApiCall> EncodeSend(const OutboundMessage& message);

// `message` as the answer to the webhook delivery that asked it (Telegram executes a Bot API
// call given as the response body: 200, application/json, EncodeSend's parameters plus
// "method"). There is no result and no error for it - no message id either - so it is only for
// replies nothing refers to later. Same validation as EncodeSend; a message with an image is
// kInvalidArgument (sendPhoto by upload cannot ride in a JSON answer).
StatusOr<HttpResponse> EncodeWebhookAnswer(const OutboundMessage& message);

// The choices check EncodeSend and EncodeWebhookAnswer apply (kInvalidArgument naming the
// choice: an empty label, or a payload that is empty or longer than kMaxCallbackDataBytes
// bytes). The adapter asks it before it decides a reply may ride in the webhook response, so a
// reply that would not encode goes through the outbox, where its error is recorded.
Status CheckChoices(const std::vector<Choice>& choices);

// The picture of `message` (OutboundMessage::image must be set) as sendPhoto with the
// platform's own file id: JSON {chat_id, photo: image.platform_ref, caption?,
// reply_parameters?} - caption = image.caption truncated to kMaxCaptionUtf16, omitted when
// empty; reply_parameters as for sendMessage. Only valid on the bot that issued the id
// (image.ref_channel). kInvalidArgument: no image, empty platform_ref or chat_id.
StatusOr<ApiCall> EncodeSendPhotoById(const OutboundMessage& message);

// The picture of `message` as a sendPhoto upload of `bytes`: multipart/form-data with the
// text fields chat_id, caption? and reply_parameters? (its JSON) and the file field `photo`
// (filename "photo.jpg"/".png"/".gif"/".webp" by image.content_type, that Content-Type).
// content_type is "multipart/form-data; boundary=<MultipartBoundary(bytes)>".
// kInvalidArgument: no image, empty bytes or chat_id; bytes over kMaxPhotoUploadBytes.
StatusOr<ApiCall> EncodeSendPhotoUpload(const OutboundMessage& message, std::string_view bytes);

// A multipart boundary that does not occur in `bytes` (deterministic: tests can rebuild it).
std::string MultipartBoundary(std::string_view bytes);

// Maps the outcome of one Bot API call (transport result + HTTP response) to a SendResult:
//  transport kUnavailable -> kRetry; kDeadlineExceeded -> kRetry (the message may have been
//  delivered: the caller logs a possible duplicate); kInvalidArgument (bad URL) -> kPermanent;
//  HTTP 429 -> kRetry, rate_limited, with parameters.retry_after seconds (the outbox defers
//  the message without counting the attempt); 5xx -> kRetry; other 4xx
//  (400 bad request, 401 bad token, 403 blocked by the user, 404) -> kPermanent;
//  ok:true -> kSent with result.message_id (empty for results without one, e.g. true);
//  ok:false with status 200 -> mapped by error_code the same way. A 2xx body that is not a
//  Bot API response -> kRetry. SendResult::error carries the method, status and Telegram's
//  description (truncated), never the URL, token or message text.
SendResult DecodeSendResponse(std::string_view method, const StatusOr<HttpResponse>& response);

// True when `message_id`-style ids are a decimal int64 ("-1001234567890").
bool ParseInt64(std::string_view s, int64_t* out);

// Number of UTF-16 code units in UTF-8 `s` (how Telegram counts text length).
size_t Utf16Length(std::string_view s);

}  // namespace linli::adapters::telegram
