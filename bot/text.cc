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

}  // namespace linli
