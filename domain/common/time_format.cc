#include "domain/common/time_format.h"

#include <cstdio>
#include <ctime>
#include <string_view>

namespace linli::domain {

namespace {

// Zones with a fixed offset (minutes east of UTC) today.
bool FixedOffset(std::string_view tz, int* minutes) {
  static constexpr std::string_view kUtc8[] = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin",
                                               "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei",
                                               "PRC"};
  for (auto z : kUtc8) {
    if (tz == z) {
      *minutes = 480;
      return true;
    }
  }
  if (tz == "UTC" || tz == "Etc/UTC" || tz == "GMT") {
    *minutes = 0;
    return true;
  }
  return false;
}

}  // namespace

std::string FormatLocalTime(int64_t unix_ms, const std::string& timezone) {
  int offset = 0;
  std::tm tm{};
  time_t secs = static_cast<time_t>(unix_ms / 1000);
  if (FixedOffset(timezone, &offset)) {
    secs += static_cast<time_t>(offset) * 60;
    gmtime_r(&secs, &tm);
  } else {
    localtime_r(&secs, &tm);  // the process TZ (set from config at start)
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min);
  return buf;
}

}  // namespace linli::domain
