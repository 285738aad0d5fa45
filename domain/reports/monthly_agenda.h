// The monthly agenda post (一月一议, issue 11 point 6): before the joint meeting, the staff
// groups get the agenda of the previous calendar month (domain/tickets/agenda.h: escalated,
// deferred, reopened and overdue tickets, the month's figures) plus that month's wishes and
// decisions. Nothing personal, as the agenda: numbers, categories, buildings, states, masked
// titles.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "domain/common/schedule.h"
#include "storage/database.h"

namespace linli::domain {

// When the post goes out: monthly on day agenda.meeting_day - agenda.days_before at
// agenda.time (the config loader keeps the day in 1..28). Pure.
Schedule AgendaPostSchedule(const config::AgendaConfig& agenda);

// The calendar month before the one containing `now_ms` in `timezone`, "YYYY-MM". Pure.
std::string PreviousMonth(int64_t now_ms, const std::string& timezone);

// The post for `month` ("YYYY-MM"): an intro naming the meeting day of the month after
// `month`, RenderAgenda's text, then the wishes posted in the month (number, category,
// building, status) and the decisions opened or closed in it (id, kind, masked title, status,
// turnout or adopted). kInvalidArgument for a malformed month; otherwise database errors.
StatusOr<std::string> RenderAgendaPost(storage::Database& db, const config::Config& config,
                                       const config::Texts& texts, const std::string& month,
                                       const std::string& locale);

}  // namespace linli::domain
