// Small text helpers shared by adapters and dialogs. Pure; UTF-8 in, UTF-8 out.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/message.h"

namespace linli {

// Trims ASCII whitespace and U+3000 (the ideographic space, E3 80 80) at both ends.
std::string TrimText(std::string_view s);

// How a platform without buttons lays out numbered choices (see RenderNumberedChoices).
struct NumberedChoicesStyle {
  std::string_view gap = "\n\n";  // between the text and the first choice, when the text is
                                   // not empty
  std::string_view indent;         // before each number
};

// The text followed by its choices as numbered lines ("1. 满意"), one per line, for platforms
// without buttons; the dialogs accept the number, the label or the button payload back
// (dialogs::MatchOption). `text` alone when there are no choices. Pure.
std::string RenderNumberedChoices(std::string_view text, const std::vector<Choice>& choices,
                                  const NumberedChoicesStyle& style = {});

// How many bytes a piece of text costs on the wire. Must be additive: for text cut at UTF-8
// character boundaries, measure(a + b) == measure(a) + measure(b) (raw bytes, JSON-escaped
// bytes and per-line envelopes all are).
using TextMeasure = std::function<std::size_t(std::string_view)>;

// Splits `text` into parts of at most `max_bytes` each (by `measure`, default: raw UTF-8
// bytes), for platforms with a byte limit per message (group robots: WeCom markdown 4096,
// DingTalk and Feishu bodies 20,000). Cuts at line boundaries: whole lines are packed greedily
// in order and the '\n' between two parts is dropped (the one between lines of a part is
// kept); a line longer than the limit is cut at UTF-8 character boundaries (never inside a
// multi-byte character; malformed bytes count as one character each). Concatenating the parts
// with '\n' where a line boundary was cut (and directly where a long line was) gives `text`
// back. A text within the limit is returned whole as the only part; an empty text gives no
// parts. A single character that alone exceeds `max_bytes` (only possible below 4 bytes, or
// with a measure that inflates it) becomes a part of its own. Pure.
std::vector<std::string> SplitByBytes(std::string_view text, std::size_t max_bytes,
                                      const TextMeasure& measure = {});

}  // namespace linli
