// Texts for a group chat in parts each platform accepts whole (issue 11 point 5: a long digest is
// split, never truncated). The send-only robots also split in their adapters (within the exact
// envelope of each request); posting already-split parts keeps every platform alike: Telegram
// sendMessage TRUNCATES at 4096 UTF-16 code units, so a Telegram group gets several messages
// instead of a cut one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bot/text.h"

namespace linli {

// The limit of one message on a channel of `channel_type` and how it is measured:
//   wecom_robot                   4096 bytes (markdown.content)
//   dingtalk_robot, feishu_robot  20000 bytes (the request body; the adapter re-splits for
//                                 its envelope at line boundaries)
//   telegram                      4096 UTF-16 code units (sendMessage text)
//   anything else                 2048 bytes (WeCom app and WeChat text messages).
struct GroupTextLimit {
  std::size_t max = 2048;
  TextMeasure measure;  // empty: raw UTF-8 bytes
};
GroupTextLimit GroupTextLimitFor(std::string_view channel_type);

// `text` in parts within GroupTextLimitFor(channel_type), cut at line boundaries
// (bot/text.h SplitByBytes). Empty text: no parts. Pure.
std::vector<std::string> SplitForGroup(std::string_view channel_type, std::string_view text);

}  // namespace linli
