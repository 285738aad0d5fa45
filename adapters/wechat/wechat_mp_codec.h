// Pure mapping between WeChat-family message XML and the platform-neutral messages
// (STYLE.md 4). The inbound field names are shared by the Official Account and WeCom app
// callbacks, so wecom_codec reuses ParseInboundFields and the reply renderers.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/wechat/wechat_crypto.h"
#include "bot/message.h"
#include "bot/status.h"

namespace linli::adapters::wechat {

// Byte limit applied to passive-reply, customer-service and WeCom app text. 2048 bytes
// (UTF-8) is documented only for WeCom group-robot text (protocols/wecom.md §4); the docs we
// hold state no limit for OA text replies, OA customer-service text or WeCom app text, so
// there it is [unverified] and deliberately conservative.
inline constexpr size_t kMaxTextBytes = 2048;

// What one inbound message XML says.
struct ParsedInbound {
  // Unset for events Linli does not handle (template-send reports, enter_agent, ...): the
  // webhook is acknowledged and no turn runs.
  std::optional<InboundMessage> message;
  std::string to_user;    // ToUserName: OA original id (gh_...) or WeCom CorpID
  std::string from_user;  // FromUserName: OpenID (OA) or member UserID (WeCom)
  int64_t create_time = 0;
};

// Maps the fields of one decrypted/plain message (see ParseFlatXml) to an InboundMessage for
// `channel`. Mapping:
//   text -> kMessage text=Content; image -> kPhoto ref=MediaId (PicUrl is not kept);
//   voice -> kVoice ref=MediaId label=Recognition; video/shortvideo -> kVideo ref=MediaId;
//   location -> kLocation lat=Location_X lon=Location_Y label=Label; link -> kLink ref=Url
//   label=Title; other message types -> kMessage with no text (the dialogs ask again);
//   event subscribe/unsubscribe/CLICK/SCAN/VIEW/LOCATION -> kEvent with that EventKind,
//   payload=EventKey ("qrscene_" stripped for subscribe), LOCATION adds a kLocation
//   attachment from Latitude/Longitude; other events -> no message.
// platform_message_id = MsgId, or "ev:" + FromUserName + ":" + CreateTime for events.
// conversation: user_id = chat_id = FromUserName, private.
// Errors: kInvalidArgument naming the missing or malformed field (never its value).
StatusOr<ParsedInbound> ParseInboundFields(const std::map<std::string, std::string>& fields,
                                           std::string_view channel);

// ParseFlatXml + ParseInboundFields.
StatusOr<ParsedInbound> ParseInboundXml(std::string_view xml, std::string_view channel);

// Replaces invalid UTF-8 with U+FFFD and drops control characters XML 1.0 forbids
// (everything below 0x20 except \t \n \r), so the text is safe in XML and JSON.
std::string SanitizeText(std::string_view text);

// Cuts `text` to at most `max_bytes` bytes at a UTF-8 character boundary, ending with "…"
// when anything was cut.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

// The text of the outbound messages as WeChat shows it: each kText message's text followed
// by its choices as numbered lines ("1. 设施维修"), messages separated by a blank line;
// other kinds are skipped. Sanitised and truncated to kMaxTextBytes.
std::string RenderText(const std::vector<OutboundMessage>& messages);

// The passive text reply XML: ToUserName, FromUserName, CreateTime, MsgType=text, Content.
std::string RenderTextReplyXml(std::string_view to_user, std::string_view from_user,
                               int64_t create_time, std::string_view content);

// The wrapper of an encrypted passive reply: Encrypt, MsgSignature, TimeStamp, Nonce.
std::string RenderEncryptedReplyXml(std::string_view encrypt, std::string_view msg_signature,
                                    std::string_view timestamp, std::string_view nonce);

// Encrypts `reply_xml` and wraps it with RenderEncryptedReplyXml; MsgSignature covers
// [token, timestamp, nonce, Encrypt]. kInternal if encryption fails.
StatusOr<std::string> RenderEncryptedReply(const MsgCrypt& crypt, std::string_view reply_xml,
                                           std::string_view timestamp, std::string_view nonce,
                                           const Random16& random16);

// The customer-service send body: {"touser","msgtype":"text","text":{"content"}}.
std::string RenderCustomSendJson(std::string_view touser, std::string_view content);

}  // namespace linli::adapters::wechat
