// Pure mapping for the WeCom (企业微信) self-built app channel. The decrypted callback XML uses
// the Official Account's field names (protocols/wecom.md §2), so inbound parsing and reply
// rendering reuse adapters/wechat/wechat_mp_codec.h; this file holds what differs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/wechat/wechat_api.h"
#include "bot/status.h"

namespace linli::adapters::wecom {

// WeCom errcodes: 40014/42001 refetch the token; -1 (busy), 45009 (frequency), 45033
// (concurrency) retry; nothing is deferred (no reply window); others are permanent.
const wechat::ErrcodePolicy& WecomPolicy();

// A member UserID Linli may address alone: non-empty, not "@all" (everyone in the app's
// range) and without '|' (touser's list separator) - so a stored id can never broadcast.
bool IsSingleRecipient(std::string_view user_id);

// The app-message body: {"touser","msgtype":"text","agentid":<int>,"text":{"content"},
// "enable_duplicate_check":1,"duplicate_check_interval":1800}. WeCom suppresses an identical
// message to the same member within the interval, which makes redelivered outbox items
// harmless (SECURITY.md "Durability").
std::string RenderAppSendJson(std::string_view touser, int64_t agent_id, std::string_view content);

// The passive reply plaintext: ToUserName = member UserID, FromUserName = CorpID.
std::string RenderReplyXml(std::string_view user_id, std::string_view corp_id, int64_t create_time,
                           std::string_view content);

}  // namespace linli::adapters::wecom
