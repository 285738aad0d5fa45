// Fuzz target: the group-message renderer and splitter - adapters/robot/robot_parts.h
// RobotText (text + numbered choices) cut by bot/text.h SplitByBytes, with raw bytes, the
// JSON-escaped size or Telegram's UTF-16 length as the measure, and bot/server/group_text.h
// SplitForGroup with each channel type's own limit. Input: 2 bytes of limit, a measure byte, a choice count,
// that many NUL-terminated labels, then the text. Checked: every part within the limit
// (except a single character that alone exceeds it), valid UTF-8 stays valid, and the parts
// joined back - with '\n' where a line boundary was cut, directly only inside a line longer
// than the limit - give the text. JsonEscapedSize (counted by hand) is also checked against
// the size nlohmann::json's dump gives. Seeds: fuzz/corpus/text_split/.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/robot/robot_parts.h"
#include "adapters/telegram/telegram_codec.h"
#include "bot/message.h"
#include "bot/server/group_text.h"
#include "bot/text.h"
#include "fuzz/fuzz_check.h"

namespace {

// One character as SplitByBytes counts them (bot/text.h): a lead byte with the number of
// continuation bytes it announces (structurally - an overlong form is one character too, that
// a measure such as the JSON-escaped size may cost as several), or any single byte.
bool IsOneCharacter(std::string_view s) {
  if (s.size() == 1) return true;
  const auto b = static_cast<unsigned char>(s[0]);
  const size_t n = (b >= 0xF0 && b < 0xF8) ? 4 : (b >= 0xE0 && b < 0xF0) ? 3 : (b >= 0xC0 && b < 0xE0) ? 2 : 1;
  if (s.size() != n) return false;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return false;
  }
  return true;
}

void CheckSplit(std::string_view text, size_t max_bytes, const linli::TextMeasure& measure) {
  auto cost = [&](std::string_view s) { return measure ? measure(s) : s.size(); };
  const std::vector<std::string> parts = linli::SplitByBytes(text, max_bytes, measure);
  if (text.empty()) {
    FUZZ_CHECK(parts.empty(), "an empty text gives no parts");
    return;
  }
  if (cost(text) <= max_bytes) {
    FUZZ_CHECK(parts.size() == 1 && parts[0] == text, "a text within the limit is one part");
    return;
  }
  const bool valid = linli::fuzz::IsValidUtf8(text);
  for (const std::string& part : parts) {
    FUZZ_CHECK(cost(part) <= max_bytes || IsOneCharacter(part),
               "every part is within the limit (or a single character)");
    if (valid) FUZZ_CHECK(linli::fuzz::IsValidUtf8(part), "no cut inside a character");
  }
  // Each byte's line (0-based) and each line's cost, measured once: a direct cut (no '\n'
  // dropped) is allowed only strictly inside a line longer than the limit.
  std::vector<size_t> line_of(text.size() + 1, 0);
  std::vector<size_t> line_start = {0};
  for (size_t i = 0; i < text.size(); ++i) {
    line_of[i] = line_start.size() - 1;
    if (text[i] == '\n') line_start.push_back(i + 1);
  }
  line_of[text.size()] = line_start.size() - 1;
  std::vector<size_t> line_cost(line_start.size());
  for (size_t l = 0; l < line_start.size(); ++l) {
    const size_t end = l + 1 < line_start.size() ? line_start[l + 1] - 1 : text.size();
    line_cost[l] = cost(text.substr(line_start[l], end - line_start[l]));
  }
  auto long_line_at = [&](size_t p) {
    const size_t l = line_of[p];
    return p > line_start[l] && line_cost[l] > max_bytes;
  };
  std::set<size_t> at = {0};
  for (size_t k = 0; k < parts.size(); ++k) {
    std::set<size_t> starts;
    for (size_t p : at) {
      if (k == 0) {
        starts.insert(p);
        continue;
      }
      if (p < text.size() && text[p] == '\n') starts.insert(p + 1);  // a line boundary cut
      if (long_line_at(p)) starts.insert(p);                        // inside a long line
    }
    std::set<size_t> next;
    for (size_t s : starts) {
      if (text.compare(s, parts[k].size(), parts[k]) == 0 && s + parts[k].size() <= text.size()) {
        next.insert(s + parts[k].size());
      }
    }
    FUZZ_CHECK(!next.empty(), "each part continues the text where the last one stopped");
    at = std::move(next);
  }
  FUZZ_CHECK(at.count(text.size()) == 1, "the parts joined back give the whole text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  linli::fuzz::InputReader in(data, size);
  const size_t max_bytes = 1 + in.Uint(2) % 700;
  const uint8_t measure_kind = in.Byte();
  linli::OutboundMessage message;
  message.choices.resize(in.Byte() % 4);
  for (size_t i = 0; i < message.choices.size(); ++i) {
    message.choices[i].label = in.String(16);
    message.choices[i].payload = "p" + std::to_string(i);
  }
  // The splitting is exercised by the small limits above; longer texts only slow the runs.
  message.text = std::string(in.Rest().substr(0, 1200));

  const std::string dumped = nlohmann::json(message.text).dump(-1, ' ', false,
                                                                nlohmann::json::error_handler_t::replace);
  FUZZ_CHECK(linli::adapters::robot::JsonEscapedSize(message.text) == dumped.size() - 2,
             "JsonEscapedSize counts what nlohmann::json writes");

  linli::TextMeasure measure;
  if (measure_kind % 3 == 1) measure = linli::adapters::robot::JsonEscapedSize;
  if (measure_kind % 3 == 2) measure = linli::adapters::telegram::Utf16Length;
  CheckSplit(message.text, max_bytes, measure);
  const std::string rendered = linli::adapters::robot::RobotText(message);
  FUZZ_CHECK(rendered.rfind(message.text, 0) == 0, "the rendered text starts with the text");
  CheckSplit(rendered, max_bytes, measure);
  for (std::string_view type : {"wecom_robot", "feishu_robot", "telegram", "wechat_mp"}) {
    const linli::GroupTextLimit limit = linli::GroupTextLimitFor(type);
    FUZZ_CHECK(linli::SplitForGroup(type, rendered) ==
                   linli::SplitByBytes(rendered, limit.max, limit.measure),
               "SplitForGroup is SplitByBytes within the channel's limit");
    if (measure_kind & 0x80) CheckSplit(rendered, limit.max, limit.measure);
  }
  return 0;
}
