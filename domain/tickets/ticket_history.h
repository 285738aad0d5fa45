// A ticket's history as people read it (issue 11): every event kind in its own words -
// reported, accepted, work started, a public progress note, deferred with reason, plan and
// date, passed on to a tier, reopened, resolved, closed, rated - for the reporter (and the
// public views), and the same plus what stays internal for staff. Pure: the texts and the
// stored events in, the lines out; the front ends add the time.
//
// Residents never see an internal note, an assignment, a public summary, an overdue flag, a
// reminder, an escalation's reason, a rating comment or the staff note of a referral to a
// department (they read "已转交城管协同处理" and the department's answer, masked when recorded). Staff see tier names localized
// ("社区 → 街道"), never the stored ids ("community -> street").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/texts.h"
#include "storage/ticket_store.h"

namespace linli::domain {

enum class HistoryAudience { kResident, kStaff };

struct HistoryLine {
  int64_t at_ms = 0;
  std::string text;
};

// The text of one event for `audience` in `locale`; "" when the audience does not see it.
std::string DescribeEvent(const config::Texts& texts, const std::string& locale,
                          const storage::TicketEvent& event, HistoryAudience audience);

// DescribeEvent for each event (oldest first), skipping the hidden ones.
std::vector<HistoryLine> HistoryLines(const config::Texts& texts, const std::string& locale,
                                      const std::vector<storage::TicketEvent>& events,
                                      HistoryAudience audience);

// A stored tier-move note ("community -> street: reason", written by escalations) with the
// tier names in `locale` ("社区 → 街道：reason"); other text unchanged.
std::string LocalizeTierMove(const config::Texts& texts, const std::string& locale,
                             const std::string& note);

}  // namespace linli::domain
