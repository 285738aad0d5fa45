// A volunteer's service record for the report to their organisation (issue 9 point 6:
// `linli volunteers report --org NAME --from --to`, CSV, 反馈权/表扬权/激励权).
//
// What comes from where:
//   wishes_fulfilled  distinct refs (wish numbers) of the volunteer's "wish" entries in the
//                     period, minus wishes whose entries were all reversed in it; plus the
//                     volunteer's claims confirmed in the period (storage/wish_store.h) whose
//                     wish has no "wish" entry of theirs in it (wishes.points_per_wish 0)
//   hours_centi       the sum of hours_centi of the "wish" and "hours" entries in the period
//                     (and of their reversals, which carry the negative hours), hours x 100;
//                     plus the reported hours of such confirmed claims without ledger hours
//   points_earned     the sum of "wish", "hours", "award" (deductions are negative awards)
//                     and "reversal" entries in the period - redemptions left out
//   rating_count/rating_sum  the requesters' ratings (1..5) of the volunteer's confirmed claims
//                     given in the period (storage::WishStore::RatingsOf; asked after the
//                     requester confirms: domain::WishService::Rate)
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bot/status.h"
#include "storage/database.h"

namespace linli::domain {

struct ServiceRecord {
  int64_t person_id = 0;
  std::string display_name;     // the volunteer's display name (never a phone or a room)
  std::string organisation;
  int64_t wishes_fulfilled = 0;
  int64_t hours_centi = 0;      // hours x 100 (150 = 1.5 h)
  int64_t points_earned = 0;
  int64_t rating_count = 0;     // ratings received in the period
  int64_t rating_sum = 0;       // their sum (scores 1..5); mean = sum / count
};

// One record per active volunteer of `org` (exact match of the organisation), by display name,
// including volunteers with nothing in [from_ms, to_ms). Read-only. Database errors as is.
StatusOr<std::vector<ServiceRecord>> ServiceRecords(storage::Database&, const std::string& org,
                                                    int64_t from_ms, int64_t to_ms);

// The period of `linli volunteers report --from F --to T`: dates "YYYY-MM-DD" in `timezone`,
// both days included -> [start of F, start of the day after T) in ms. kInvalidArgument
// "--from must be YYYY-MM-DD" (or --to), "--to is before --from". Pure but for the zone files.
StatusOr<std::pair<int64_t, int64_t>> ReportPeriod(const std::string& from, const std::string& to,
                                                   const std::string& timezone);

// The records as CSV (RFC 4180, CRLF line ends, a header row): display_name, organisation,
// wishes_fulfilled, hours ("1.50"), points_earned, mean_rating ("4.50", "" without ratings).
// Fields with a comma, quote or line break are quoted. Pure.
std::string ServiceRecordsCsv(const std::vector<ServiceRecord>& records);

}  // namespace linli::domain
