#include "adapters/feishu/feishu_codec.h"

#include <algorithm>
#include <charconv>

#include "adapters/feishu/feishu_crypto.h"
#include "bot/json.h"
#include "bot/text.h"

namespace linli::adapters::feishu {

using nlohmann::json;

namespace {

std::string StringOr(const json& obj, std::string_view key) {
  auto v = GetString(obj, key);
  return v ? std::move(*v) : std::string();
}

int64_t ParseMillis(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return 0;
  return v;
}


// Collects text runs and images of a "post" (rich text) content object:
// {"title": "...", "content": [[{"tag":"text","text":"..."}, {"tag":"img","image_key":...}]]}.
void ReadPost(const json& post, std::string& text, std::vector<Attachment>& attachments) {
  std::string title = StringOr(post, "title");
  if (!title.empty()) text = title;
  const json* lines = FindArray(post, "content");
  if (lines == nullptr) return;
  for (const json& line : *lines) {
    if (!line.is_array()) continue;
    std::string line_text;
    for (const json& node : line) {
      const std::string tag = StringOr(node, "tag");
      if (tag == "text" || tag == "a") {
        line_text += StringOr(node, "text");
      } else if (tag == "img") {
        std::string key = StringOr(node, "image_key");
        if (!key.empty()) {
          Attachment a;
          a.kind = Attachment::Kind::kPhoto;
          a.ref = std::move(key);
          attachments.push_back(std::move(a));
        }
      }
    }
    if (!line_text.empty()) {
      if (!text.empty()) text += "\n";
      text += line_text;
    }
  }
}

std::string ContentJson(const OutboundMessage& message) {
  return DumpJson(json{{"text", RenderText(message)}});
}

}  // namespace

StatusOr<Envelope> ReadEnvelope(const json& body) {
  if (!body.is_object()) return Status::InvalidArgument("event body is not a JSON object");
  Envelope env;
  if (GetString(body, "type").value_or("") == "url_verification") {
    env.kind = Envelope::Kind::kUrlVerification;
    env.token = StringOr(body, "token");
    auto challenge = GetString(body, "challenge");
    if (!challenge) return Status::InvalidArgument("url_verification without a challenge");
    env.challenge = std::move(*challenge);
    return env;
  }
  if (GetString(body, "schema").value_or("") == "2.0") {
    const json* header = FindObject(body, "header");
    if (header == nullptr) return Status::InvalidArgument("schema 2.0 event without header");
    env.kind = Envelope::Kind::kV2;
    env.token = StringOr(*header, "token");
    env.event_type = StringOr(*header, "event_type");
    env.event_id = StringOr(*header, "event_id");
    return env;
  }
  if (FindMember(body, "uuid") != nullptr && FindObject(body, "event") != nullptr) {
    env.kind = Envelope::Kind::kV1;
    env.token = StringOr(body, "token");
    env.event_id = StringOr(body, "uuid");
    env.event_type = StringOr(*FindObject(body, "event"), "type");
    return env;
  }
  return Status::InvalidArgument("unknown event envelope");
}

StatusOr<std::optional<std::string>> EncryptedPayload(const json& body) {
  const json* encrypt = FindMember(body, "encrypt");
  if (encrypt == nullptr) return std::optional<std::string>();
  if (!encrypt->is_string()) return Status::InvalidArgument("encrypt is not a string");
  return std::optional<std::string>(encrypt->get<std::string>());
}

std::string StripMentions(std::string text, std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& key : keys) {
    if (key.empty()) continue;
    for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos)) {
      text.erase(pos, key.size());
    }
  }
  return TrimText(text);
}

StatusOr<std::optional<InboundMessage>> DecodeMessageReceive(const json& body,
                                                             const Envelope& envelope,
                                                             const std::string& channel) {
  const json* event = FindObject(body, "event");
  if (event == nullptr) return Status::InvalidArgument("receive_v1 without event");
  const json* sender = FindObject(*event, "sender");
  const json* message = FindObject(*event, "message");
  if (sender == nullptr || message == nullptr) {
    return Status::InvalidArgument("receive_v1 without sender or message");
  }
  if (StringOr(*sender, "sender_type") != "user") return std::optional<InboundMessage>();
  if (envelope.event_id.empty()) return Status::InvalidArgument("header.event_id missing");

  InboundMessage in;
  in.kind = InboundKind::kMessage;
  in.platform_message_id = envelope.event_id;
  in.conversation.channel = channel;
  const json* sender_id = FindObject(*sender, "sender_id");
  if (sender_id != nullptr) in.conversation.user_id = StringOr(*sender_id, "open_id");
  if (in.conversation.user_id.empty()) {
    return Status::InvalidArgument("sender.sender_id.open_id missing");
  }
  in.conversation.chat_id = StringOr(*message, "chat_id");
  if (in.conversation.chat_id.empty()) return Status::InvalidArgument("message.chat_id missing");
  const std::string chat_type = StringOr(*message, "chat_type");
  if (chat_type == "p2p") {
    in.conversation.chat_type = ChatType::kPrivate;
  } else if (chat_type == "group" || chat_type == "topic_group") {
    in.conversation.chat_type = ChatType::kGroup;
  } else {
    return std::optional<InboundMessage>();  // a chat kind this bot does not serve
  }
  in.reply_to = StringOr(*message, "parent_id");
  in.timestamp_ms = ParseMillis(StringOr(*message, "create_time"));

  // content is a JSON document inside a string; parse it with the same depth limit.
  const std::string message_type = StringOr(*message, "message_type");
  const std::string content_text = StringOr(*message, "content");
  json content = json::object();
  if (!content_text.empty()) {
    auto parsed = ParseUntrustedJson(content_text);
    if (!parsed.ok()) {
      return Status::InvalidArgument("message.content: " + parsed.status().message());
    }
    content = std::move(parsed).value();
    if (!content.is_object()) return Status::InvalidArgument("message.content is not an object");
  }

  std::vector<std::string> mention_keys = {"@_all"};
  if (const json* mentions = FindArray(*message, "mentions")) {
    for (const json& m : *mentions) {
      std::string key = StringOr(m, "key");
      if (!key.empty()) mention_keys.push_back(std::move(key));
    }
  }

  auto file_attachment = [&](Attachment::Kind kind) {
    std::string key = StringOr(content, "file_key");
    if (key.empty()) return;
    Attachment a;
    a.kind = kind;
    a.ref = std::move(key);
    a.label = StringOr(content, "file_name");
    in.attachments.push_back(std::move(a));
  };
  if (message_type == "text") {
    in.text = StringOr(content, "text");
  } else if (message_type == "image") {
    std::string key = StringOr(content, "image_key");
    if (!key.empty()) {
      Attachment a;
      a.kind = Attachment::Kind::kPhoto;
      a.ref = std::move(key);
      in.attachments.push_back(std::move(a));
    }
  } else if (message_type == "post") {
    ReadPost(content, in.text, in.attachments);
  } else if (message_type == "audio") {
    file_attachment(Attachment::Kind::kVoice);
  } else if (message_type == "media") {
    file_attachment(Attachment::Kind::kVideo);
  } else if (message_type == "file") {
    file_attachment(Attachment::Kind::kFile);
  }
  // Other kinds (sticker, share_chat, ...) arrive with empty text so the dialog can answer.
  // The message-resource API fetches a message's images by (message_id, image_key).
  const std::string message_id = StringOr(*message, "message_id");
  for (Attachment& a : in.attachments) a.message_id = message_id;
  in.text = StripMentions(std::move(in.text), std::move(mention_keys));
  return std::optional<InboundMessage>(std::move(in));
}

std::string RenderText(const OutboundMessage& message) {
  return RenderNumberedChoices(message.text, message.choices);
}

std::string SendUuid(const OutboundMessage& message) {
  const std::string& key = message.idempotency_key;
  if (!key.empty()) {
    const bool printable =
        std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (key.size() <= 50 && printable) return key;
    return HexEncode(Sha256(key)).substr(0, 32);
  }
  // Length-prefixed fields, so ("a|b", "c") and ("a", "b|c") differ.
  std::string input;
  auto add = [&input](std::string_view field) {
    input += std::to_string(field.size());
    input += ':';
    input += field;
  };
  add(message.to.channel);
  add(message.to.chat_id);
  add(message.text);
  add(message.reply_to);
  for (const Choice& c : message.choices) {
    add(c.label);
    add(c.payload);
  }
  return HexEncode(Sha256(input)).substr(0, 32);
}

std::string BuildCreateBody(const OutboundMessage& message, const std::string& uuid) {
  return DumpJson(json{{"receive_id", message.to.chat_id},
                       {"msg_type", "text"},
                       {"content", ContentJson(message)},
                       {"uuid", uuid}});
}

std::string BuildReplyBody(const OutboundMessage& message, const std::string& uuid) {
  return DumpJson(json{{"msg_type", "text"}, {"content", ContentJson(message)}, {"uuid", uuid}});
}

std::string BuildTokenRequest(const std::string& app_id, const std::string& app_secret) {
  return DumpJson(json{{"app_id", app_id}, {"app_secret", app_secret}});
}

StatusOr<ApiReply> ParseApiReply(std::string_view body) {
  auto parsed = ParseUntrustedJson(body);
  if (!parsed.ok()) return parsed.status();
  const json& root = *parsed;
  auto code = GetInt64(root, "code");
  if (!code) return Status::InvalidArgument("answer without an integer code");
  ApiReply reply;
  reply.code = *code;
  reply.msg = StringOr(root, "msg");
  reply.tenant_token = StringOr(root, "tenant_access_token");
  reply.expire_s = GetInt64(root, "expire").value_or(0);
  if (const json* data = FindObject(root, "data")) reply.message_id = StringOr(*data, "message_id");
  return reply;
}

CodeClass ClassifyCode(int64_t code) {
  switch (code) {
    case 0:
      return CodeClass::kOk;
    case 99991400:  // request rate limit (Open API gateway)
    case 230020:    // im: operation triggers the frequency limit
    case 11232:     // platform congestion throttling
      return CodeClass::kRetry;
    case 99991661:  // Authorization header missing / token format invalid
    case 99991663:  // tenant_access_token invalid or expired
      return CodeClass::kTokenInvalid;
    default:
      return CodeClass::kPermanent;
  }
}

}  // namespace linli::adapters::feishu

namespace linli::adapters::feishu {

ProbeResult JudgeTenantToken(const TokenOutcome& outcome) {
  ProbeResult r;
  if (!outcome.transport.empty()) {
    r.problems.push_back({"unreachable", "", {{"error", outcome.transport}}});
    return r;
  }
  if (!outcome.parsed) {
    r.problems.push_back(
        {"unreachable", "", {{"error", "HTTP " + std::to_string(outcome.http_status) +
                                           " without a Feishu answer"}}});
    return r;
  }
  const ApiReply& reply = outcome.reply;
  if (reply.code == 0 && !reply.tenant_token.empty()) return r;
  ProbeFinding f;
  f.code = std::to_string(reply.code);
  if (reply.code == 10014) {
    f.hint = "wrong_secret";
  } else {
    std::string msg = reply.msg.substr(0, 120);
    for (char& c : msg) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    f.hint = "platform_error";
    f.args.push_back({"error", "code " + std::to_string(reply.code) + (msg.empty() ? "" : " (" + msg + ")")});
  }
  r.problems.push_back(std::move(f));
  return r;
}

}  // namespace linli::adapters::feishu
