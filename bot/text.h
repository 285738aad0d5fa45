// Small text helpers shared by adapters and dialogs. Pure; UTF-8 in, UTF-8 out.
#pragma once

#include <string>
#include <string_view>

namespace linli {

// Trims ASCII whitespace and U+3000 (the ideographic space, E3 80 80) at both ends.
std::string TrimText(std::string_view s);

}  // namespace linli
