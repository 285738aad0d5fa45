// Feishu custom bot (飞书自定义机器人, ../shared/protocols/feishu.md §1, Additions): the pure
// half - the hook URL, the signed rich-text (post) body, the split of a long text and the
// reading of the answer. Signing: sign = base64(HMAC-SHA256(key = timestamp_s + "\n" +
// secret, msg = "")) (adapters/feishu/feishu_crypto.h CustomBotSign, vector
// feishu-custom-bot-sign), sent with "timestamp" (seconds, a string) in the JSON body;
// Feishu accepts a timestamp within 1 hour of its clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bot/adapter.h"

namespace linli::adapters::feishu_robot {

inline constexpr char kDefaultApiBase[] = "https://open.feishu.cn";
// The request body limit: "≤ 20 KB" (feishu.md §1; larger -> code 9499 Bad Request). Read as
// 20,000 bytes, the stricter of 20,000 and 20,480.
inline constexpr size_t kBodyMaxBytes = 20000;
// 100 requests per minute and 5 per second per bot [verified, feishu.md §1].
inline constexpr int kMessagesPerMinute = 100;
inline constexpr int kMessagesPerSecond = 5;
// How long a code 11232 (frequency control, e.g. many bots sending on the hour) waits.
inline constexpr std::chrono::milliseconds kRateLimitWait{60 * 1000};

inline constexpr int kErrFrequency = 11232;  // frequency limited (on the hour / half hour)
inline constexpr int kErrSign = 19021;       // sign match fail or timestamp not within 1 hour
inline constexpr int kErrBadRequest = 9499;  // malformed or too large body

// "{api_base}/open-apis/bot/v2/hook/<token, percent-encoded>". Never log it.
std::string SendUrl(std::string_view api_base, std::string_view token);

// {"timestamp":<ts>,"sign":<sign>,"msg_type":"post","content":{"post":{"zh_cn":{"title":"",
// "content":[[{"tag":"text","text":<line>}], ...]}}}} - one paragraph per line of `text`.
std::string RenderPost(std::string_view text, std::string_view timestamp_s, std::string_view sign);

// The text in parts such that RenderPost(part, <10-digit timestamp>, <44-byte sign>) is at
// most kBodyMaxBytes for each (JSON escaping and the per-line envelope counted), cut by
// bot/text.h SplitByBytes. Empty text: none.
std::vector<std::string> PostParts(std::string_view text);

// What a send came to (errors come with a non-zero `code`, older bots `StatusCode`; each error
// names it, "feishu_robot code 11232 frequency limited"):
//   code 0                              kSent
//   code 11232, HTTP 429                RateLimited after kRateLimitWait (not a failure)
//   HTTP 5xx                            kRetry
//   2xx with an unreadable body         kRetry (it may have been delivered)
//   code 19021 (sign), 9499, 19022 (ip),
//   19024 (keyword), any other code,
//   other HTTP 4xx                      kPermanent
SendResult InterpretReply(int http_status, std::string_view body);

}  // namespace linli::adapters::feishu_robot
