#include "domain/common/time_format.h"

#include <cstdio>

#include "domain/common/time_zone.h"

namespace linli::domain {

std::string FormatLocalTime(int64_t unix_ms, const std::string& timezone) {
  const int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : -((-unix_ms + 999) / 1000);
  auto zone = LoadTimeZone(timezone);
  const CivilTime t = zone.ok() ? (*zone)->ToLocal(secs) : CivilFromSeconds(secs);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  return buf;
}

}  // namespace linli::domain
