// The monthly joint-meeting agenda (一月一议, issue 4 point 9): the month's escalated, deferred,
// reopened and overdue tickets and its figures, as Markdown. Pure over the database: no
// names, phones, units, rooms or residents' words - only number, category, building, status
// and tier, and the deferral reason/plan/date staff wrote for the public.
#pragma once

#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "storage/database.h"

namespace linli::domain {

// Renders the agenda of `month` ("YYYY-MM", calendar month in config.timezone) in `locale`.
// kInvalidArgument for a malformed month; otherwise only database errors.
//
// Sections: tickets escalated in the month (by staff or by deadline), deferred in the month
// (with reason, plan and expected date), reopened in the month (rated 不满意), overdue in the
// month (escalated or flagged by the deadline job: only its events, by the "system" actor).
// Each item says who acted ("经办"): staff as 工作人员 (never their names), an admin API key
// by its name, the deadline job as 系统. Figures: received (created in the month), solved
// (resolved in the month), the median hours from report to its first resolution in the month,
// and every rating given in the month, each rating event once (满意率 = (满意 + 基本满意) /
// all ratings).
StatusOr<std::string> RenderAgenda(storage::Database& db, const config::Config& config,
                                   const config::Texts& texts, const std::string& month,
                                   const std::string& locale);

// [start, end) of `month` ("YYYY-MM") in `timezone` as epoch ms; kInvalidArgument if malformed.
StatusOr<std::pair<int64_t, int64_t>> MonthRange(const std::string& month,
                                                 const std::string& timezone);

}  // namespace linli::domain
