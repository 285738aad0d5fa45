#include "adapters/dingtalk/dingtalk_codec.h"

#include <charconv>

#include "bot/json.h"
#include "bot/text.h"

namespace linli::adapters::dingtalk {

using nlohmann::json;

namespace {

std::string StringOr(const json& obj, std::string_view key) {
  auto v = GetString(obj, key);
  return v ? std::move(*v) : std::string();
}

// Integer fields DingTalk sends as numbers in some payloads and as strings in others.
int64_t IntOr(const json& obj, std::string_view key) {
  if (auto v = GetInt64(obj, key)) return *v;
  if (auto s = GetString(obj, key)) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec == std::errc() && ptr == s->data() + s->size()) return v;
  }
  return 0;
}


std::string DownloadCode(const json& obj) {
  std::string code = StringOr(obj, "downloadCode");
  return code.empty() ? StringOr(obj, "pictureDownloadCode") : code;
}

void AddAttachment(InboundMessage& in, Attachment::Kind kind, std::string ref,
                   std::string label = {}) {
  if (ref.empty()) return;
  Attachment a;
  a.kind = kind;
  a.ref = std::move(ref);
  a.label = std::move(label);
  in.attachments.push_back(std::move(a));
}

std::string MsgParam(const OutboundMessage& message) {
  return DumpJson(json{{"content", RenderText(message)}});
}

}  // namespace

StatusOr<DecodedCallback> DecodeCallback(std::string_view body, const std::string& channel) {
  auto parsed = ParseUntrustedJson(body);
  if (!parsed.ok()) return parsed.status();
  const json& root = *parsed;
  if (!root.is_object()) return Status::InvalidArgument("callback body is not a JSON object");

  DecodedCallback out;
  InboundMessage& in = out.message;
  in.kind = InboundKind::kMessage;
  in.conversation.channel = channel;
  in.platform_message_id = StringOr(root, "msgId");
  if (in.platform_message_id.empty()) return Status::InvalidArgument("msgId missing");
  in.conversation.chat_id = StringOr(root, "conversationId");
  if (in.conversation.chat_id.empty()) return Status::InvalidArgument("conversationId missing");
  const int64_t conversation_type = IntOr(root, "conversationType");
  if (conversation_type == 1) {
    in.conversation.chat_type = ChatType::kPrivate;
  } else if (conversation_type == 2) {
    in.conversation.chat_type = ChatType::kGroup;
  } else {
    return Status::InvalidArgument("conversationType is neither \"1\" nor \"2\"");
  }
  in.conversation.user_id = StringOr(root, "senderStaffId");
  if (in.conversation.user_id.empty()) in.conversation.user_id = StringOr(root, "senderId");
  if (in.conversation.user_id.empty()) {
    return Status::InvalidArgument("senderStaffId and senderId missing");
  }
  in.timestamp_ms = IntOr(root, "createAt");

  const std::string msgtype = StringOr(root, "msgtype");
  if (msgtype == "text") {
    if (const json* text = FindObject(root, "text")) in.text = TrimText(StringOr(*text, "content"));
  } else if (msgtype == "picture") {
    if (const json* content = FindObject(root, "content")) {
      AddAttachment(in, Attachment::Kind::kPhoto, DownloadCode(*content));
    }
  } else if (msgtype == "richText") {
    const json* content = FindObject(root, "content");
    const json* parts = content != nullptr ? FindArray(*content, "richText") : nullptr;
    if (parts != nullptr) {
      std::string text;
      for (const json& part : *parts) {
        if (auto t = GetString(part, "text")) {
          text += *t;
        } else {
          AddAttachment(in, Attachment::Kind::kPhoto, DownloadCode(part));
        }
      }
      in.text = TrimText(text);
    }
  } else if (msgtype == "audio") {
    if (const json* content = FindObject(root, "content")) {
      AddAttachment(in, Attachment::Kind::kVoice, DownloadCode(*content),
                    StringOr(*content, "recognition"));
    }
  }

  out.session_webhook = StringOr(root, "sessionWebhook");
  out.session_webhook_expires_ms = IntOr(root, "sessionWebhookExpiredTime");
  return out;
}

std::string RenderText(const OutboundMessage& message) {
  return RenderNumberedChoices(message.text, message.choices);
}

std::string BuildWebhookTextBody(const OutboundMessage& message) {
  return DumpJson(json{{"msgtype", "text"}, {"text", {{"content", RenderText(message)}}}});
}

std::string BuildTokenRequest(const std::string& app_key, const std::string& app_secret) {
  return DumpJson(json{{"appKey", app_key}, {"appSecret", app_secret}});
}

std::string BuildGroupSendBody(const std::string& robot_code, const OutboundMessage& message) {
  return DumpJson(json{{"robotCode", robot_code},
                       {"openConversationId", message.to.chat_id},
                       {"msgKey", "sampleText"},
                       {"msgParam", MsgParam(message)}});
}

std::string BuildPrivateSendBody(const std::string& robot_code, const OutboundMessage& message) {
  return DumpJson(json{{"robotCode", robot_code},
                       {"userIds", json::array({message.to.user_id})},
                       {"msgKey", "sampleText"},
                       {"msgParam", MsgParam(message)}});
}

StatusOr<WebhookReply> ParseWebhookReply(std::string_view body) {
  auto parsed = ParseUntrustedJson(body);
  if (!parsed.ok()) return parsed.status();
  auto errcode = GetInt64(*parsed, "errcode");
  if (!errcode) return Status::InvalidArgument("answer without an integer errcode");
  return WebhookReply{*errcode, StringOr(*parsed, "errmsg")};
}

StatusOr<TokenReply> ParseTokenReply(std::string_view body) {
  auto parsed = ParseUntrustedJson(body);
  if (!parsed.ok()) return parsed.status();
  TokenReply reply;
  reply.access_token = StringOr(*parsed, "accessToken");
  reply.expire_in_s = IntOr(*parsed, "expireIn");
  if (reply.access_token.empty() || reply.expire_in_s <= 0) {
    return Status::InvalidArgument("token answer without accessToken/expireIn");
  }
  return reply;
}

ProbeResult JudgeAccessToken(const std::string& transport, int http_status,
                             std::string_view body) {
  ProbeResult r;
  if (!transport.empty()) {
    r.problems.push_back({"unreachable", "", {{"error", transport}}});
    return r;
  }
  if (http_status >= 200 && http_status < 300 && ParseTokenReply(body).ok()) return r;
  auto reply = ParseOpenApiReply(body);
  std::string code = reply.ok() ? reply->code.substr(0, 64) : "";
  for (char& c : code) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (code.empty()) code = std::to_string(http_status);
  if (http_status == 400 || http_status == 401 || http_status == 403) {
    r.problems.push_back({"credentials_rejected", code, {}});
  } else {
    r.problems.push_back({"platform_error", code, {{"error", "HTTP " + std::to_string(http_status)}}});
  }
  return r;
}

StatusOr<OpenApiReply> ParseOpenApiReply(std::string_view body) {
  auto parsed = ParseUntrustedJson(body);
  if (!parsed.ok()) return parsed.status();
  const json& root = *parsed;
  if (!root.is_object()) return Status::InvalidArgument("answer is not a JSON object");
  OpenApiReply reply;
  reply.code = StringOr(root, "code");
  reply.message = StringOr(root, "message");
  reply.process_query_key = StringOr(root, "processQueryKey");
  auto read_list = [&root](std::string_view key, std::vector<std::string>& out) {
    if (const json* list = FindArray(root, key)) {
      for (const json& v : *list) {
        if (v.is_string()) out.push_back(v.get<std::string>());
      }
    }
  };
  read_list("invalidStaffIdList", reply.invalid_user_ids);
  read_list("flowControlledStaffIdList", reply.flow_controlled_user_ids);
  return reply;
}

}  // namespace linli::adapters::dingtalk
