// Formats instants for people in the service's timezone, through the zone database reader in
// domain/common/time_zone.h (thread-safe, DST-aware; no process-global TZ involved).
#pragma once

#include <cstdint>
#include <string>

namespace linli::domain {

// "2026-11-25 09:30" in `timezone` (an IANA name, e.g. "Asia/Shanghai"). A name the zone
// database does not know formats in UTC (what the C library did with such a TZ).
std::string FormatLocalTime(int64_t unix_ms, const std::string& timezone);

}  // namespace linli::domain
