// The quarterly democratic appraisal (民主评议) without staff remembering it: the `appraisal`
// job (bot/server/jobs.cc) calls EnsureQuarterlyAppraisal; when config.decisions.appraisal is
// enabled and now falls in the quarter's window, it drafts the quarter's appraisal through
// DecisionService::Create (period "2026-Q4", criteria from config) and opens it.
//
// At most one appraisal per quarter: the draft is a conditional INSERT (no appraisal with that
// period yet) in the caller's transaction, so a restart, a second run or an appraisal staff
// already created for the quarter (发起评议, the admin API) means nothing is created.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "domain/common/time_zone.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain::decisions {

struct AppraisalWindow {
  std::string period;      // "2026-Q4"
  int64_t opens_at_ms = 0;   // opens_day of the quarter's last month, 00:00 local
  int64_t closes_at_ms = 0;  // open_days later
};

// Pure: the window of the quarter containing `now_ms` in `zone`, when now is inside it
// (opens_at <= now < closes_at); nullopt otherwise. Ignores `enabled`.
std::optional<AppraisalWindow> AppraisalWindowAt(const config::AppraisalScheduleConfig& cfg,
                                                 const TimeZone& zone, int64_t now_ms);

// Drafts and opens the quarter's appraisal when enabled, inside the window and the quarter
// has none. Returns its id, or 0 when nothing was created (disabled, outside the window, the
// quarter has one already). A draft that cannot open stays a draft (the id is still
// returned). Database errors.
StatusOr<int64_t> EnsureQuarterlyAppraisal(storage::Database& db, const Deps& s, int64_t now_ms);

}  // namespace linli::domain::decisions
