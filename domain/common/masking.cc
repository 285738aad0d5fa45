#include "domain/common/masking.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace linli::domain {
namespace {

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for a stray byte).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xC2 && lead < 0xE0) return 2;
  return 1;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The bytes of the character at text[i] as free text is copied: a lead byte with its
// continuation bytes, else (a malformed byte) 1 - so a stray byte never swallows the digits or
// the '@' after it, which would then escape masking.
size_t CharBytesAt(std::string_view text, size_t i) {
  const size_t n = SequenceLength(static_cast<unsigned char>(text[i]));
  if (n > text.size() - i) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += SequenceLength(static_cast<unsigned char>(s[i]))) ++n;
  return n;
}

// The digits of a number written at `text[pos]` with optional single ' ' or '-' between
// groups; `end` receives the byte after it. Stops at anything else.
std::string ReadNumber(std::string_view text, size_t pos, size_t* end) {
  std::string digits;
  size_t i = pos;
  while (i < text.size()) {
    if (IsDigit(text[i])) {
      digits.push_back(text[i++]);
    } else if ((text[i] == ' ' || text[i] == '-') && i + 1 < text.size() && IsDigit(text[i + 1]) &&
               !digits.empty()) {
      ++i;
    } else {
      break;
    }
  }
  // An ID number may end in X.
  if ((digits.size() == 17 || digits.size() == 14) && i < text.size() &&
      (text[i] == 'X' || text[i] == 'x')) {
    digits.push_back('X');
    ++i;
  }
  *end = i;
  return digits;
}

// The digit groups of the number ReadNumber read from `pos` to `end` (split at its single
// ' ' or '-' separators), as [begin, end) byte ranges; a final X stays in the last group.
std::vector<std::pair<size_t, size_t>> Groups(std::string_view text, size_t pos, size_t end) {
  std::vector<std::pair<size_t, size_t>> groups;
  size_t begin = pos;
  for (size_t i = pos; i <= end; ++i) {
    if (i == end || text[i] == ' ' || text[i] == '-') {
      groups.emplace_back(begin, i);
      begin = i + 1;
    }
  }
  return groups;
}

bool IsMobile(const std::string& d) { return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'; }

bool IsIdNumber(const std::string& d) {
  if (d.size() != 18 && d.size() != 15) return false;
  for (size_t i = 0; i + 1 < d.size(); ++i) {
    if (!IsDigit(d[i])) return false;
  }
  return IsDigit(d.back()) || (d.size() == 18 && d.back() == 'X');
}

// 0 + area code (2-3 digits) + 7-8 digits, as written with a dash: "010-12345678".
bool IsLandline(std::string_view text, size_t pos, size_t end) {
  const std::string_view s = text.substr(pos, end - pos);
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos || s[0] != '0' || dash < 3 || dash > 4) return false;
  size_t local = 0;
  for (size_t i = dash + 1; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
    ++local;
  }
  return local >= 7 && local <= 8;
}

// A number that is none of those as a whole may still be several written one after another
// with a single space or dash ("13812341234 13912341234", "3 13812341234", "2026-12-31
// 13812341234"): judged group by group, a mobile written 3-4-4, a landline (two groups) and a
// group that alone is a mobile or ID number are masked; everything else is kept as written.
void MaskGroups(std::string_view text, const std::vector<std::pair<size_t, size_t>>& groups,
                std::string& r, bool& changed);

}  // namespace

std::string MaskName(std::string_view name) {
  if (name.empty()) return "";
  // The first character as free text is copied (a malformed byte alone), so the part kept can
  // never carry what follows it, e.g. the "<@" of WeCom's mention markup.
  const size_t first = CharBytesAt(name, 0);
  size_t rest = 0;
  for (size_t i = first; i < name.size(); i += CharBytesAt(name, i)) ++rest;
  return std::string(name.substr(0, first)) + std::string(rest == 0 ? 1 : rest, '*');
}

std::string MaskPhone(std::string_view phone) {
  if (phone.empty()) return "";
  if (phone.size() < 8) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
         std::string(phone.substr(phone.size() - 4));
}

std::string MaskIdNumber(std::string_view id) {
  if (id.empty()) return "";
  if (id.size() < 8) return std::string(id.size(), '*');
  return std::string(id.substr(0, 3)) + std::string(id.size() - 5, '*') +
         std::string(id.substr(id.size() - 2));
}

std::string MaskPlatformId(std::string_view id) {
  size_t keep = 0;
  while (keep < 4 && keep < id.size() && static_cast<unsigned char>(id[keep]) < 0x80) ++keep;
  if (id.size() <= 4) keep = 0;
  return std::string(id.substr(0, keep)) + "****";
}

namespace {

// The length of the mention at `i` that would notify people in a group - "@all", "@所有人",
// "@everyone", "@here" (ASCII case-insensitive) or platform markup "<at ..." (Feishu, WeCom)
// and "<@..." (WeCom markdown) - 0 if none.
size_t MassMentionAt(std::string_view text, size_t i) {
  auto starts = [&](std::string_view what) {
    if (text.size() - i < what.size()) return false;
    for (size_t k = 0; k < what.size(); ++k) {
      const char c = text[i + k];
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (lower != what[k]) return false;
    }
    return true;
  };
  for (std::string_view m : {std::string_view("@all"), std::string_view("@所有人"),
                             std::string_view("@everyone"), std::string_view("@here"),
                             std::string_view("<at"), std::string_view("<@")}) {
    if (starts(m)) return m.size();
  }
  return 0;
}

}  // namespace

namespace {

uint16_t BytePair(char a, char b) {
  return static_cast<uint16_t>((static_cast<unsigned char>(a) << 8) | static_cast<unsigned char>(b));
}

}  // namespace

MaskNames::MaskNames(std::initializer_list<std::string> names)
    : MaskNames(std::vector<std::string>(names)) {}

MaskNames::MaskNames(std::vector<std::string> names) : names_(std::move(names)) {
  index_.reserve(names_.size());
  for (size_t k = 0; k < names_.size(); ++k) {
    const std::string& name = names_[k];
    if (name.size() < 2 || CodePoints(name) < 2) continue;
    index_.emplace_back(BytePair(name[0], name[1]), static_cast<uint32_t>(k));
  }
  std::sort(index_.begin(), index_.end());
}

std::vector<const std::string*> MaskNames::Candidates(std::string_view text) const {
  std::vector<const std::string*> out;
  if (index_.empty() || text.size() < 2) return out;
  std::vector<uint16_t> pairs;
  pairs.reserve(text.size() - 1);
  for (size_t k = 0; k + 1 < text.size(); ++k) pairs.push_back(BytePair(text[k], text[k + 1]));
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<uint32_t> positions;
  for (uint16_t p : pairs) {
    auto it = std::lower_bound(index_.begin(), index_.end(), std::make_pair(p, uint32_t{0}));
    for (; it != index_.end() && it->first == p; ++it) positions.push_back(it->second);
  }
  std::sort(positions.begin(), positions.end());
  out.reserve(positions.size());
  for (uint32_t k : positions) out.push_back(&names_[k]);
  return out;
}

MaskedText MaskFreeText(std::string_view text) { return MaskFreeText(text, MaskNames()); }

MaskedText MaskFreeText(std::string_view text, const MaskNames& names) {
  return MaskFreeText(text, names, MaskNames());
}

MaskedText MaskFreeText(std::string_view text, const MaskNames& names, const MaskNames& more) {
  MaskedText out;
  std::string& r = out.text;
  r.reserve(text.size());
  // Longest first, so the first candidate that matches at a position is the longest there.
  std::vector<const std::string*> candidates = names.Candidates(text);
  for (const std::string* extra : more.Candidates(text)) candidates.push_back(extra);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
  size_t i = 0;
  while (i < text.size()) {
    if (IsDigit(text[i]) && (i == 0 || !IsDigit(text[i - 1]))) {
      size_t end = i;
      const std::string digits = ReadNumber(text, i, &end);
      const bool glued = end < text.size() && IsDigit(text[end]);
      if (!glued && IsMobile(digits)) {
        r += MaskPhone(digits);
        out.changed = true;
      } else if (!glued && IsIdNumber(digits)) {
        r += MaskIdNumber(digits);
        out.changed = true;
      } else if (!glued && IsLandline(text, i, end)) {
        const std::string_view s = text.substr(i, end - i);
        const size_t dash = s.find('-');
        r += std::string(s.substr(0, dash + 1)) + std::string(s.size() - dash - 1 - 2, '*') +
             std::string(s.substr(s.size() - 2));
        out.changed = true;
      } else {
        std::vector<std::pair<size_t, size_t>> groups = Groups(text, i, end);
        // An ID's final X after the last group (ReadNumber takes it only after 17 digits in all).
        const size_t last = groups.back().second - groups.back().first;
        if (last == 17 && end < text.size() && (text[end] == 'X' || text[end] == 'x') &&
            !(end + 1 < text.size() && IsDigit(text[end + 1]))) {
          ++groups.back().second;
          ++end;
        }
        MaskGroups(text, groups, r, out.changed);
      }
      i = end;
      continue;
    }
    if (const size_t n = MassMentionAt(text, i); n > 0) {
      r += text[i] == '@' ? "\uFF20" : "\uFF1C";  // ＠ / ＜: read by no platform as a mention
      r.append(text.substr(i + 1, n - 1));
      i += n;
      out.changed = true;
      continue;
    }
    bool matched = false;
    for (const std::string* name : candidates) {
      if (text.compare(i, name->size(), *name) == 0) {
        r += MaskName(*name);
        i += name->size();
        out.changed = matched = true;
        break;
      }
    }
    if (matched) continue;
    const size_t n = CharBytesAt(text, i);
    r.append(text.substr(i, n));
    i += n;
  }
  return out;
}

namespace {

// "YYYY-MM" or "YYYY-MM-DD" with a year 19xx/20xx, a month 1-12 and a day 1-31.
bool IsDate(std::string_view run) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t k = 0; k <= run.size(); ++k) {
    if (k == run.size() || run[k] == '-') {
      parts.push_back(run.substr(start, k - start));
      start = k + 1;
    }
  }
  if (parts.size() < 2 || parts.size() > 3 || parts[0].size() != 4) return false;
  if (parts[0].substr(0, 2) != "19" && parts[0].substr(0, 2) != "20") return false;
  auto number = [](std::string_view p) {
    int v = 0;
    for (char c : p) v = v * 10 + (c - '0');
    return v;
  };
  for (size_t k = 1; k < parts.size(); ++k) {
    if (parts[k].empty() || parts[k].size() > 2) return false;
  }
  const int month = number(parts[1]);
  if (month < 1 || month > 12) return false;
  if (parts.size() == 3) {
    const int day = number(parts[2]);
    if (day < 1 || day > 31) return false;
  }
  return true;
}

}  // namespace

std::string MaskDoorNumbers(std::string_view text) {
  auto followed_by = [&](size_t pos, std::string_view what) {
    return text.substr(pos, what.size()) == what;
  };
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    // A run of digits, with '-' only between digits.
    size_t end = i;
    size_t digits = 0;
    bool dashed = false;
    while (end < text.size()) {
      if (IsDigit(text[end])) {
        ++digits;
        ++end;
      } else if (text[end] == '-' && end + 1 < text.size() && IsDigit(text[end + 1])) {
        dashed = true;
        ++end;
      } else {
        break;
      }
    }
    const std::string_view run = text.substr(i, end - i);
    bool mask = false;
    if (IsDate(run)) {
      mask = false;  // 2026-12-01, 2026-12: a date, not a door
    } else if (dashed) {
      mask = true;
    } else if (digits == 4 && followed_by(end, "年")) {
      mask = false;  // a year
    } else if (followed_by(end, "号楼") || followed_by(end, "栋") || followed_by(end, "楼") ||
               followed_by(end, "幢")) {
      mask = false;  // the building: groups may see it
    } else if (followed_by(end, "单元") || followed_by(end, "室") || followed_by(end, "房") ||
               followed_by(end, "号") || followed_by(end, "户")) {
      mask = true;
    } else {
      mask = digits == 3 || digits == 4;
    }
    for (char c : run) out.push_back(mask && IsDigit(c) ? '*' : c);
    i = end;
  }
  return out;
}

namespace {

std::string_view Span(std::string_view text, const std::pair<size_t, size_t>& g) {
  return text.substr(g.first, g.second - g.first);
}

void MaskGroups(std::string_view text, const std::vector<std::pair<size_t, size_t>>& groups,
                std::string& r, bool& changed) {
  size_t j = 0;
  while (j < groups.size()) {
    if (j > 0) r.push_back(text[groups[j].first - 1]);  // the separator, as written
    const std::string one(Span(text, groups[j]));
    if (j + 2 < groups.size() && one.size() == 3 && Span(text, groups[j + 1]).size() == 4 &&
        Span(text, groups[j + 2]).size() == 4) {
      const std::string digits =
          one + std::string(Span(text, groups[j + 1])) + std::string(Span(text, groups[j + 2]));
      if (IsMobile(digits)) {
        r += MaskPhone(digits);
        changed = true;
        j += 3;
        continue;
      }
    }
    if (j + 1 < groups.size() && text[groups[j].second] == '-' &&
        IsLandline(text, groups[j].first, groups[j + 1].second)) {
      const std::string_view s = text.substr(groups[j].first, groups[j + 1].second - groups[j].first);
      const size_t dash = s.find('-');
      r += std::string(s.substr(0, dash + 1)) + std::string(s.size() - dash - 1 - 2, '*') +
           std::string(s.substr(s.size() - 2));
      changed = true;
      j += 2;
      continue;
    }
    std::string digits = one;
    const bool x = !digits.empty() && (digits.back() == 'X' || digits.back() == 'x');
    if (x) digits.back() = 'X';
    if (x && IsMobile(digits.substr(0, digits.size() - 1))) {  // a mobile, then a letter X
      r += MaskPhone(digits.substr(0, digits.size() - 1)) + one.back();
      changed = true;
    } else if (IsMobile(digits)) {
      r += MaskPhone(digits);
      changed = true;
    } else if (IsIdNumber(digits)) {
      r += MaskIdNumber(digits);
      changed = true;
    } else {
      r += one;
    }
    ++j;
  }
}

}  // namespace

}  // namespace linli::domain
