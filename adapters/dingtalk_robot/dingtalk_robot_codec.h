// DingTalk custom robot (钉钉自定义机器人, ../shared/protocols/dingtalk.md §1, §2, Additions):
// the pure half - the signed send URL, the markdown body, the split of a long text and the
// reading of the answer. Signing: sign = urlencode(base64(HMAC-SHA256(key = secret,
// msg = timestamp_ms + "\n" + secret))) (adapters/dingtalk/dingtalk_sign.h CustomRobotSign,
// vector dingtalk-custom-robot-sign); DingTalk accepts a timestamp within 1 hour of its clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/adapter.h"

namespace linli::adapters::dingtalk_robot {

inline constexpr char kDefaultApiBase[] = "https://oapi.dingtalk.com";
// The request BODY limit in bytes (dingtalk.md Additions: "body ... 20000 bytes", errcode
// 460101 beyond); the parts are cut so the whole rendered JSON stays within it.
inline constexpr size_t kBodyMaxBytes = 20000;
// 20 messages per minute per robot; beyond, errcode 130101 and the robot is blocked for
// 10 minutes [verified, dingtalk.md §1].
inline constexpr int kMessagesPerMinute = 20;
inline constexpr std::chrono::milliseconds kBlockAfterTooFast{10 * 60 * 1000};
// The markdown title (shown in the conversation list) is the text's first line, cut to this.
inline constexpr size_t kTitleMaxBytes = 64;

inline constexpr int kErrTooFast = 130101;   // send too fast, exceed 20 times per minute
inline constexpr int kErrTooLong = 460101;   // message too long, exceed 20000 bytes
inline constexpr int kErrSecurity = 310000;  // keywords / invalid timestamp / sign not match / ip

// "{api_base}/robot/send?access_token=<token>&timestamp=<ms>&sign=<sign>" with the sign over
// `timestamp_ms` and `secret`. Never log it.
std::string SendUrl(std::string_view api_base, std::string_view access_token,
                    std::string_view timestamp_ms, std::string_view secret);

// The title for a text: its first non-empty line, at most kTitleMaxBytes (at a character
// boundary); "Linli" for a text without one.
std::string TitleOf(std::string_view text);

// {"msgtype":"markdown","markdown":{"title":<title>,"text":<text>}}.
std::string RenderMarkdown(std::string_view title, std::string_view text);

// The text in parts such that RenderMarkdown(TitleOf(part), part) is at most kBodyMaxBytes
// for each (JSON escaping counted, room kept for the longest title), cut by bot/text.h
// SplitByBytes. Empty text: none.
std::vector<std::string> MarkdownParts(std::string_view text);

// What a send came to (errors come as HTTP 200 with a non-zero errcode; each error names it,
// "dingtalk_robot errcode 130101 send too fast"):
//   errcode 0                            kSent
//   errcode 130101, HTTP 429             RateLimited after kBlockAfterTooFast (the whole robot)
//   errcode -1 (busy), HTTP 5xx          kRetry
//   2xx with an unreadable body          kRetry (it may have been delivered)
//   errcode 310000 (security check),
//   460101 (too long), any other code,
//   other HTTP 4xx                       kPermanent
SendResult InterpretReply(int http_status, std::string_view body);

}  // namespace linli::adapters::dingtalk_robot
