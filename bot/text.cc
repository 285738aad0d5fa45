#include "bot/text.h"

namespace linli {

namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string TrimText(std::string_view s) {
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == kIdeographicSpace) {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return std::string(s);
}

std::string RenderNumberedChoices(std::string_view text, const std::vector<Choice>& choices,
                                  const NumberedChoicesStyle& style) {
  std::string out(text);
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) {
      out.push_back('\n');
    } else if (!out.empty()) {
      out.append(style.gap);
    }
    out.append(style.indent);
    out += std::to_string(i + 1) + ". " + choices[i].label;
  }
  return out;
}

namespace {

// Length of the UTF-8 character starting at s[0]: 1 for ASCII and malformed bytes.
std::size_t CharLength(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  std::size_t n = 1;
  if (b >= 0xF0 && b < 0xF8) {
    n = 4;
  } else if (b >= 0xE0) {
    n = b < 0xF0 ? 3 : 1;
  } else if (b >= 0xC0) {
    n = 2;
  }
  if (n > s.size()) return 1;
  for (std::size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

}  // namespace

std::vector<std::string> SplitByBytes(std::string_view text, std::size_t max_bytes,
                                      const TextMeasure& measure) {
  auto cost = [&](std::string_view s) -> std::size_t {
    return measure ? measure(s) : s.size();
  };
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  if (cost(text) <= max_bytes) {
    parts.emplace_back(text);
    return parts;
  }
  const std::size_t newline_cost = cost("\n");
  std::string current;
  std::size_t current_cost = 0;
  bool has_current = false;  // a part is open (it may be an empty line)
  auto flush = [&] {
    if (has_current) parts.push_back(std::move(current));
    current.clear();
    current_cost = 0;
    has_current = false;
  };
  std::size_t pos = 0;
  for (;;) {
    const std::size_t end = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    const std::size_t line_cost = cost(line);
    if (has_current && current_cost + newline_cost + line_cost <= max_bytes) {
      current += '\n';
      current.append(line);
      current_cost += newline_cost + line_cost;
    } else if (line_cost <= max_bytes) {
      flush();
      current.assign(line);
      current_cost = line_cost;
      has_current = true;
    } else {
      // A line longer than the limit: cut it at character boundaries; its last piece stays
      // open so the following lines may join it.
      flush();
      std::size_t i = 0;
      while (i < line.size()) {
        const std::string_view ch = line.substr(i, CharLength(line.substr(i)));
        const std::size_t ch_cost = cost(ch);
        if (has_current && current_cost + ch_cost > max_bytes) flush();
        current.append(ch);
        current_cost += ch_cost;
        has_current = true;
        i += ch.size();
      }
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  flush();
  return parts;
}

}  // namespace linli
