#include "storage/postgres_sql.h"

#include <cctype>

namespace linli::storage {
namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The end of a '...' literal starting at `i` (the opening quote); backslash escapes when
// `escapes` (E'...').
size_t EndOfLiteral(std::string_view s, size_t i, bool escapes) {
  for (++i; i < s.size(); ++i) {
    if (escapes && s[i] == '\\') {
      ++i;
    } else if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'') {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return s.size();
}

// The tag of a dollar quote at `i` ("$$" or "$tag$"), or "" if none starts there.
std::string_view DollarTag(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) return {};  // $1
  while (j < s.size() && IsIdentChar(s[j])) ++j;
  if (j < s.size() && s[j] == '$') return s.substr(i, j - i + 1);
  return {};
}

}  // namespace

PlaceholderSql ToNumberedPlaceholders(std::string_view s) {
  PlaceholderSql out;
  out.sql.reserve(s.size() + 16);
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    size_t end = i + 1;
    if (c == '?') {
      out.sql += '$';
      out.sql += std::to_string(++out.parameters);
      i = end;
      continue;
    }
    if (c == '\'') {
      const bool escapes =
          i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !IsIdentChar(s[i - 2]));
      end = EndOfLiteral(s, i, escapes);
    } else if (c == '"') {
      end = s.find('"', i + 1);
      end = end == std::string_view::npos ? s.size() : end + 1;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      end = s.find('\n', i);
      end = end == std::string_view::npos ? s.size() : end;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int depth = 1;
      end = i + 2;
      while (end < s.size() && depth > 0) {
        if (s.compare(end, 2, "/*") == 0) {
          ++depth;
          end += 2;
        } else if (s.compare(end, 2, "*/") == 0) {
          --depth;
          end += 2;
        } else {
          ++end;
        }
      }
    } else if (c == '$' && (i == 0 || !IsIdentChar(s[i - 1]))) {
      const std::string_view tag = DollarTag(s, i);
      if (!tag.empty()) {
        const size_t close = s.find(tag, i + tag.size());
        end = close == std::string_view::npos ? s.size() : close + tag.size();
      }
    } else if (IsIdentChar(c)) {
      // A whole word at once, so a '$' inside an identifier (a$b) is not a dollar quote.
      while (end < s.size() && (IsIdentChar(s[end]) || s[end] == '$')) ++end;
    }
    out.sql.append(s.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace linli::storage
