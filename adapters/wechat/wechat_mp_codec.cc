#include "adapters/wechat/wechat_mp_codec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

#include "bot/json.h"
#include "bot/text.h"
#include "adapters/wechat/wechat_xml.h"

namespace linli::adapters::wechat {

namespace {

// Unix seconds; anything larger is garbage (and would overflow timestamp_ms).
constexpr int64_t kMaxCreateTime = 100'000'000'000;

std::string_view TrimXmlSpace(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const std::string* Find(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? nullptr : &it->second;
}

StatusOr<std::string> Required(const std::map<std::string, std::string>& f,
                               const std::string& key) {
  const std::string* v = Find(f, key);
  if (v == nullptr || v->empty()) return Status::InvalidArgument("xml: missing " + key);
  return *v;
}

std::string Optional(const std::map<std::string, std::string>& f, const std::string& key) {
  const std::string* v = Find(f, key);
  return v == nullptr ? std::string() : *v;
}

StatusOr<int64_t> ParseInt(std::string_view s, const std::string& key) {
  s = TrimXmlSpace(s);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < 0) {
    return Status::InvalidArgument("xml: bad " + key);
  }
  return v;
}

// MsgId is a 64-bit unsigned integer; keep it as its digits.
StatusOr<std::string> ParseMsgId(std::string_view s) {
  s = TrimXmlSpace(s);
  if (s.empty() || s.size() > 20 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("xml: bad MsgId");
  }
  return std::string(s);
}

StatusOr<double> ParseCoordinate(std::string_view s, const std::string& key, double limit) {
  s = TrimXmlSpace(s);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) ||
      std::fabs(v) > limit) {
    return Status::InvalidArgument("xml: bad " + key);
  }
  return v;
}

// Events that become a turn; names as WeChat (upper case) and WeCom (lower case) send them.
EventKind KnownEvent(const std::string& lower) { return ParseEventKind(lower); }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

StatusOr<ParsedInbound> ParseInboundFields(const std::map<std::string, std::string>& f,
                                           std::string_view channel) {
  ParsedInbound out;
  LINLI_ASSIGN_OR_RETURN(out.to_user, Required(f, "ToUserName"));
  LINLI_ASSIGN_OR_RETURN(out.from_user, Required(f, "FromUserName"));
  LINLI_ASSIGN_OR_RETURN(std::string create_time, Required(f, "CreateTime"));
  LINLI_ASSIGN_OR_RETURN(out.create_time, ParseInt(create_time, "CreateTime"));
  if (out.create_time > kMaxCreateTime) return Status::InvalidArgument("xml: bad CreateTime");
  LINLI_ASSIGN_OR_RETURN(std::string msg_type, Required(f, "MsgType"));
  msg_type = Lower(TrimXmlSpace(msg_type));

  InboundMessage m;
  m.conversation.channel = std::string(channel);
  m.conversation.user_id = out.from_user;
  m.conversation.chat_id = out.from_user;
  m.conversation.chat_type = ChatType::kPrivate;
  m.timestamp_ms = out.create_time * 1000;

  if (msg_type == "event") {
    LINLI_ASSIGN_OR_RETURN(std::string event, Required(f, "Event"));
    const EventKind known = KnownEvent(Lower(TrimXmlSpace(event)));
    if (known == EventKind::kNone) return out;  // acknowledged, no turn
    m.kind = InboundKind::kEvent;
    m.event = known;
    m.platform_message_id = "ev:" + out.from_user + ":" + std::to_string(out.create_time);
    m.payload = Optional(f, "EventKey");
    if (m.event == EventKind::kSubscribe && m.payload.rfind("qrscene_", 0) == 0) {
      m.payload.erase(0, 8);
    }
    if (m.event == EventKind::kLocation) {
      LINLI_ASSIGN_OR_RETURN(std::string lat, Required(f, "Latitude"));
      LINLI_ASSIGN_OR_RETURN(std::string lon, Required(f, "Longitude"));
      Attachment a;
      a.kind = Attachment::Kind::kLocation;
      LINLI_ASSIGN_OR_RETURN(a.latitude, ParseCoordinate(lat, "Latitude", 90));
      LINLI_ASSIGN_OR_RETURN(a.longitude, ParseCoordinate(lon, "Longitude", 180));
      m.attachments.push_back(std::move(a));
    }
    out.message = std::move(m);
    return out;
  }

  LINLI_ASSIGN_OR_RETURN(std::string msg_id, Required(f, "MsgId"));
  LINLI_ASSIGN_OR_RETURN(m.platform_message_id, ParseMsgId(msg_id));
  m.kind = InboundKind::kMessage;
  if (msg_type == "text") {
    const std::string* content = Find(f, "Content");
    if (content == nullptr) return Status::InvalidArgument("xml: missing Content");
    m.text = *content;
  } else if (msg_type == "image") {
    Attachment a;
    a.kind = Attachment::Kind::kPhoto;
    LINLI_ASSIGN_OR_RETURN(a.ref, Required(f, "MediaId"));
    m.attachments.push_back(std::move(a));
  } else if (msg_type == "voice") {
    Attachment a;
    a.kind = Attachment::Kind::kVoice;
    LINLI_ASSIGN_OR_RETURN(a.ref, Required(f, "MediaId"));
    a.label = Optional(f, "Recognition");
    m.attachments.push_back(std::move(a));
  } else if (msg_type == "video" || msg_type == "shortvideo") {
    Attachment a;
    a.kind = Attachment::Kind::kVideo;
    LINLI_ASSIGN_OR_RETURN(a.ref, Required(f, "MediaId"));
    m.attachments.push_back(std::move(a));
  } else if (msg_type == "location") {
    LINLI_ASSIGN_OR_RETURN(std::string lat, Required(f, "Location_X"));
    LINLI_ASSIGN_OR_RETURN(std::string lon, Required(f, "Location_Y"));
    Attachment a;
    a.kind = Attachment::Kind::kLocation;
    LINLI_ASSIGN_OR_RETURN(a.latitude, ParseCoordinate(lat, "Location_X", 90));
    LINLI_ASSIGN_OR_RETURN(a.longitude, ParseCoordinate(lon, "Location_Y", 180));
    a.label = Optional(f, "Label");
    m.attachments.push_back(std::move(a));
  } else if (msg_type == "link") {
    Attachment a;
    a.kind = Attachment::Kind::kLink;
    LINLI_ASSIGN_OR_RETURN(a.ref, Required(f, "Url"));
    a.label = Optional(f, "Title");
    m.attachments.push_back(std::move(a));
  }
  // Other message types (file, miniprogrampage, ...) arrive as an empty kMessage.
  out.message = std::move(m);
  return out;
}

StatusOr<ParsedInbound> ParseInboundXml(std::string_view xml, std::string_view channel) {
  LINLI_ASSIGN_OR_RETURN(auto fields, ParseFlatXml(xml));
  return ParseInboundFields(fields, channel);
}

std::string SanitizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07, min = 0x10000;
    }
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (!ok) {
      AppendUtf8(out, 0xFFFD);
      ++i;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // "…"
  if (max_bytes < kEllipsis.size()) return {};
  size_t cut = max_bytes - kEllipsis.size();
  // Back up to the start of a character (never split a multi-byte sequence).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out.append(kEllipsis);
  return out;
}

std::string RenderText(const std::vector<OutboundMessage>& messages) {
  std::string out;
  for (const auto& m : messages) {
    if (m.kind != OutboundKind::kText) continue;
    const std::string part = RenderNumberedChoices(m.text, m.choices, {.gap = "\n"});
    if (part.empty()) continue;
    if (!out.empty()) out.append("\n\n");
    out.append(part);
  }
  return TruncateUtf8(SanitizeText(out), kMaxTextBytes);
}

std::string RenderTextReplyXml(std::string_view to_user, std::string_view from_user,
                               int64_t create_time, std::string_view content) {
  return XmlBuilder()
      .Text("ToUserName", to_user)
      .Text("FromUserName", from_user)
      .Number("CreateTime", static_cast<long long>(create_time))
      .Text("MsgType", "text")
      .Text("Content", content)
      .Build();
}

std::string RenderEncryptedReplyXml(std::string_view encrypt, std::string_view msg_signature,
                                    std::string_view timestamp, std::string_view nonce) {
  return XmlBuilder()
      .Text("Encrypt", encrypt)
      .Text("MsgSignature", msg_signature)
      .Number("TimeStamp", timestamp)
      .Text("Nonce", nonce)
      .Build();
}

StatusOr<std::string> RenderEncryptedReply(const MsgCrypt& crypt, std::string_view reply_xml,
                                           std::string_view timestamp, std::string_view nonce,
                                           const Random16& random16) {
  LINLI_ASSIGN_OR_RETURN(std::string encrypt, crypt.Encrypt(reply_xml, random16));
  const std::string signature = crypt.Signature(timestamp, nonce, encrypt);
  return RenderEncryptedReplyXml(encrypt, signature, timestamp, nonce);
}

std::string RenderCustomSendJson(std::string_view touser, std::string_view content) {
  nlohmann::json body = {
      {"touser", std::string(touser)},
      {"msgtype", "text"},
      {"text", {{"content", std::string(content)}}},
  };
  return DumpJson(body);
}

}  // namespace linli::adapters::wechat
