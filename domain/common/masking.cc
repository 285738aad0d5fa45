#include "domain/common/masking.h"

#include <algorithm>

namespace linli::domain {
namespace {

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for a stray byte).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC2 && lead < 0xE0) return 2;
  return 1;
}

}  // namespace

std::string MaskName(std::string_view name) {
  if (name.empty()) return "";
  const size_t first = std::min(SequenceLength(static_cast<unsigned char>(name[0])), name.size());
  size_t rest = 0;
  for (size_t i = first; i < name.size(); i += SequenceLength(static_cast<unsigned char>(name[i]))) {
    ++rest;
  }
  return std::string(name.substr(0, first)) + std::string(rest == 0 ? 1 : rest, '*');
}

std::string MaskPhone(std::string_view phone) {
  if (phone.empty()) return "";
  if (phone.size() < 8) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
         std::string(phone.substr(phone.size() - 4));
}

}  // namespace linli::domain
