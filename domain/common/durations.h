#pragma once
// Lengths of time in milliseconds, the unit of every timestamp in Linli (Clock::NowMs).
#include <cstdint>

namespace linli::domain {

inline constexpr int64_t kMinuteMs = int64_t{60} * 1000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

}  // namespace linli::domain
