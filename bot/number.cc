#include "bot/number.h"

#include <algorithm>

namespace linli {

std::optional<int64_t> ParsePositive(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > std::min<size_t>(max_digits, 18)) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

}  // namespace linli
