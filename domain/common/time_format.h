// Formats instants for people in the service's timezone. China has had one UTC+8 zone with no
// daylight saving since 1991, so the zones Linli serves are a fixed offset; other IANA names
// fall back to the C library's zone database.
#pragma once

#include <cstdint>
#include <string>

namespace linli::domain {

// "2026-11-25 09:30" in `timezone` (an IANA name, e.g. "Asia/Shanghai").
std::string FormatLocalTime(int64_t unix_ms, const std::string& timezone);

}  // namespace linli::domain
