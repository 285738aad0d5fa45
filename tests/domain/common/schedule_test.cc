#include "domain/common/schedule.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace linli::domain::schedule_test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

// An instant from ISO-8601 text with an offset (checked against literals in ParsesOnce).
int64_t At(const std::string& iso) {
  auto s = ParseSchedule("once " + iso);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? s->at_ms : 0;
}

std::shared_ptr<const TimeZone> Zone(const std::string& name) {
  auto z = LoadTimeZone(name);
  EXPECT_TRUE(z.ok()) << z.status().ToString();
  return z.ok() ? *z : std::make_shared<const TimeZone>(TimeZone::Utc());
}

Schedule Parse(const std::string& text) {
  auto s = ParseSchedule(text);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Schedule{};
}

// ---- the grammar ----

TEST(ParseScheduleTest, ParsesTheFourKinds) {
  EXPECT_EQ(Parse("every 1m"), Schedule::Every(minutes(1)));
  EXPECT_EQ(Parse("every 30s"), Schedule::Every(std::chrono::seconds(30)));
  EXPECT_EQ(Parse("  every   2h "), Schedule::Every(hours(2)));
  EXPECT_EQ(Parse("every 1d"), Schedule::Every(hours(24)));
  EXPECT_EQ(Parse("daily 08:30"), Schedule::Daily(8, 30));
  EXPECT_EQ(Parse("monthly 15 09:00"), Schedule::Monthly(15, 9, 0));
  EXPECT_EQ(Parse("monthly 31 23:59"), Schedule::Monthly(31, 23, 59));
}

TEST(ParseScheduleTest, ParsesOnceWithItsOffset) {
  EXPECT_EQ(Parse("once 2026-12-31T20:00:00+08:00"), Schedule::Once(1798718400000));
  EXPECT_EQ(Parse("once 2026-12-31T12:00Z"), Schedule::Once(1798718400000));
  EXPECT_EQ(Parse("once 2026-12-31T07:00:00-05:00"), Schedule::Once(1798718400000));
  EXPECT_EQ(Parse("once 2026-11-25T09:00:00+08:00"), Schedule::Once(1795568400000));
}

TEST(ParseScheduleTest, RejectsWhatIsNotInTheGrammar) {
  for (const char* bad :
       {"", "hourly", "every", "every 0m", "every 5", "every 5w", "every -1m", "every m",
        "daily", "daily 8:30", "daily 24:00", "daily 08:60", "daily 08:30 extra", "monthly 15",
        "monthly 0 09:00", "monthly 32 09:00", "monthly x 09:00", "once",
        "once 2026-12-31T20:00:00", "once 2026-02-30T20:00:00Z", "once 2026-12-31 20:00Z",
        "once 2026-12-31T20:00:00+0800", "once tomorrow"}) {
    auto s = ParseSchedule(bad);
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << "'" << bad << "'";
  }
}

TEST(ParseScheduleTest, FormatReadsBackToTheSameSchedule) {
  for (const char* text : {"every 1m", "every 30s", "every 2h", "every 1d", "daily 08:30",
                           "monthly 15 09:00", "once 2026-12-31T12:00:00Z"}) {
    EXPECT_EQ(FormatSchedule(Parse(text)), text);
  }
  EXPECT_EQ(Parse(FormatSchedule(Parse("once 2026-12-31T20:00:00+08:00"))),
            Parse("once 2026-12-31T20:00:00+08:00"));
}

// ---- every ----

TEST(NextRunTest, EveryIsAlignedToTheEpochAndRunsOncePerInterval) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Schedule::Every(minutes(1));
  const int64_t now = At("2026-11-25T09:00:30+08:00");
  const int64_t minute_start = At("2026-11-25T09:00:00+08:00");
  EXPECT_EQ(PeriodAt(s, *z, now), (Period{minute_start, minute_start + kMinute}));
  EXPECT_EQ(NextRun(s, *z, std::nullopt, now), now);                    // never ran: now
  EXPECT_EQ(NextRun(s, *z, minute_start, now), minute_start + kMinute);  // ran: next minute
  EXPECT_EQ(NextRun(s, *z, minute_start - kMinute, now), now);          // missed one: now
  EXPECT_EQ(NextRun(s, *z, minute_start - 10 * kMinute, now), now);     // missed ten: still one

  const Schedule hourly = Schedule::Every(hours(1));
  EXPECT_EQ(PeriodAt(hourly, *z, now)->start_ms, At("2026-11-25T01:00:00Z"));
  EXPECT_EQ(NextRun(hourly, *z, At("2026-11-25T01:00:00Z"), now), At("2026-11-25T02:00:00Z"));
}

TEST(NextRunTest, APeriodRecordedAfterNowWaitsForALaterPeriod) {
  // The clock went back (or another instance ran ahead): nothing runs twice.
  auto z = Zone("UTC");
  const Schedule s = Schedule::Every(minutes(1));
  const int64_t now = At("2026-11-25T09:00:30Z");
  const int64_t recorded = At("2026-11-25T09:05:00Z");
  EXPECT_EQ(NextRun(s, *z, recorded, now), recorded + kMinute);
}

// ---- daily ----

TEST(NextRunTest, DailyAcrossMidnight) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Parse("daily 08:30");
  const int64_t late = At("2026-11-30T23:59:00+08:00");
  const int64_t today = At("2026-11-30T08:30:00+08:00");
  const int64_t tomorrow = At("2026-12-01T08:30:00+08:00");
  EXPECT_EQ(PeriodAt(s, *z, late), (Period{today, tomorrow}));
  EXPECT_EQ(NextRun(s, *z, today, late), tomorrow);
  // Before 08:30 the current period is yesterday's.
  const int64_t early = At("2026-12-01T07:00:00+08:00");
  EXPECT_EQ(PeriodAt(s, *z, early), (Period{today, tomorrow}));
  EXPECT_EQ(NextRun(s, *z, today, early), tomorrow);
  EXPECT_EQ(NextRun(s, *z, today, tomorrow), tomorrow);  // due at exactly 08:30

  const Schedule midnight = Parse("daily 00:00");
  const int64_t just_before = At("2026-11-30T23:59:59+08:00");
  EXPECT_EQ(NextRun(midnight, *z, At("2026-11-30T00:00:00+08:00"), just_before),
            At("2026-12-01T00:00:00+08:00"));
  // The year's end too.
  EXPECT_EQ(NextRun(midnight, *z, At("2026-12-31T00:00:00+08:00"), At("2026-12-31T23:00:00+08:00")),
            At("2027-01-01T00:00:00+08:00"));
}

TEST(NextRunTest, DailyInNewYorkFollowsTheWallClockAcrossDst) {
  auto z = Zone("America/New_York");
  const Schedule s = Parse("daily 08:30");
  // 2026-03-08 clocks go forward: 08:30 EST the day before, 08:30 EDT that day (23 h later).
  const int64_t before = At("2026-03-07T08:30:00-05:00");
  const int64_t spring = At("2026-03-08T08:30:00-04:00");
  EXPECT_EQ(NextRun(s, *z, before, At("2026-03-08T00:00:00-05:00")), spring);
  EXPECT_EQ(spring - before, 23 * kHour);
  EXPECT_EQ(PeriodAt(s, *z, spring), (Period{spring, At("2026-03-09T08:30:00-04:00")}));
  // 2026-11-01 clocks go back: that period lasts 25 h.
  const int64_t autumn = At("2026-11-01T08:30:00-05:00");
  const auto p = PeriodAt(s, *z, At("2026-10-31T12:00:00-04:00"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->end_ms, autumn);
  EXPECT_EQ(p->end_ms - p->start_ms, 25 * kHour);
  // Not Shanghai time: 08:30 in New York is 21:30 or 20:30 in Shanghai.
  EXPECT_NE(NextRun(s, *z, before, At("2026-03-08T00:00:00-05:00")),
            At("2026-03-08T08:30:00+08:00"));
}

TEST(NextRunTest, DailyAtATimeTheDstDaySkipsOrRepeats) {
  auto z = Zone("America/New_York");
  // 02:30 does not exist on 2026-03-08: it fires at 03:30 EDT.
  const Schedule skipped = Parse("daily 02:30");
  EXPECT_EQ(NextRun(skipped, *z, At("2026-03-07T02:30:00-05:00"), At("2026-03-07T12:00:00-05:00")),
            At("2026-03-08T03:30:00-04:00"));
  // 01:30 happens twice on 2026-11-01: it fires once, at the first.
  const Schedule repeated = Parse("daily 01:30");
  const int64_t first = At("2026-11-01T01:30:00-04:00");
  EXPECT_EQ(NextRun(repeated, *z, At("2026-10-31T01:30:00-04:00"), At("2026-10-31T12:00:00-04:00")),
            first);
  const int64_t second = At("2026-11-01T01:30:00-05:00");
  EXPECT_EQ(NextRun(repeated, *z, first, second), At("2026-11-02T01:30:00-05:00"));
}

TEST(NextRunTest, DailyInBerlinAcrossItsDstDay) {
  auto z = Zone("Europe/Berlin");
  const Schedule s = Parse("daily 09:00");
  const int64_t before = At("2026-03-28T09:00:00+01:00");
  EXPECT_EQ(NextRun(s, *z, before, before + kHour), At("2026-03-29T09:00:00+02:00"));
  EXPECT_EQ(At("2026-03-29T09:00:00+02:00") - before, 23 * kHour);
}

// ---- monthly ----

TEST(NextRunTest, MonthlyOnDay31UsesTheLastDayOfShorterMonths) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Parse("monthly 31 09:00");
  // A 30-day month: 30 November.
  EXPECT_EQ(NextRun(s, *z, At("2026-10-31T09:00:00+08:00"), At("2026-11-01T00:00:00+08:00")),
            At("2026-11-30T09:00:00+08:00"));
  EXPECT_EQ(NextRun(s, *z, At("2026-11-30T09:00:00+08:00"), At("2026-11-30T10:00:00+08:00")),
            At("2026-12-31T09:00:00+08:00"));
  // February: the 28th, and the 29th in a leap year.
  EXPECT_EQ(NextRun(s, *z, At("2027-01-31T09:00:00+08:00"), At("2027-02-01T00:00:00+08:00")),
            At("2027-02-28T09:00:00+08:00"));
  EXPECT_EQ(NextRun(s, *z, At("2028-01-31T09:00:00+08:00"), At("2028-02-01T00:00:00+08:00")),
            At("2028-02-29T09:00:00+08:00"));
  EXPECT_EQ(NextRun(s, *z, At("2028-02-29T09:00:00+08:00"), At("2028-03-01T00:00:00+08:00")),
            At("2028-03-31T09:00:00+08:00"));
}

TEST(NextRunTest, MonthlyPeriodsRunFromOneFireToTheNext) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Parse("monthly 15 09:00");
  EXPECT_EQ(PeriodAt(s, *z, At("2026-12-01T12:00:00+08:00")),
            (Period{At("2026-11-15T09:00:00+08:00"), At("2026-12-15T09:00:00+08:00")}));
  EXPECT_EQ(PeriodAt(s, *z, At("2027-01-20T12:00:00+08:00")),
            (Period{At("2027-01-15T09:00:00+08:00"), At("2027-02-15T09:00:00+08:00")}));
  // Across the year's end, before the 15th.
  EXPECT_EQ(PeriodAt(s, *z, At("2027-01-02T12:00:00+08:00")),
            (Period{At("2026-12-15T09:00:00+08:00"), At("2027-01-15T09:00:00+08:00")}));
  // Down from November to March: one run, for the latest period.
  EXPECT_EQ(NextRun(s, *z, At("2026-11-15T09:00:00+08:00"), At("2027-03-20T00:00:00+08:00")),
            At("2027-03-20T00:00:00+08:00"));
}

TEST(NextRunTest, MonthlyInBerlinUsesBerlinTime) {
  auto z = Zone("Europe/Berlin");
  const Schedule s = Parse("monthly 1 00:30");
  EXPECT_EQ(NextRun(s, *z, At("2026-06-01T00:30:00+02:00"), At("2026-06-15T00:00:00Z")),
            At("2026-07-01T00:30:00+02:00"));
  EXPECT_EQ(NextRun(s, *z, At("2026-11-01T00:30:00+01:00"), At("2026-11-15T00:00:00Z")),
            At("2026-12-01T00:30:00+01:00"));
}

// ---- once ----

TEST(NextRunTest, OnceInTheFutureWaitsForItsInstant) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Parse("once 2026-12-31T20:00:00+08:00");
  const int64_t now = At("2026-11-25T09:00:00+08:00");
  EXPECT_EQ(PeriodAt(s, *z, now), std::nullopt);
  EXPECT_EQ(NextRun(s, *z, std::nullopt, now), At("2026-12-31T20:00:00+08:00"));
  EXPECT_EQ(NextRun(s, *z, std::nullopt, At("2026-12-31T20:00:00+08:00")),
            At("2026-12-31T20:00:00+08:00"));
}

TEST(NextRunTest, OnceInThePastThatNeverRanRunsNow) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Parse("once 2026-11-01T20:00:00+08:00");
  const int64_t now = At("2026-11-25T09:00:00+08:00");
  EXPECT_EQ(PeriodAt(s, *z, now),
            (Period{s.at_ms, std::numeric_limits<int64_t>::max()}));
  EXPECT_EQ(NextRun(s, *z, std::nullopt, now), now);
}

TEST(NextRunTest, OnceThatRanNeverRunsAgain) {
  auto z = Zone("Asia/Shanghai");
  const Schedule s = Parse("once 2026-11-01T20:00:00+08:00");
  EXPECT_EQ(NextRun(s, *z, s.at_ms, At("2026-11-01T20:00:01+08:00")), std::nullopt);
  EXPECT_EQ(NextRun(s, *z, s.at_ms, At("2030-01-01T00:00:00+08:00")), std::nullopt);
  // Even if the clock goes back before the instant.
  EXPECT_EQ(NextRun(s, *z, s.at_ms, At("2026-10-01T00:00:00+08:00")), std::nullopt);
}

}  // namespace
}  // namespace linli::domain::schedule_test
