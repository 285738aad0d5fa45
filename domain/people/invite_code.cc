#include "domain/people/invite_code.h"

#include <random>

namespace linli::domain {

std::string DrawInviteCode() {
  static thread_local std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, kInviteCodeAlphabet.size() - 1);
  std::string code;
  code.reserve(kInviteCodeLength);
  for (size_t i = 0; i < kInviteCodeLength; ++i) code.push_back(kInviteCodeAlphabet[pick(rd)]);
  return code;
}

std::optional<std::string> NormalizeInviteCode(std::string_view typed) {
  std::string code;
  for (size_t i = 0; i < typed.size();) {
    auto c = static_cast<unsigned char>(typed[i]);
    // Full-width forms U+FF01..U+FF5E (EF BC 81 .. EF BD 9E) map to ASCII 0x21..0x7E; an
    // ideographic space (E3 80 80) is a space.
    if (c == 0xEF && i + 2 < typed.size()) {
      const auto b1 = static_cast<unsigned char>(typed[i + 1]);
      const auto b2 = static_cast<unsigned char>(typed[i + 2]);
      const unsigned cp = 0xF000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        c = static_cast<unsigned char>(cp - 0xFF01 + 0x21);
        i += 3;
      } else {
        return std::nullopt;
      }
    } else if (typed.substr(i, 3) == "\u3000") {
      i += 3;
      continue;
    } else {
      ++i;
    }
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<unsigned char>(c - 'a' + 'A');
    if (kInviteCodeAlphabet.find(static_cast<char>(c)) == std::string_view::npos) return std::nullopt;
    code.push_back(static_cast<char>(c));
    if (code.size() > kInviteCodeLength) return std::nullopt;
  }
  if (code.size() != kInviteCodeLength) return std::nullopt;
  return code;
}

}  // namespace linli::domain
