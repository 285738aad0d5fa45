// IANA time zones without the C library's process-global TZ: a TimeZone is an immutable value
// read from the system's TZif files (RFC 8536) and converts between instants and wall-clock
// time in that zone, DST included. localtime_r/mktime would need setenv("TZ") per call, which
// is not thread-safe; a TimeZone is safe to share between threads once built.
//
// Civil arithmetic (days <-> dates) is pure; only LoadTimeZone reads a file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"

namespace linli::domain {

// A wall-clock date and time, without a zone. Fields are not normalised by the type itself.
struct CivilTime {
  int year = 1970;
  int month = 1;   // 1..12
  int day = 1;     // 1..31
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59
  bool operator==(const CivilTime&) const = default;
};

// Days since 1970-01-01 of a proleptic Gregorian date (any month/day overflow is carried).
int64_t DaysFromCivil(int year, int month, int day);
// The civil time of `seconds` since the epoch, read as UTC.
CivilTime CivilFromSeconds(int64_t seconds);
// Inverse of CivilFromSeconds.
int64_t SecondsFromCivil(const CivilTime& t);
// 28..31.
int DaysInMonth(int year, int month);
// 0 = Sunday .. 6 = Saturday.
int WeekdayFromDays(int64_t days);

class TimeZone {
 public:
  // A zone that is always `offset_seconds` east of UTC.
  static TimeZone Fixed(std::string name, int offset_seconds);
  static TimeZone Utc() { return Fixed("UTC", 0); }
  // Parses the bytes of a TZif file (versions 1 to 4), including the POSIX TZ footer that
  // versions 2+ use for instants after the last listed transition. kInvalidArgument when the
  // bytes are not a well-formed TZif file. Pure.
  static StatusOr<TimeZone> FromTzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at the instant `utc_seconds`.
  int OffsetAt(int64_t utc_seconds) const;
  // The wall-clock time at the instant `utc_seconds`.
  CivilTime ToLocal(int64_t utc_seconds) const;
  // The instant at which the wall clock reads `local` (seconds since the epoch).
  // A time that does not exist (skipped when clocks go forward, e.g. 02:30 on the spring day
  // in New York) is moved forward by the length of the gap (-> 03:30 EDT); a time that happens
  // twice (clocks go back) resolves to the earlier instant.
  int64_t FromLocal(const CivilTime& local) const;

  // A POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0"); public for the parser and its tests.
  struct Rule {
    struct Date {
      char kind = 'M';  // 'M' (month.week.weekday), 'J' (1..365, no Feb 29), 'D' (0..365)
      int month = 0, week = 0, weekday = 0, day = 0;
      int time = 7200;  // seconds after local midnight (may be negative or > 24h)
    };
    int std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    int dst_offset = 0;
    Date start, end;
  };

 private:
  TimeZone() = default;
  int RuleOffsetAt(int64_t utc_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // ascending instants
  std::vector<int> offsets_;          // offsets_[i] applies from transitions_[i]
  int initial_offset_ = 0;            // before the first transition (or always, if none)
  std::optional<Rule> rule_;          // after the last transition
};

// Parses a POSIX TZ string such as "CST-8", "<+0330>-3:30" or "CET-1CEST,M3.5.0,M10.5.0/3".
// kInvalidArgument when malformed. Pure.
StatusOr<TimeZone::Rule> ParsePosixTz(std::string_view text);

// The zone called `name` (an IANA name such as "Asia/Shanghai" or "America/New_York") from
// the system zone database ($TZDIR, default /usr/share/zoneinfo). When that has no such file,
// the fixed-offset zones of China and "UTC"/"Etc/UTC"/"GMT" are still known. kInvalidArgument
// for any other name (e.g. "Beijing") or an unreadable file. Thread-safe: a mutex guards a
// process-wide cache of loaded zones, which are immutable and shared.
StatusOr<std::shared_ptr<const TimeZone>> LoadTimeZone(const std::string& name);

}  // namespace linli::domain
