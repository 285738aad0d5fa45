// WeCom group robot (企业微信群机器人, ../shared/protocols/wecom.md §4): the pure half - the
// send URL, the markdown body, the split of a long text and the reading of the answer. The
// `key` in the URL is the only credential (no signature): the URL is a secret.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bot/adapter.h"

namespace linli::adapters::wecom_robot {

inline constexpr char kDefaultApiBase[] = "https://qyapi.weixin.qq.com";
// markdown.content limit in UTF-8 bytes; beyond it WeCom answers errcode 40058.
inline constexpr size_t kMarkdownMaxBytes = 4096;
// 20 messages per minute per robot [verified]; beyond: errcode 45009 [SDK].
inline constexpr int kMessagesPerMinute = 20;
// How long a 45009 (api freq out of limit) keeps the robot waiting: the rolling minute.
inline constexpr std::chrono::milliseconds kRateLimitWait{60 * 1000};

inline constexpr int kErrFrequency = 45009;     // api freq out of limit
inline constexpr int kErrTooLong = 40058;       // markdown.content exceed max length 4096
inline constexpr int kErrInvalidWebhook = 93000;  // invalid webhook url (wrong/removed key)

// "{api_base}/cgi-bin/webhook/send?key=<key, percent-encoded>". Never log it.
std::string SendUrl(std::string_view api_base, std::string_view key);

// The text in parts of at most kMarkdownMaxBytes bytes of content each (bot/text.h
// SplitByBytes: at line boundaries, long lines at character boundaries). Empty text: none.
std::vector<std::string> MarkdownParts(std::string_view text);

// {"msgtype":"markdown","markdown":{"content":<content>}}.
std::string RenderMarkdown(std::string_view content);

// image message: the raw picture at most this many bytes (before base64), JPG or PNG only
// (wecom.md §4 [SDK]). Larger or other formats: the adapter sends the message's text instead.
inline constexpr size_t kImageMaxBytes = 2 * 1024 * 1024;

// {"msgtype":"image","image":{"base64":<base64 of bytes>,"md5":<lowercase hex md5 of the raw
// bytes>}}. The caller checks kImageMaxBytes and the format (bot/image_file.h JpegOrPng).
std::string RenderImage(std::string_view bytes);

// What a send came to, from the HTTP status and body (errors come as HTTP 200 with a non-zero
// errcode; each error names it: "wecom_robot errcode 45009 api freq out of limit"):
//   errcode 0                              kSent
//   errcode 45009, HTTP 429                RateLimited after kRateLimitWait (not a failure)
//   errcode -1 (system busy), HTTP 5xx     kRetry
//   2xx with an unreadable body            kRetry (it may have been delivered)
//   errcode 40058, 93000, any other code,
//   other HTTP 4xx                         kPermanent (configuration or content problem)
SendResult InterpretReply(int http_status, std::string_view body);

}  // namespace linli::adapters::wecom_robot
