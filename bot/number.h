// Strict parsing of a positive decimal number from a request (a ticket number in a path, a page
// in a query): the one parser behind the admin API, the wish API, the board, the console and
// Open311. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace linli {

// `s` as a number >= 1 when it is 1 to `max_digits` ASCII digits (no sign, no spaces, no
// other character); nullopt otherwise, and for 0. `max_digits` is at most 18 (fits int64_t).
std::optional<int64_t> ParsePositive(std::string_view s, size_t max_digits = 15);

}  // namespace linli
