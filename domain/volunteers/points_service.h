// The points service (积分, issue 9 point 5): staff awards and deductions, reversals,
// redemptions (兑换) against the config's catalogue, the exchange day and the monthly
// leaderboard (最美志愿者). The ledger itself is storage/points_store.h (append-only; the
// database refuses an overdraw); this file adds who may do what and who is told. Every write
// runs in the caller's transaction; the staff calls check the actor themselves
// (kPermissionDenied "staff only"), whichever front end called.
//
// Error messages are fixed so the front ends can show a sentence (PointsRefusalKey):
// "insufficient points", "out of stock", "no such item", "no such person", "no such entry",
// "no such redemption", "not pending", "already reversed", "not reversible",
// "amount must be positive", "reason required", "staff only".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/points_store.h"
#include "storage/redemption_store.h"

namespace linli::domain {

// What a points action leaves behind, for the replies and the API.
struct PointsOutcome {
  int64_t person_id = 0;
  int64_t balance = 0;                      // the person's balance after it
  std::optional<storage::PointsEntry> entry;  // the entry written, if any
  std::optional<storage::Redemption> redemption;
};

// Staff award (amount > 0) or deduction (amount < 0) with a reason: one "award" entry, actor =
// the staff name. A deduction beyond the balance is "insufficient points". The person is told
// privately. kInvalidArgument "amount must be positive" for 0, "reason required" for "".
StatusOr<PointsOutcome> AwardPoints(storage::Database& db, const Deps& deps, Actor actor,
                                    int64_t person_id, int64_t amount, const std::string& reason,
                                    int64_t now_ms);
// Reverses entry `entry_id` (reasons wish, hours, award only - redemptions are cancelled
// instead: "not reversible") with a compensating "reversal" entry (-amount, ref = the id,
// idem_key "reversal:<id>": at most once, "already reversed"). Reversing a credit that has been
// spent is "insufficient points". The person is told privately.
StatusOr<PointsOutcome> ReverseEntry(storage::Database& db, const Deps& deps, Actor actor,
                                     int64_t entry_id, const std::string& note, int64_t now_ms);

// The catalogue item `id_or_label` names (its id, or its label in any locale), or nullptr.
// Pure.
const config::CatalogueItem* FindCatalogueItem(const config::Config& config,
                                               const std::string& id_or_label);
// The item's label in `locale` (labels, else label_key's text, else the id). Pure.
std::string CatalogueLabel(const Deps& deps, const std::string& locale,
                           const config::CatalogueItem& item);
// The catalogue's stock as storage::RedemptionStore::SyncStock wants it. Pure.
std::vector<storage::StockItem> CatalogueStock(const config::Config& config);

// 兑换 <item> by the person themself: holds the cost and one unit of stock, both decided by the
// database (storage::RedemptionStore::Request). "no such item" for an item not in the
// catalogue.
StatusOr<PointsOutcome> RequestRedemption(storage::Database& db, const Deps& deps,
                                          int64_t person_id, const std::string& item_id,
                                          int64_t now_ms);
// Staff: 发放 N marks redemption N given; 取消兑换 N cancels it (the hold released, stock
// back). The person is told privately.
StatusOr<PointsOutcome> GiveRedemption(storage::Database& db, const Deps& deps, Actor actor,
                                       int64_t redemption_id, int64_t now_ms);
StatusOr<PointsOutcome> CancelRedemption(storage::Database& db, const Deps& deps, Actor actor,
                                         int64_t redemption_id, int64_t now_ms);

// The next exchange day on or after `now_ms` in config.timezone, "YYYY-MM-DD" (today when
// today is the day). Pure apart from reading the zone database.
std::string NextExchangeDate(const config::Config& config, int64_t now_ms);
// [start, end) in ms of the calendar month containing `now_ms` in config.timezone.
std::pair<int64_t, int64_t> MonthBounds(const config::Config& config, int64_t now_ms);

struct LeaderboardRow {
  int rank = 0;
  std::string display_name;  // VolunteerDisplayName: never a phone, room or real-name field
  int64_t points = 0;
};
// 最美志愿者: points earned in the month of `now_ms` (storage::PointsStore::EarnedBetween), at
// most config.points.leaderboard_size rows, equal points share a rank. Read-only.
StatusOr<std::vector<LeaderboardRow>> MonthlyLeaderboard(storage::Database& db, const Deps& deps,
                                                         int64_t now_ms);

// The text key of the sentence for a refusal above ("points.refused.<...>"), "" for a status
// that is none (a database error).
std::string PointsRefusalKey(const Status& status);

}  // namespace linli::domain
