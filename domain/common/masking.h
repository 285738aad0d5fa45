// Masking of personal data for display (SECURITY.md, Privacy: 张*, 138****1234). Pure.
#pragma once

#include <string>
#include <string_view>

namespace linli::domain {

// Keeps the first character (UTF-8 code point) and replaces every other one with '*', at
// least one: "张三" -> "张*", "张" -> "张*", "欧阳娜娜" -> "欧***". "" stays "".
std::string MaskName(std::string_view name);

// Keeps the first 3 and last 4 digits of a phone number: "13812341234" -> "138****1234".
// Shorter numbers (fewer than 8 characters) become all '*'. "" stays "".
std::string MaskPhone(std::string_view phone);

}  // namespace linli::domain
