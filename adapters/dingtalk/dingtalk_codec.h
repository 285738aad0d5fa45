// DingTalk app-robot payload mapping (../shared/protocols/dingtalk.md §2, §3): callback body ->
// InboundMessage, OutboundMessage -> sessionWebhook and robot OpenAPI bodies, and the parsing
// of their answers. Pure: no I/O, no clock, no logging; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/adapter.h"
#include "bot/message.h"
#include "bot/status.h"

namespace linli::adapters::dingtalk {

struct DecodedCallback {
  InboundMessage message;
  // Temporary reply URL of this conversation and its expiry (ms); empty / 0 when absent.
  std::string session_webhook;
  int64_t session_webhook_expires_ms = 0;
};

// Maps a robot callback body (already authenticated) to an InboundMessage on `channel`:
// msgId -> platform_message_id, conversationId -> chat_id, conversationType "1" private /
// "2" group, senderStaffId (fallback senderId) -> user_id, createAt -> timestamp_ms.
// msgtype text -> text.content trimmed; picture -> kPhoto (content.downloadCode or
// pictureDownloadCode); richText -> its text runs and pictures; audio -> kVoice (label = the
// recognition text); other types -> empty text. kInvalidArgument for malformed or too deep
// JSON and missing ids.
StatusOr<DecodedCallback> DecodeCallback(std::string_view body, const std::string& channel);

// Text shown for an outbound message: the text, then numbered choice lines ("1. label").
std::string RenderText(const OutboundMessage& message);

// {"msgtype":"text","text":{"content":...}} for a sessionWebhook (or a custom robot).
std::string BuildWebhookTextBody(const OutboundMessage& message);
// {"appKey","appSecret"} for POST /v1.0/oauth2/accessToken.
std::string BuildTokenRequest(const std::string& app_key, const std::string& app_secret);
// POST /v1.0/robot/groupMessages/send: {"robotCode","openConversationId","msgKey":"sampleText",
// "msgParam":"{\"content\":...}"}.
std::string BuildGroupSendBody(const std::string& robot_code, const OutboundMessage& message);
// POST /v1.0/robot/oToMessages/batchSend: {"robotCode","userIds":[to.user_id],"msgKey",
// "msgParam"}.
std::string BuildPrivateSendBody(const std::string& robot_code, const OutboundMessage& message);

// {"errcode","errmsg"} of a sessionWebhook / custom-robot answer. kInvalidArgument when the
// body is not an object with an integer errcode.
struct WebhookReply {
  int64_t errcode = 0;
  std::string errmsg;
};
StatusOr<WebhookReply> ParseWebhookReply(std::string_view body);

// {"accessToken","expireIn"} of the token answer. kInvalidArgument when either is missing.
struct TokenReply {
  std::string access_token;
  int64_t expire_in_s = 0;
};
StatusOr<TokenReply> ParseTokenReply(std::string_view body);

// What an accessToken fetch said (`linli check --online`, hints in bot/adapter.h): no answer
// (`transport` set) -> unreachable {error}; an answer with a token -> no findings; HTTP 400,
// 401 or 403 -> credentials_rejected with the answer's "code" string (or the HTTP status) as
// the code; any other answer -> platform_error {error}. DingTalk's error codes for this
// endpoint are not in ../shared/protocols/dingtalk.md [unverified], so a 4xx is reported as
// a refusal of app_key/app_secret without naming which.
ProbeResult JudgeAccessToken(const std::string& transport, int http_status,
                             std::string_view body);

// A robot OpenAPI answer: success carries processQueryKey (and for batchSend the lists of
// invalid and flow-controlled user ids); errors carry {"code","message"}. kInvalidArgument
// when the body is not a JSON object.
struct OpenApiReply {
  std::string code;  // error code string, empty on success
  std::string message;
  std::string process_query_key;
  std::vector<std::string> invalid_user_ids;
  std::vector<std::string> flow_controlled_user_ids;
};
StatusOr<OpenApiReply> ParseOpenApiReply(std::string_view body);

}  // namespace linli::adapters::dingtalk
