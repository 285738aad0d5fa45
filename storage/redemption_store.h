// Redemptions (兑换, issue 9 point 5; tables `redemptions` and `catalogue_stock`, migration 19).
// A request takes one unit of the item's stock and holds its cost on the points ledger in one
// step, both guarded by the database (a conditional UPDATE of the stock, the ledger's
// conditional INSERT), so concurrent requests can neither oversell nor overdraw. Staff then
// mark it given, or cancel it: the hold is released by a compensating entry and the unit goes
// back to the stock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

enum class RedemptionStatus { kPending, kGiven, kCancelled };  // "pending"|"given"|"cancelled"
const char* RedemptionStatusName(RedemptionStatus s);

struct Redemption {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string item_id;
  int64_t cost = 0;
  RedemptionStatus status = RedemptionStatus::kPending;
  int64_t hold_entry_id = 0;     // the "redeem_hold" ledger entry
  int64_t release_entry_id = 0;  // the "redeem_release" entry of a cancellation
  int64_t requested_at_ms = 0;
  int64_t closed_at_ms = 0;      // given or cancelled
  std::string closed_by;         // actor name
};

struct StockItem {
  std::string item_id;
  int64_t stock = -1;  // -1 = unlimited
};

class RedemptionStore {
 public:
  // Makes catalogue_stock agree with the config's items (id, stock) in one transaction: a new
  // item starts with its configured stock; a changed configured stock adds the difference to
  // what is left (never below 0); -1 makes it unlimited. Items no longer configured stay (their
  // pending redemptions can still be given or cancelled).
  static Status SyncStock(Database&, const std::vector<StockItem>& configured);
  // What is left of `item_id`; nullopt for an item never synced. Read-only.
  static StatusOr<std::optional<int64_t>> Stock(Database&, const std::string& item_id);

  // Requests one `item_id` for `person_id` at `cost`, in the caller's transaction (a
  // savepoint: all or nothing): takes one unit of stock (kResourceExhausted "out of stock"
  // when none is left; kNotFound for an item never synced), writes the pending redemption and
  // the hold entry (reason "redeem_hold", ref = redemption id, amount -cost, idem_key
  // "redeem:<id>"), kFailedPrecondition "insufficient points" (nothing written) when the
  // balance does not cover it. kInvalidArgument for cost <= 0 or person_id <= 0.
  static StatusOr<Redemption> Request(Database&, int64_t person_id, const std::string& item_id,
                                      int64_t cost, const std::string& actor, int64_t now_ms);
  // Marks a pending redemption given. kNotFound for no such redemption; kFailedPrecondition
  // "not pending" when it is given or cancelled already (decided by one conditional UPDATE).
  static StatusOr<Redemption> MarkGiven(Database&, int64_t id, const std::string& actor,
                                        int64_t now_ms);
  // Cancels a pending redemption: status cancelled, a "redeem_release" entry of +cost (ref =
  // id, idem_key "redeem_release:<id>"), the unit back to the stock. Errors as MarkGiven.
  static StatusOr<Redemption> Cancel(Database&, int64_t id, const std::string& actor,
                                     int64_t now_ms);
  static StatusOr<std::optional<Redemption>> Find(Database&, int64_t id);
  // With `status` (all when nullopt), oldest first, at most `limit`; person_id > 0 filters.
  static StatusOr<std::vector<Redemption>> List(Database&, std::optional<RedemptionStatus> status,
                                                int64_t person_id, int limit);
};

}  // namespace linli::storage
