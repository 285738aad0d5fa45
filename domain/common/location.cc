#include "domain/common/location.h"

#include <cctype>

namespace linli::domain {

namespace {

// Decodes one UTF-8 code point at `i`, advancing `i`. Invalid bytes decode as U+FFFD.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int len = 1;
  char32_t cp = c;
  if (c >= 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else if (c >= 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0x80) {
    ++i;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    i = s.size();
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

int ChineseDigit(char32_t cp) {
  switch (cp) {
    case U'零': case U'〇': return 0;
    case U'一': case U'壹': return 1;
    case U'二': case U'两': case U'贰': return 2;
    case U'三': case U'叁': return 3;
    case U'四': case U'肆': return 4;
    case U'五': case U'伍': return 5;
    case U'六': case U'陆': return 6;
    case U'七': case U'柒': return 7;
    case U'八': case U'捌': return 8;
    case U'九': case U'玖': return 9;
    default: return -1;
  }
}

// Extracts up to `max` numbers from the text, in order.
std::vector<long> ExtractNumbers(std::string_view text, size_t max) {
  std::vector<long> out;
  // Not std::optional<long>: GCC 12 at -O3 reports the optionals as maybe-uninitialized
  // inside `flush` (a false positive, GCC bug 80635). Numbers are never negative.
  constexpr long kNone = -1;
  long arabic = kNone;   // current run of ASCII/full-width digits
  long chinese = kNone;  // current run of Chinese numerals
  long chinese_tens = -1;
  auto flush = [&]() {
    if (arabic != kNone && out.size() < max) out.push_back(arabic);
    if (chinese != kNone && out.size() < max) out.push_back(chinese);
    arabic = kNone;
    chinese = kNone;
    chinese_tens = -1;
  };
  size_t i = 0;
  while (i < text.size() && out.size() < max) {
    const char32_t cp = NextCodePoint(text, i);
    int digit = -1;
    if (cp >= U'0' && cp <= U'9') digit = static_cast<int>(cp - U'0');
    if (cp >= U'０' && cp <= U'９') digit = static_cast<int>(cp - U'０');
    if (digit >= 0) {
      if (chinese != kNone) flush();
      if (arabic != kNone && arabic > 100000) continue;  // absurdly long: stop growing
      arabic = (arabic != kNone ? arabic * 10 : 0) + digit;
      continue;
    }
    const int cd = ChineseDigit(cp);
    if (cd >= 0 || cp == U'十') {
      if (arabic != kNone) flush();
      // Absurdly long: stop growing (a run of numerals times 10 each overflowed `long`).
      if (chinese != kNone && chinese > 100000) continue;
      if (cp == U'十') {
        // 十 = 10, 二十 = 20, 十二 = 12, 二十三 = 23
        chinese_tens = chinese != kNone ? chinese : 1;
        chinese = chinese_tens * 10;
      } else if (chinese_tens >= 0) {
        chinese = chinese_tens * 10 + cd;  // 二十三
        chinese_tens = -2;
      } else if (chinese_tens == -2) {
        flush();  // "二十三" complete; a further numeral starts a new number
        chinese = cd;
      } else {
        chinese = (chinese != kNone ? chinese * 10 : 0) + cd;  // 三二 reads as 32, like digits
      }
      continue;
    }
    flush();
  }
  flush();
  return out;
}

}  // namespace

const config::Place* FindPlace(std::string_view text, const config::CompoundConfig& compound) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) trimmed.remove_suffix(1);
  std::string lower(trimmed);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const config::Place* best = nullptr;
  for (const auto& p : compound.places) {
    if (lower == p.id) return &p;
    if (!p.label.empty() && text.find(p.label) != std::string_view::npos &&
        (best == nullptr || p.label.size() > best->label.size())) {
      best = &p;
    }
  }
  return best;
}

ParsedLocation ParseLocation(std::string_view text, const config::CompoundConfig& compound) {
  ParsedLocation out;
  if (const config::Place* place = FindPlace(text, compound)) {
    out.place = place->id;
    out.place_label = place->label;
    out.result = ParsedLocation::Result::kOk;
    return out;
  }
  const std::vector<long> numbers = ExtractNumbers(text, 3);
  if (numbers.empty()) return out;
  const std::string building = std::to_string(numbers[0]);
  const config::Building* found = nullptr;
  for (const auto& b : compound.buildings) {
    if (b.id == building) found = &b;
  }
  out.building = building;
  if (found == nullptr) {
    out.result = ParsedLocation::Result::kUnknownBuilding;
    return out;
  }
  if (numbers.size() >= 2) {
    const std::string unit = std::to_string(numbers[1]);
    out.unit = unit;
    bool unit_ok = false;
    for (const auto& u : found->units) unit_ok = unit_ok || u == unit;
    if (!unit_ok) {
      out.result = ParsedLocation::Result::kUnknownUnit;
      return out;
    }
    if (numbers.size() >= 3 && numbers[2] > 0) out.room = std::to_string(numbers[2]);
  }
  out.result = ParsedLocation::Result::kOk;
  return out;
}

std::string FormatLocationWithRoom(const std::string& building, const std::string& unit,
                                   const std::string& room, const std::string& locale) {
  std::string out = FormatLocation(building, unit, locale);
  if (room.empty() || unit.empty()) return out;
  if (locale.rfind("en", 0) == 0) return out + " Room " + room;
  return out + room + "室";
}

std::string RoomOf(const std::string& location_text, const config::CompoundConfig& compound) {
  return ParseLocation(location_text, compound).room;
}

std::string FormatLocation(const std::string& building, const std::string& unit,
                           const std::string& locale) {
  if (locale.rfind("en", 0) == 0) {
    return "Bldg " + building + (unit.empty() ? "" : " Unit " + unit);
  }
  return building + "号楼" + (unit.empty() ? "" : unit + "单元");
}

}  // namespace linli::domain
