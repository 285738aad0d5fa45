#include "domain/wishes/wish_rules.h"

#include <cctype>

#include "bot/text.h"

namespace linli::domain {

namespace {

// ASCII digits, full-width digits and '.' / '．' folded to ASCII; other text kept.
std::string FoldDigits(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
      const auto d = static_cast<unsigned char>(s[i + 2]);
      if (d >= 0x90 && d <= 0x99) {
        out.push_back(static_cast<char>('0' + d - 0x90));
        i += 3;
        continue;
      }
      if (d == 0x8E) {  // ．
        out.push_back('.');
        i += 3;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string StripSuffix(std::string s, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view suf : suffixes) {
    if (s.size() > suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
      return TrimText(s.substr(0, s.size() - suf.size()));
    }
  }
  return s;
}

}  // namespace

bool ValidDeadline(const std::string& d, const std::string& today) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  const int y = std::stoi(d.substr(0, 4));
  const int m = std::stoi(d.substr(5, 2));
  const int day = std::stoi(d.substr(8, 2));
  if (y < 2000 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (day > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return false;
  return d >= today;
}

std::optional<int64_t> ParseHoursTenths(std::string_view text) {
  std::string s = StripSuffix(TrimText(FoldDigits(text)), {"个小时", "小时", "hours", "hour", "h"});
  if (s.empty()) return std::nullopt;
  int64_t whole = 0;
  int64_t tenth = 0;
  size_t i = 0;
  size_t digits = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
    if (digits >= 4) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.' || i + 2 != s.size() || !std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      return std::nullopt;
    }
    tenth = s[i + 1] - '0';
  }
  const int64_t total = whole * 10 + tenth;
  if (total > kMaxHoursTenths) return std::nullopt;
  return total;
}

std::string FormatHoursTenths(int64_t tenths) {
  std::string out = std::to_string(tenths / 10);
  if (tenths % 10 != 0) out += "." + std::to_string(tenths % 10);
  return out;
}

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<int64_t> ParseHelpers(std::string_view text) {
  const std::string s = StripSuffix(TrimText(FoldDigits(text)), {"个人", "人", "位"});
  if (s.empty() || s.size() > 2) return std::nullopt;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  const int64_t n = std::stoll(s);
  if (n < 1 || n > kMaxHelpers) return std::nullopt;
  return n;
}

}  // namespace linli::domain
