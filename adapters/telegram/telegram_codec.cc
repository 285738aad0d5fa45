#include "adapters/telegram/telegram_codec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "bot/json.h"

namespace linli::adapters::telegram {

using nlohmann::json;

namespace {

// ---- UTF-8 helpers (input may be invalid UTF-8 when it did not come through the parser) ----

// Length in bytes of the code point starting at s[i]; invalid bytes count as 1.
size_t CodePointLength(std::string_view s, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len = 1;
  uint32_t value = b0;
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    value = b0 & 0x07;
  } else if (b0 >= 0xE0) {
    len = 3;
    value = b0 & 0x0F;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    value = b0 & 0x1F;
  } else {
    *cp = b0 < 0x80 ? b0 : 0xFFFD;
    return 1;
  }
  if (b0 > 0xF4 || i + len > s.size()) {
    *cp = 0xFFFD;
    return 1;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    value = (value << 6) | (b & 0x3F);
  }
  *cp = value;
  return len;
}

size_t Utf16Units(uint32_t cp) { return cp >= 0x10000 ? 2 : 1; }

// Display columns of a code point: 2 for East Asian wide characters and emoji, else 1.
int Columns(uint32_t cp) {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
                    (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

int DisplayWidth(std::string_view s) {
  int width = 0;
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    i += CodePointLength(s, i, &cp);
    width += Columns(cp);
  }
  return width;
}

// Truncates to at most `max_units` UTF-16 code units at a code point boundary, ending with
// "…" when anything was cut.
std::string TruncateUtf16(std::string_view s, size_t max_units) {
  if (Utf16Length(s) <= max_units) return std::string(s);
  const size_t budget = max_units - 1;  // room for the ellipsis (1 unit)
  size_t units = 0;
  size_t i = 0;
  uint32_t cp = 0;
  while (i < s.size()) {
    const size_t len = CodePointLength(s, i, &cp);
    if (units + Utf16Units(cp) > budget) break;
    units += Utf16Units(cp);
    i += len;
  }
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

// Telegram's error description, made safe for a log line: control characters replaced,
// cut to 200 bytes at a UTF-8 boundary.
std::string SafeDescription(std::string_view d) {
  std::string out;
  uint32_t cp = 0;
  for (size_t i = 0; i < d.size();) {
    const size_t len = CodePointLength(d, i, &cp);
    if (out.size() + len > 200) break;
    if (cp < 0x20 || cp == 0x7F) {
      out += ' ';
    } else {
      out.append(d.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

WebhookResult Ignored() {
  WebhookResult r;
  r.immediate = IgnoredResponse();
  return r;
}

// ---- Update -> InboundMessage ----

// Fills user_id and language from a User object. False if `from` is a bot.
Status ReadUser(const json& from, InboundMessage* m, bool* is_bot) {
  const auto id = GetInt64(from, "id");
  if (!id) return Status::InvalidArgument("from.id: missing or not an integer");
  m->conversation.user_id = std::to_string(*id);
  *is_bot = GetBool(from, "is_bot").value_or(false);
  if (auto lang = GetString(from, "language_code")) {
    // IETF tag ("zh-hans", "en"): keep the primary subtag as the hint.
    m->language = ToLowerAscii(lang->substr(0, lang->find('-')));
  }
  return Status::Ok();
}

// Fills chat_id and chat_type. Sets *supported = false for channels and unknown types.
Status ReadChat(const json& chat, InboundMessage* m, bool* supported) {
  const auto id = GetInt64(chat, "id");
  if (!id) return Status::InvalidArgument("chat.id: missing or not an integer");
  const auto type = GetString(chat, "type");
  if (!type) return Status::InvalidArgument("chat.type: missing");
  m->conversation.chat_id = std::to_string(*id);
  *supported = true;
  if (*type == "private") {
    m->conversation.chat_type = ChatType::kPrivate;
  } else if (*type == "group" || *type == "supergroup") {
    m->conversation.chat_type = ChatType::kGroup;
  } else {
    *supported = false;
  }
  return Status::Ok();
}

std::optional<Attachment> FileAttachment(const json& msg, std::string_view key,
                                         Attachment::Kind kind) {
  const json* obj = FindObject(msg, key);
  if (obj == nullptr) return std::nullopt;
  auto file_id = GetString(*obj, "file_id");
  if (!file_id || file_id->empty()) return std::nullopt;
  Attachment a;
  a.kind = kind;
  a.ref = std::move(*file_id);
  return a;
}

void ReadAttachments(const json& msg, std::vector<Attachment>* out) {
  if (const json* photos = FindArray(msg, "photo")) {
    // Several sizes of one picture: keep the largest (the last one on ties).
    // Width and height are untrusted int64s: their product is taken in 128 bits (in 64 it
    // overflows for huge values - undefined behaviour), a negative side counts as 0.
    const json* best = nullptr;
    __int128 best_area = -1;
    for (const json& size : *photos) {
      auto file_id = GetString(size, "file_id");
      if (!file_id || file_id->empty()) continue;
      const __int128 area =
          static_cast<__int128>(std::max<int64_t>(0, GetInt64(size, "width").value_or(0))) *
          std::max<int64_t>(0, GetInt64(size, "height").value_or(0));
      if (area >= best_area) {
        best_area = area;
        best = &size;
      }
    }
    if (best != nullptr) {
      Attachment a;
      a.kind = Attachment::Kind::kPhoto;
      a.ref = *GetString(*best, "file_id");
      out->push_back(std::move(a));
    }
  }
  if (auto a = FileAttachment(msg, "voice", Attachment::Kind::kVoice)) out->push_back(*a);
  if (auto a = FileAttachment(msg, "video", Attachment::Kind::kVideo)) out->push_back(*a);
  if (auto a = FileAttachment(msg, "video_note", Attachment::Kind::kVideo)) out->push_back(*a);
  if (auto a = FileAttachment(msg, "document", Attachment::Kind::kFile)) {
    a->label = GetString(*FindObject(msg, "document"), "file_name").value_or("");
    out->push_back(*a);
  }
  if (const json* loc = FindObject(msg, "location")) {
    const auto lat = GetDouble(*loc, "latitude");
    const auto lon = GetDouble(*loc, "longitude");
    if (lat && lon) {
      Attachment a;
      a.kind = Attachment::Kind::kLocation;
      a.latitude = *lat;
      a.longitude = *lon;
      if (const json* venue = FindObject(msg, "venue")) {
        a.label = GetString(*venue, "title").value_or("");
      }
      out->push_back(std::move(a));
    }
  }
}

// "/report@linli_bot 3号楼" -> "/report 3号楼". Returns false when the command is addressed
// to another bot.
bool NormalizeCommand(std::string* text, const std::string& bot_username) {
  if (text->empty() || (*text)[0] != '/') return true;
  const size_t end = text->find_first_of(" \t\n");
  const size_t token_end = end == std::string::npos ? text->size() : end;
  const size_t at = text->find('@');
  if (at == std::string::npos || at > token_end) return true;
  const std::string target = text->substr(at + 1, token_end - at - 1);
  if (!bot_username.empty() && ToLowerAscii(target) != ToLowerAscii(bot_username)) return false;
  text->erase(at, token_end - at);
  return true;
}

StatusOr<WebhookResult> DecodeMessage(const json& msg, const DecodeOptions& options,
                                      InboundMessage m) {
  const auto message_id = GetInt64(msg, "message_id");
  if (!message_id) return Status::InvalidArgument("message.message_id: missing");
  const json* chat = FindObject(msg, "chat");
  if (chat == nullptr) return Status::InvalidArgument("message.chat: missing");
  bool supported = false;
  LINLI_RETURN_IF_ERROR(ReadChat(*chat, &m, &supported));
  if (!supported) return Ignored();
  const json* from = FindObject(msg, "from");
  if (from == nullptr) return Ignored();  // anonymous admin / posted on behalf of a chat
  bool is_bot = false;
  LINLI_RETURN_IF_ERROR(ReadUser(*from, &m, &is_bot));
  if (is_bot) return Ignored();

  m.kind = InboundKind::kMessage;
  if (auto text = GetString(msg, "text")) {
    m.text = std::move(*text);
    if (!NormalizeCommand(&m.text, options.bot_username)) return Ignored();
  } else if (auto caption = GetString(msg, "caption")) {
    m.text = std::move(*caption);
  }
  ReadAttachments(msg, &m.attachments);
  if (m.text.empty() && m.attachments.empty()) return Ignored();  // stickers, service messages
  if (const json* reply = FindObject(msg, "reply_to_message")) {
    if (auto id = GetInt64(*reply, "message_id")) m.reply_to = std::to_string(*id);
  }
  if (auto date = GetInt64(msg, "date"); date && *date > 0) m.timestamp_ms = *date * 1000;
  WebhookResult r;
  r.message = std::move(m);
  return r;
}

StatusOr<WebhookResult> DecodeCallbackQuery(const json& query, InboundMessage m) {
  auto id = GetString(query, "id");
  if (!id || id->empty()) return Status::InvalidArgument("callback_query.id: missing");
  const json* from = FindObject(query, "from");
  if (from == nullptr) return Status::InvalidArgument("callback_query.from: missing");
  bool is_bot = false;
  LINLI_RETURN_IF_ERROR(ReadUser(*from, &m, &is_bot));
  if (is_bot) return Ignored();
  auto data = GetString(query, "data");
  if (!data) return Ignored();  // game callbacks carry no data

  if (const json* msg = FindObject(query, "message")) {
    const json* chat = FindObject(*msg, "chat");
    if (chat == nullptr) return Status::InvalidArgument("callback_query.message.chat: missing");
    bool supported = false;
    LINLI_RETURN_IF_ERROR(ReadChat(*chat, &m, &supported));
    if (!supported) return Ignored();
    // The message carrying the button: lets a flow tell which card was tapped.
    if (auto mid = GetInt64(*msg, "message_id")) m.reply_to = std::to_string(*mid);
  } else {
    // Button on an inline-mode message: no chat; answer the user privately.
    m.conversation.chat_id = m.conversation.user_id;
    m.conversation.chat_type = ChatType::kPrivate;
  }
  m.kind = InboundKind::kButton;
  m.payload = std::move(*data);
  m.callback_id = std::move(*id);
  WebhookResult r;
  r.message = std::move(m);
  return r;
}

// ---- OutboundMessage -> request ----

json ChatIdValue(const std::string& chat_id) {
  int64_t n = 0;
  if (ParseInt64(chat_id, &n)) return n;
  return chat_id;
}

StatusOr<json> InlineKeyboard(const std::vector<Choice>& choices) {
  LINLI_RETURN_IF_ERROR(CheckChoices(choices));
  int widest = 0;
  for (const Choice& c : choices) widest = std::max(widest, DisplayWidth(c.label));
  const size_t per_row = widest <= 8 ? 3 : widest <= 16 ? 2 : 1;
  json rows = json::array();
  for (size_t i = 0; i < choices.size(); i += per_row) {
    json row = json::array();
    for (size_t k = i; k < std::min(choices.size(), i + per_row); ++k) {
      row.push_back({{"text", choices[k].label}, {"callback_data", choices[k].payload}});
    }
    rows.push_back(std::move(row));
  }
  return json{{"inline_keyboard", std::move(rows)}};
}

}  // namespace

Status CheckChoices(const std::vector<Choice>& choices) {
  for (size_t i = 0; i < choices.size(); ++i) {
    const Choice& c = choices[i];
    const std::string where = "choices[" + std::to_string(i) + "]";
    if (c.label.empty()) return Status::InvalidArgument(where + ".label: empty");
    if (c.payload.empty()) return Status::InvalidArgument(where + ".payload: empty");
    if (c.payload.size() > kMaxCallbackDataBytes) {
      return Status::InvalidArgument(where + ".payload: " + std::to_string(c.payload.size()) +
                                     " bytes, Telegram callback_data allows 64");
    }
  }
  return Status::Ok();
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') return false;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) return false;
  *out = v;
  return true;
}

size_t Utf16Length(std::string_view s) {
  size_t units = 0;
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    i += CodePointLength(s, i, &cp);
    units += Utf16Units(cp);
  }
  return units;
}

HttpResponse IgnoredResponse() { return HttpResponse::Text(200, ""); }

StatusOr<WebhookResult> DecodeUpdate(std::string_view body, const DecodeOptions& options) {
  LINLI_ASSIGN_OR_RETURN(const json update, ParseUntrustedJson(body));
  if (!update.is_object()) return Status::InvalidArgument("update: not a JSON object");
  const auto update_id = GetInt64(update, "update_id");
  if (!update_id) return Status::InvalidArgument("update_id: missing or not an integer");

  InboundMessage m;
  m.conversation.channel = options.channel;
  m.platform_message_id = "u" + std::to_string(*update_id);

  if (const json* msg = FindMember(update, "message")) {
    if (!msg->is_object()) return Status::InvalidArgument("message: not an object");
    return DecodeMessage(*msg, options, std::move(m));
  }
  if (const json* query = FindMember(update, "callback_query")) {
    if (!query->is_object()) return Status::InvalidArgument("callback_query: not an object");
    return DecodeCallbackQuery(*query, std::move(m));
  }
  return Ignored();
}

namespace {

// The method and parameters of the call for `message` (EncodeSend's contract).
Status EncodeSendBody(const OutboundMessage& message, ApiCall* call_out, json* body_out) {
  ApiCall& call = *call_out;
  json& body = *body_out;
  switch (message.kind) {
    case OutboundKind::kText: {
      if (message.to.chat_id.empty()) return Status::InvalidArgument("to.chat_id: empty");
      if (message.text.empty()) return Status::InvalidArgument("text: empty");
      call.method = "sendMessage";
      body["chat_id"] = ChatIdValue(message.to.chat_id);
      body["text"] = TruncateUtf16(message.text, kMaxTextUtf16);
      if (!message.choices.empty()) {
        LINLI_ASSIGN_OR_RETURN(body["reply_markup"], InlineKeyboard(message.choices));
      }
      if (!message.edit_of.empty()) {
        int64_t edit_of = 0;
        if (!ParseInt64(message.edit_of, &edit_of)) {
          return Status::InvalidArgument("edit_of: not a message id");
        }
        call.method = "editMessageText";
        body["message_id"] = edit_of;
        break;
      }
      int64_t reply_to = 0;
      if (ParseInt64(message.reply_to, &reply_to)) {
        body["reply_parameters"] = {{"message_id", reply_to},
                                    {"allow_sending_without_reply", true}};
      }
      break;
    }
    case OutboundKind::kCallbackAnswer: {
      if (message.callback_id.empty()) return Status::InvalidArgument("callback_id: empty");
      call.method = "answerCallbackQuery";
      body["callback_query_id"] = message.callback_id;
      if (!message.text.empty()) {
        body["text"] = TruncateUtf16(message.text, kMaxCallbackAnswerUtf16);
      }
      break;
    }
    default:
      return Status::InvalidArgument("unsupported outbound kind");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ApiCall> EncodeSend(const OutboundMessage& message) {
  ApiCall call;
  json body = json::object();
  LINLI_RETURN_IF_ERROR(EncodeSendBody(message, &call, &body));
  call.body = DumpJson(body);
  return call;
}

StatusOr<HttpResponse> EncodeWebhookAnswer(const OutboundMessage& message) {
  if (message.image) return Status::InvalidArgument("image: not answered in the webhook response");
  ApiCall call;
  json body = json::object();
  LINLI_RETURN_IF_ERROR(EncodeSendBody(message, &call, &body));
  body["method"] = call.method;
  return HttpResponse::Json(200, DumpJson(body));
}

namespace {

std::string PhotoFileName(const std::string& content_type) {
  if (content_type == "image/png") return "photo.png";
  if (content_type == "image/gif") return "photo.gif";
  if (content_type == "image/webp") return "photo.webp";
  return "photo.jpg";
}

// The fields sendPhoto takes besides the photo itself, as JSON values.
StatusOr<json> PhotoFields(const OutboundMessage& message) {
  if (!message.image) return Status::InvalidArgument("image: none");
  if (message.to.chat_id.empty()) return Status::InvalidArgument("to.chat_id: empty");
  json body = json::object();
  body["chat_id"] = ChatIdValue(message.to.chat_id);
  if (!message.image->caption.empty()) {
    body["caption"] = TruncateUtf16(message.image->caption, kMaxCaptionUtf16);
  }
  int64_t reply_to = 0;
  if (ParseInt64(message.reply_to, &reply_to)) {
    body["reply_parameters"] = {{"message_id", reply_to}, {"allow_sending_without_reply", true}};
  }
  return body;
}

}  // namespace

StatusOr<ApiCall> EncodeSendPhotoById(const OutboundMessage& message) {
  LINLI_ASSIGN_OR_RETURN(json body, PhotoFields(message));
  if (message.image->platform_ref.empty()) return Status::InvalidArgument("image: no file id");
  body["photo"] = message.image->platform_ref;
  ApiCall call;
  call.method = "sendPhoto";
  call.body = DumpJson(body);
  return call;
}

std::string MultipartBoundary(std::string_view bytes) {
  std::string boundary = "linli-photo-boundary-7MA4YWxkTrZu0gW";
  while (bytes.find(boundary) != std::string_view::npos) boundary += "x";
  return boundary;
}

StatusOr<ApiCall> EncodeSendPhotoUpload(const OutboundMessage& message, std::string_view bytes) {
  LINLI_ASSIGN_OR_RETURN(json fields, PhotoFields(message));
  if (bytes.empty()) return Status::InvalidArgument("image: empty file");
  if (bytes.size() > kMaxPhotoUploadBytes) return Status::InvalidArgument("image: over 10 MB");
  const std::string boundary = MultipartBoundary(bytes);
  std::string body;
  auto field = [&](const std::string& name, const std::string& value) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  };
  const json& chat = fields["chat_id"];
  field("chat_id", chat.is_string() ? chat.get<std::string>() : chat.dump());
  if (fields.contains("caption")) field("caption", fields["caption"].get<std::string>());
  if (fields.contains("reply_parameters")) field("reply_parameters", DumpJson(fields["reply_parameters"]));
  const std::string type =
      message.image->content_type.empty() ? "image/jpeg" : message.image->content_type;
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"" +
          PhotoFileName(type) + "\"\r\nContent-Type: " + type + "\r\n\r\n";
  body.append(bytes.data(), bytes.size());
  body += "\r\n--" + boundary + "--\r\n";
  ApiCall call;
  call.method = "sendPhoto";
  call.body = std::move(body);
  call.content_type = "multipart/form-data; boundary=" + boundary;
  return call;
}

SendResult DecodeSendResponse(std::string_view method, const StatusOr<HttpResponse>& response) {
  const std::string what = "telegram " + std::string(method);
  if (!response.ok()) {
    const Status& st = response.status();
    switch (st.code()) {
      case StatusCode::kDeadlineExceeded:
        return SendResult::Retry(what + ": timed out, the request may have been delivered");
      case StatusCode::kInvalidArgument:
        return SendResult::Permanent(what + ": bad request URL (check api_base)");
      default:
        return SendResult::Retry(what + ": " + StatusCodeName(st.code()));
    }
  }
  const HttpResponse& r = *response;
  auto parsed = ParseUntrustedJson(r.body);
  const json body = parsed.ok() ? std::move(parsed).value() : json();
  const auto ok = GetBool(body, "ok");

  int64_t code = r.status;
  if (r.status >= 200 && r.status < 300) {
    if (ok == true) {
      const json* result = FindObject(body, "result");
      if (result != nullptr) {
        if (auto id = GetInt64(*result, "message_id")) return SendResult::Sent(std::to_string(*id));
      }
      return SendResult::Sent();
    }
    if (ok != false) {
      return SendResult::Retry(what + ": HTTP " + std::to_string(r.status) +
                               " without a Bot API response");
    }
    code = GetInt64(body, "error_code").value_or(400);
  }

  std::string error = what + ": HTTP " + std::to_string(code);
  if (auto description = GetString(body, "description")) {
    error += ": " + SafeDescription(*description);
  }
  const json* parameters = FindObject(body, "parameters");
  if (code == 429) {
    int64_t seconds = parameters != nullptr ? GetInt64(*parameters, "retry_after").value_or(0) : 0;
    seconds = std::clamp<int64_t>(seconds, 0, 24 * 3600);
    return SendResult::RateLimited(error, std::chrono::seconds(seconds));
  }
  if (code >= 500) return SendResult::Retry(error);
  // An edit to the text the message already has (a card updated to the same state): the
  // message shows what was meant, so it is done - not a failure to log or retry.
  if (code == 400 && method == "editMessageText") {
    const auto description = GetString(body, "description");
    if (description && description->find("message is not modified") != std::string::npos) {
      return SendResult::Sent();
    }
  }
  if (code >= 400) {
    if (parameters != nullptr && FindMember(*parameters, "migrate_to_chat_id") != nullptr) {
      error += " (group migrated to a supergroup)";
    }
    return SendResult::Permanent(error);
  }
  return SendResult::Retry(error);
}

}  // namespace linli::adapters::telegram
