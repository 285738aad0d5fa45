// Feishu/Lark app-bot payload mapping (../shared/protocols/feishu.md §2): event envelopes,
// im.message.receive_v1 -> InboundMessage, OutboundMessage -> im/v1 message bodies, and the
// classification of API answers. Pure: no I/O, no clock, no logging; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/adapter.h"
#include "bot/message.h"
#include "bot/status.h"

namespace linli::adapters::feishu {

inline constexpr std::string_view kMessageReceiveEvent = "im.message.receive_v1";

// The authentication-relevant outline of a (decrypted) event body, read before anything else
// so the verification token is checked before the payload is interpreted.
struct Envelope {
  enum class Kind {
    kUrlVerification,  // {"type":"url_verification","token","challenge"}
    kV2,               // {"schema":"2.0","header":{...},"event":{...}}
    kV1,               // legacy {"uuid","token","type":"event_callback","event":{...}}
  };
  Kind kind = Kind::kV2;
  std::string token;       // verification token carried in the body ("" if absent)
  std::string challenge;   // kUrlVerification only
  std::string event_type;  // header.event_type (v2) or event.type (v1)
  std::string event_id;    // header.event_id (v2) or uuid (v1): Feishu's redelivery key
};

// Reads the envelope of a decrypted event object. kInvalidArgument when it is not one of the
// three shapes (or the challenge is not a string).
StatusOr<Envelope> ReadEnvelope(const nlohmann::json& body);

// If `body` is an encrypted wrapper {"encrypt":"<base64>"}, returns the base64 text.
// nullopt for a plain body; kInvalidArgument when "encrypt" is present but not a string.
StatusOr<std::optional<std::string>> EncryptedPayload(const nlohmann::json& body);

// Maps a schema-2.0 im.message.receive_v1 body (header.event_id already read into
// `envelope`) to an InboundMessage on `channel`. Returns nullopt for messages the bot ignores
// (sender_type other than "user", unknown chat types). kInvalidArgument for missing ids or a
// malformed `content` string. Text has @_user_N placeholders (mentions[].key, and @_all)
// removed and is trimmed; images become kPhoto attachments (ref = image_key, message_id = message.message_id); audio, media
// and file become kVoice / kVideo / kFile (ref = file_key); rich text ("post") yields its
// text runs and images. reply_to = message.parent_id.
StatusOr<std::optional<InboundMessage>> DecodeMessageReceive(const nlohmann::json& body,
                                                             const Envelope& envelope,
                                                             const std::string& channel);

// Removes each placeholder in `keys` (longest first, so @_user_1 does not eat @_user_10) and
// trims ASCII and ideographic whitespace at both ends.
std::string StripMentions(std::string text, std::vector<std::string> keys);

// Text shown for an outbound message: the text, then one numbered line per choice
// ("1. label"), since numbered replies work on every platform (STYLE.md 4).
std::string RenderText(const OutboundMessage& message);

// The Feishu dedupe key for a send (the "uuid" field, <= 50 chars): the outbox's
// idempotency_key when set (hashed to 32 hex chars if longer than 50 or not printable ASCII),
// otherwise the first 32 hex chars of SHA-256 over the destination, text, reply_to and
// choices - stable across retries, but identical repeated texts collide (see message.h).
std::string SendUuid(const OutboundMessage& message);

// JSON bodies for POST /open-apis/im/v1/messages?receive_id_type=chat_id and
// POST /open-apis/im/v1/messages/{id}/reply. msg_type "text"; content is a JSON string.
std::string BuildCreateBody(const OutboundMessage& message, const std::string& uuid);
std::string BuildReplyBody(const OutboundMessage& message, const std::string& uuid);
// {"app_id","app_secret"} for the tenant_access_token request.
std::string BuildTokenRequest(const std::string& app_id, const std::string& app_secret);

// The parsed {"code","msg","data":{...}} answer of an Open API call.
struct ApiReply {
  int64_t code = 0;
  std::string msg;
  std::string message_id;    // data.message_id of a sent message
  std::string tenant_token;  // tenant_access_token of a token answer
  int64_t expire_s = 0;      // expire of a token answer
};
// kInvalidArgument when `body` is not a JSON object with an integer "code".
StatusOr<ApiReply> ParseApiReply(std::string_view body);

enum class CodeClass {
  kOk,
  kRetry,         // rate limited or platform-side failure: try again later
  kTokenInvalid,  // 99991661 / 99991663: fetch a new tenant_access_token, then retry
  kPermanent,     // the request itself is wrong; retrying cannot help
};
CodeClass ClassifyCode(int64_t code);

// What a tenant_access_token fetch said (`linli check --online`, hints in bot/adapter.h):
// `transport` set when no answer came (-> unreachable {error}); otherwise the answer's HTTP
// status, code and msg: code 10014 "app secret invalid" -> wrong_secret; any other refusal ->
// platform_error {error: "code N (msg)"} (the codes of Feishu's generic error table,
// open.feishu.cn/document/server-docs/api-call-guide/generic-error-code; 10014 is the one the
// token endpoint answers a wrong app_secret). An accepted fetch (code 0 with a token) has no
// findings.
struct TokenOutcome {
  std::string transport;  // "" when an answer came
  int http_status = 0;
  bool parsed = false;    // the answer was a Feishu reply
  ApiReply reply;
};
ProbeResult JudgeTenantToken(const TokenOutcome& outcome);

}  // namespace linli::adapters::feishu
