// The red/black list's procedure over the stores (issue 11 point 7): 采集信息 (GatherFacts:
// tickets, ratings and the quarter's closed appraisal, per building), the draft made at
// quarter end (EnsureQuarterDraft, the `red-black` job), and 结果认定 (Confirm: community or
// street staff, or an admin; then the list is posted to every group whose `posts` has
// "reports" and is served by GET /api/public/red-black). Every call writes in the caller's
// transaction (the write-queue unit). Nothing personal is read out: ballots are reduced to a
// per-household mean and a building; tickets to times, a category deadline and a building.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "domain/reports/red_black.h"
#include "storage/database.h"

namespace linli::domain::reports {

inline constexpr char kRedBlackKind[] = "red_black";

// The facts of `quarter` ("YYYY-Qn") from the database (see red_black.h for what counts).
// kInvalidArgument for a malformed quarter; database errors.
StatusOr<QuarterFacts> GatherFacts(storage::Database& db, const config::Config& config,
                                   const std::string& quarter);
// GatherFacts then ComputeRedBlack.
StatusOr<RedBlackList> ComputeQuarter(storage::Database& db, const config::Config& config,
                                      const std::string& quarter);

// At quarter end: drafts the list of the quarter before the one containing `now_ms` unless
// it has one already (decided by the conditional insert), and tells community and street
// staff (config.staff) privately, with the draft and how to confirm it. Only within 31 days
// after that quarter's end (a daily job catches up after a down time; a first start in
// mid-quarter drafts nothing for a quarter long gone). Does nothing when no property company
// is configured. Returns whether a draft was made. Database errors.
StatusOr<bool> EnsureQuarterDraft(storage::Database& db, const Deps& s, int64_t now_ms);

struct ConfirmResult {
  bool confirmed = false;  // false: it was confirmed already (nothing was sent again)
  int posted = 0;          // group messages enqueued
};

// 结果认定: confirms the draft of `quarter` as `actor` and enqueues the list to every group
// whose posts has "reports". Errors: kPermissionDenied when the actor is not community or
// street staff (or admin); kNotFound when the quarter has no draft; kInvalidArgument for a
// malformed quarter; database errors. A second confirmation is {false, 0}.
StatusOr<ConfirmResult> ConfirmRedBlack(storage::Database& db, const Deps& s, Actor actor,
                                        const std::string& quarter, int64_t now_ms);

// The text key of an error ConfirmRedBlack returns ("" for a database error).
std::string ConfirmErrorKey(const Status& status);

}  // namespace linli::domain::reports
