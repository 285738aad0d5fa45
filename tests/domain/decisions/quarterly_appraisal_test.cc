// The quarterly appraisal's window (domain/decisions/quarterly_appraisal.h): opens_day of the
// quarter's last month at 00:00 local, open_days long.
#include "domain/decisions/quarterly_appraisal.h"

#include <gtest/gtest.h>

namespace linli::domain::decisions::quarterly_appraisal_test {
namespace {

const TimeZone kShanghai = TimeZone::Fixed("Asia/Shanghai", 8 * 3600);

int64_t Local(int y, int mo, int d, int h, int mi) {
  return kShanghai.FromLocal(CivilTime{y, mo, d, h, mi, 0}) * 1000;
}

TEST(QuarterlyAppraisalTest, TheWindowIsInTheQuartersLastMonth) {
  config::AppraisalScheduleConfig cfg;
  cfg.opens_day = 1;
  cfg.open_days = 14;
  EXPECT_FALSE(AppraisalWindowAt(cfg, kShanghai, Local(2026, 11, 30, 23, 59)).has_value());
  auto w = AppraisalWindowAt(cfg, kShanghai, Local(2026, 12, 1, 0, 5));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->period, "2026-Q4");
  EXPECT_EQ(w->opens_at_ms, Local(2026, 12, 1, 0, 0));
  EXPECT_EQ(w->closes_at_ms, Local(2026, 12, 15, 0, 0));
  EXPECT_FALSE(AppraisalWindowAt(cfg, kShanghai, Local(2026, 12, 15, 0, 0)).has_value());
  // March is the first quarter's last month; a window may run into the next month.
  cfg.opens_day = 25;
  auto q1 = AppraisalWindowAt(cfg, kShanghai, Local(2027, 4, 2, 12, 0));
  EXPECT_FALSE(q1.has_value());  // April is in Q2, whose window is in June
  auto march = AppraisalWindowAt(cfg, kShanghai, Local(2027, 3, 30, 12, 0));
  ASSERT_TRUE(march.has_value());
  EXPECT_EQ(march->period, "2027-Q1");
  EXPECT_EQ(march->closes_at_ms, Local(2027, 4, 8, 0, 0));
}

}  // namespace
}  // namespace linli::domain::decisions::quarterly_appraisal_test
