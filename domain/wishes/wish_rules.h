// Pure rules of micro-wishes (issue 9): what a deadline, an hour count, a wish text and a
// "<word> N [rest]" command look like. No I/O; unit-tested in tests/domain/wishes/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linli::domain {

inline constexpr size_t kMinWishChars = 2;
inline constexpr size_t kMaxWishChars = 300;
inline constexpr int64_t kMaxHelpers = 20;
inline constexpr int64_t kMaxHoursTenths = 24 * 10 * 7;  // a week of work at most per claim

// Whether `date` is a real "YYYY-MM-DD" date (year >= 2000) not before `today` (same form).
bool ValidDeadline(const std::string& date, const std::string& today);

// "2", "1.5", "１.５", "2小时", "2h" -> hours x10 (20, 15, ...); one decimal at most; nullopt
// for anything else, a negative or more than kMaxHoursTenths.
std::optional<int64_t> ParseHoursTenths(std::string_view text);

// 15 -> "1.5", 20 -> "2".
std::string FormatHoursTenths(int64_t tenths);

// UTF-8 code points of `s`.
size_t CountChars(std::string_view s);

// A helper count: "1".."20" (ASCII or full-width digits, "2人"); nullopt otherwise.
std::optional<int64_t> ParseHelpers(std::string_view text);

}  // namespace linli::domain
