#include "domain/common/time_zone.h"

#include <gtest/gtest.h>

#include <string>

#include "domain/common/time_format.h"

namespace linli::domain::time_zone_test {
namespace {

constexpr int64_t kHour = 3600;

std::shared_ptr<const TimeZone> Zone(const std::string& name) {
  auto z = LoadTimeZone(name);
  EXPECT_TRUE(z.ok()) << z.status().ToString();
  return z.ok() ? *z : std::make_shared<const TimeZone>(TimeZone::Utc());
}

TEST(CivilTest, RoundTripsAndKnowsMonthLengths) {
  const CivilTime t{2028, 2, 29, 23, 59, 58};
  EXPECT_EQ(CivilFromSeconds(SecondsFromCivil(t)), t);
  EXPECT_EQ(SecondsFromCivil({1970, 1, 1, 0, 0, 0}), 0);
  EXPECT_EQ(SecondsFromCivil({2026, 11, 25, 1, 0, 0}), 1795568400);
  EXPECT_EQ(CivilFromSeconds(-1), (CivilTime{1969, 12, 31, 23, 59, 59}));
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2028, 2), 29);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
  EXPECT_EQ(DaysInMonth(2026, 12), 31);
  EXPECT_EQ(DaysFromCivil(2026, 13, 1), DaysFromCivil(2027, 1, 1));
  EXPECT_EQ(DaysFromCivil(2026, 0, 1), DaysFromCivil(2025, 12, 1));
  EXPECT_EQ(WeekdayFromDays(0), 4);                           // 1970-01-01 was a Thursday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2026, 12, 1)), 2);  // a Tuesday
}

TEST(TimeZoneTest, ShanghaiIsUtcPlusEight) {
  auto z = Zone("Asia/Shanghai");
  EXPECT_EQ(z->OffsetAt(1795568400), 8 * kHour);
  EXPECT_EQ(z->ToLocal(1795568400), (CivilTime{2026, 11, 25, 9, 0, 0}));
  EXPECT_EQ(z->FromLocal({2026, 11, 25, 9, 0, 0}), 1795568400);
}

TEST(TimeZoneTest, NewYorkChangesOffsetOnTheDstDays) {
  auto z = Zone("America/New_York");
  // 2026-03-08 02:00 EST -> 03:00 EDT at 07:00 UTC; 2026-11-01 02:00 EDT -> 01:00 EST at 06:00 UTC.
  const int64_t spring = SecondsFromCivil({2026, 3, 8, 7, 0, 0});
  const int64_t autumn = SecondsFromCivil({2026, 11, 1, 6, 0, 0});
  EXPECT_EQ(z->OffsetAt(spring - 1), -5 * kHour);
  EXPECT_EQ(z->OffsetAt(spring), -4 * kHour);
  EXPECT_EQ(z->OffsetAt(autumn - 1), -4 * kHour);
  EXPECT_EQ(z->OffsetAt(autumn), -5 * kHour);
  EXPECT_EQ(z->ToLocal(spring), (CivilTime{2026, 3, 8, 3, 0, 0}));
}

TEST(TimeZoneTest, BerlinChangesOffsetOnTheLastSundays) {
  auto z = Zone("Europe/Berlin");
  const int64_t spring = SecondsFromCivil({2026, 3, 29, 1, 0, 0});
  const int64_t autumn = SecondsFromCivil({2026, 10, 25, 1, 0, 0});
  EXPECT_EQ(z->OffsetAt(spring - 1), 1 * kHour);
  EXPECT_EQ(z->OffsetAt(spring), 2 * kHour);
  EXPECT_EQ(z->OffsetAt(autumn - 1), 2 * kHour);
  EXPECT_EQ(z->OffsetAt(autumn), 1 * kHour);
}

TEST(TimeZoneTest, SkippedLocalTimeMovesForwardAndRepeatedOneTakesTheFirst) {
  auto z = Zone("America/New_York");
  // 02:30 does not exist on 2026-03-08: 03:30 EDT = 07:30 UTC.
  EXPECT_EQ(z->FromLocal({2026, 3, 8, 2, 30, 0}), SecondsFromCivil({2026, 3, 8, 7, 30, 0}));
  // 01:30 happens twice on 2026-11-01: the first is 01:30 EDT = 05:30 UTC.
  EXPECT_EQ(z->FromLocal({2026, 11, 1, 1, 30, 0}), SecondsFromCivil({2026, 11, 1, 5, 30, 0}));
  // Ordinary times either side.
  EXPECT_EQ(z->FromLocal({2026, 7, 1, 8, 30, 0}), SecondsFromCivil({2026, 7, 1, 12, 30, 0}));
  EXPECT_EQ(z->FromLocal({2026, 12, 1, 8, 30, 0}), SecondsFromCivil({2026, 12, 1, 13, 30, 0}));
}

TEST(TimeZoneTest, FooterRuleCoversYearsAfterTheListedTransitions) {
  auto z = Zone("America/New_York");
  EXPECT_EQ(z->OffsetAt(SecondsFromCivil({2040, 7, 1, 12, 0, 0})), -4 * kHour);
  EXPECT_EQ(z->OffsetAt(SecondsFromCivil({2040, 1, 1, 12, 0, 0})), -5 * kHour);
  auto berlin = Zone("Europe/Berlin");
  EXPECT_EQ(berlin->OffsetAt(SecondsFromCivil({2099, 8, 1, 0, 0, 0})), 2 * kHour);
  // Southern hemisphere: daylight time spans the new year.
  auto sydney = Zone("Australia/Sydney");
  EXPECT_EQ(sydney->OffsetAt(SecondsFromCivil({2040, 1, 15, 0, 0, 0})), 11 * kHour);
  EXPECT_EQ(sydney->OffsetAt(SecondsFromCivil({2040, 7, 15, 0, 0, 0})), 10 * kHour);
}

TEST(TimeZoneTest, FooterRuleAgreesWithTheListedTransitions) {
  // The same zone from its rule alone (a TZif file with no transitions, only the footer).
  auto listed = Zone("America/New_York");
  auto rule = ParsePosixTz("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(rule.ok());
  std::string bytes(44, '\0');
  bytes.replace(0, 5, "TZif2");
  bytes[39] = 1;  // typecnt = 1
  bytes[43] = 4;  // charcnt = 4
  bytes += std::string("\xff\xff\xb9\xb0\0\0EST\0", 10);  // -18000, not dst, "EST"
  std::string v2 = bytes + bytes;  // the v1 block, then the v2 block (no transitions: alike)
  v2 += "\nEST5EDT,M3.2.0,M11.1.0\n";
  auto from_rule = TimeZone::FromTzif("NY rule", v2);
  ASSERT_TRUE(from_rule.ok()) << from_rule.status().ToString();
  for (int64_t t = SecondsFromCivil({2026, 1, 1, 0, 0, 0}); t < SecondsFromCivil({2028, 1, 1, 0, 0, 0});
       t += 1800) {
    ASSERT_EQ(from_rule->OffsetAt(t), listed->OffsetAt(t)) << t;
  }
}

TEST(PosixTzTest, ParsesFixedAndRuleZones) {
  auto cst = ParsePosixTz("CST-8");
  ASSERT_TRUE(cst.ok());
  EXPECT_EQ(cst->std_offset, 8 * kHour);
  EXPECT_FALSE(cst->has_dst);

  auto iran = ParsePosixTz("<+0330>-3:30");
  ASSERT_TRUE(iran.ok());
  EXPECT_EQ(iran->std_offset, 3 * kHour + 1800);

  auto berlin = ParsePosixTz("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin.ok());
  EXPECT_EQ(berlin->std_offset, kHour);
  EXPECT_EQ(berlin->dst_offset, 2 * kHour);
  EXPECT_EQ(berlin->start.month, 3);
  EXPECT_EQ(berlin->start.week, 5);
  EXPECT_EQ(berlin->start.time, 2 * kHour);
  EXPECT_EQ(berlin->end.time, 3 * kHour);

  EXPECT_FALSE(ParsePosixTz("").ok());
  EXPECT_FALSE(ParsePosixTz("EST").ok());
  EXPECT_FALSE(ParsePosixTz("EST5EDT,M13.1.0,M11.1.0").ok());
  EXPECT_FALSE(ParsePosixTz("EST5EDT,M3.2.0").ok());
}

TEST(TimeZoneTest, RejectsNamesThatAreNotZonesAndBytesThatAreNotTzif) {
  EXPECT_EQ(LoadTimeZone("Beijing").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadTimeZone("../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadTimeZone("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::FromTzif("x", "not a zone file").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::FromTzif("x", std::string("TZif2") + std::string(39, '\0')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TimeZoneTest, LoadIsCachedAndShared) {
  auto a = LoadTimeZone("Europe/Berlin");
  auto b = LoadTimeZone("Europe/Berlin");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
}

TEST(FormatLocalTimeTest, FormatsInTheNamedZoneWhateverTheProcessTz) {
  EXPECT_EQ(FormatLocalTime(1795568400000, "Asia/Shanghai"), "2026-11-25 09:00");
  EXPECT_EQ(FormatLocalTime(1795568400000, "UTC"), "2026-11-25 01:00");
  EXPECT_EQ(FormatLocalTime(1795568400000, "America/New_York"), "2026-11-24 20:00");
  EXPECT_EQ(FormatLocalTime(SecondsFromCivil({2026, 7, 1, 12, 0, 0}) * 1000, "Europe/Berlin"),
            "2026-07-01 14:00");
  EXPECT_EQ(FormatLocalTime(1795568400000, "Beijing"), "2026-11-25 01:00");  // unknown: UTC
}

}  // namespace
}  // namespace linli::domain::time_zone_test
