// When a job runs: a Schedule, the Period a run covers, and the pure NextRun rule the
// scheduler (bot/server/scheduler.h) arms its timers from. No I/O, no clock: every function
// takes the instants and the zone it needs, so tests use fixed instants.
//
// A schedule is a sequence of fire instants t0 < t1 < ...; period k is [t_k, t_k+1). A job runs
// at most once per period, at or after its start, and records the period's start as done
// (storage/job_store.h). A job that missed several periods (the service was down) runs ONCE
// for the latest of them, not once per missed period.
//
// Text grammar (ParseSchedule; FormatSchedule writes it back), tokens separated by spaces:
//   every <N><unit>        unit: s, m, h, d (e.g. "every 30s", "every 1m", "every 1h").
//                          Periods are aligned to the Unix epoch (UTC): "every 1h" fires on
//                          each UTC hour, "every 1d" at 00:00 UTC.
//   daily HH:MM            each day at HH:MM wall-clock time in the zone ("daily 08:30").
//   monthly D HH:MM        each month on day D (1..31) at HH:MM in the zone ("monthly 15 09:00").
//                          In a month shorter than D, on its last day ("monthly 31 09:00" fires
//                          on 30 April, 28 or 29 February).
//   once <ISO-8601>        one instant, with its offset: "once 2026-12-31T20:00:00+08:00"
//                          ("Z" for UTC; seconds optional). After that run, never again.
// Wall-clock times that do not exist on a DST day (02:30 on the spring day in New York) fire
// at the shifted instant (03:30 EDT); times that happen twice fire at the first.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/status.h"
#include "domain/common/time_zone.h"

namespace linli::domain {

struct Schedule {
  enum class Kind { kEvery, kDaily, kMonthly, kOnce };
  Kind kind = Kind::kEvery;
  int64_t every_ms = 60'000;  // kEvery: > 0
  int day = 1;                // kMonthly: 1..31
  int hour = 0;               // kDaily, kMonthly: 0..23
  int minute = 0;             // kDaily, kMonthly: 0..59
  int64_t at_ms = 0;          // kOnce: the instant

  static Schedule Every(std::chrono::milliseconds interval);
  static Schedule Daily(int hour, int minute);
  static Schedule Monthly(int day, int hour, int minute);
  static Schedule Once(int64_t at_ms);
  bool operator==(const Schedule&) const = default;
};

// Parses the grammar above. kInvalidArgument naming what is wrong (unknown kind, bad unit,
// 25:00, day 32, an instant without an offset, a zero interval).
StatusOr<Schedule> ParseSchedule(std::string_view text);
// The text ParseSchedule reads back to the same Schedule ("once" is written in UTC, "...Z").
std::string FormatSchedule(const Schedule& schedule);

// [start_ms, end_ms). end_ms is INT64_MAX for a "once" schedule (its only period never ends).
struct Period {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  bool operator==(const Period&) const = default;
};

// The period that contains `now_ms` (start <= now < end), or nullopt when the schedule has
// not fired yet (a "once" instant in the future).
std::optional<Period> PeriodAt(const Schedule& schedule, const TimeZone& zone, int64_t now_ms);

// When the job should run next, given the start of the last period it completed (nullopt if
// it never ran):
//   - `now_ms` when the period containing now has not run yet (on time, or a catch-up after
//     down time: missed periods collapse into this one run);
//   - otherwise the start of the next period (> now_ms);
//   - nullopt when it never runs again (a "once" that ran).
// A recorded period later than now (the clock went back) is respected: nothing runs until a
// period that starts after it.
std::optional<int64_t> NextRun(const Schedule& schedule, const TimeZone& zone,
                               std::optional<int64_t> last_period_start_ms, int64_t now_ms);

}  // namespace linli::domain
