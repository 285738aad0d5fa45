#include "storage/redemption_store.h"

#include <string>
#include <utility>

#include "storage/points_store.h"
#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kRedemptionColumns =
    "id, person_id, item_id, cost, status, hold_entry_id, release_entry_id, requested_at, "
    "closed_at, closed_by";

RedemptionStatus ParseStatus(const std::string& s) {
  if (s == "given") return RedemptionStatus::kGiven;
  if (s == "cancelled") return RedemptionStatus::kCancelled;
  return RedemptionStatus::kPending;
}

Redemption RedemptionFromRow(const Row& r) {
  Redemption x;
  x.id = r.Int(0);
  x.person_id = r.Int(1);
  x.item_id = r.Text(2);
  x.cost = r.Int(3);
  x.status = ParseStatus(r.Text(4));
  x.hold_entry_id = r.Int(5);
  x.release_entry_id = r.Int(6);
  x.requested_at_ms = r.Int(7);
  x.closed_at_ms = r.Int(8);
  x.closed_by = r.Text(9);
  return x;
}

// Closes a pending redemption (one conditional UPDATE decides), then reads it back.
StatusOr<Redemption> Close(Database& db, int64_t id, RedemptionStatus to, const std::string& actor,
                           int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE redemptions SET status = ?, closed_at = ?, closed_by = ? "
      "WHERE id = ? AND status = 'pending'",
      {std::string(RedemptionStatusName(to)), now_ms, actor, id}));
  const bool closed = db.changes() == 1;
  LINLI_ASSIGN_OR_RETURN(std::optional<Redemption> r, RedemptionStore::Find(db, id));
  if (!r) return Status::NotFound("no such redemption");
  if (!closed) return Status::FailedPrecondition("not pending");
  return *r;
}

}  // namespace

const char* RedemptionStatusName(RedemptionStatus s) {
  switch (s) {
    case RedemptionStatus::kPending:
      return "pending";
    case RedemptionStatus::kGiven:
      return "given";
    case RedemptionStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

Status RedemptionStore::SyncStock(Database& db, const std::vector<StockItem>& configured) {
  internal::TxScope scope(db, "stock_sync");
  LINLI_RETURN_IF_ERROR(scope.status());
  for (const StockItem& item : configured) {
    LINLI_ASSIGN_OR_RETURN(
        Rows rows, db.Query("SELECT stock, configured FROM catalogue_stock WHERE item_id = ?",
                            {item.item_id}));
    if (rows.empty()) {
      LINLI_RETURN_IF_ERROR(db.Exec(
          "INSERT INTO catalogue_stock (item_id, stock, configured) VALUES (?, ?, ?)",
          {item.item_id, item.stock, item.stock}));
      continue;
    }
    const int64_t stock = rows[0].Int(0);
    const int64_t was = rows[0].Int(1);
    if (was == item.stock) continue;
    int64_t left = -1;
    if (item.stock >= 0) {
      // From unlimited: the new number is what there is; otherwise add the difference.
      left = was < 0 || stock < 0 ? item.stock : stock + (item.stock - was);
      if (left < 0) left = 0;
    }
    LINLI_RETURN_IF_ERROR(
        db.Exec("UPDATE catalogue_stock SET stock = ?, configured = ? WHERE item_id = ?",
                {left, item.stock, item.item_id}));
  }
  return scope.Commit();
}

StatusOr<std::optional<int64_t>> RedemptionStore::Stock(Database& db, const std::string& item_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT stock FROM catalogue_stock WHERE item_id = ?", {item_id}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

StatusOr<Redemption> RedemptionStore::Request(Database& db, int64_t person_id,
                                              const std::string& item_id, int64_t cost,
                                              const std::string& actor, int64_t now_ms) {
  if (cost <= 0) return Status::InvalidArgument("redemption: cost must be positive");
  if (person_id <= 0) return Status::InvalidArgument("redemption: person_id must be positive");
  internal::TxScope scope(db, "redeem");
  LINLI_RETURN_IF_ERROR(scope.status());
  // The stock guard: one conditional UPDATE; unlimited (-1) items are not counted down.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE catalogue_stock SET stock = CASE WHEN stock > 0 THEN stock - 1 ELSE stock END "
      "WHERE item_id = ? AND stock <> 0",
      {item_id}));
  if (db.changes() != 1) {
    LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> stock, Stock(db, item_id));
    if (!stock) return Status::NotFound("no such item");
    return Status::ResourceExhausted("out of stock");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("INSERT INTO redemptions (person_id, item_id, cost, status, requested_at) "
                          "VALUES (?, ?, ?, 'pending', ?) RETURNING id",
                          {person_id, item_id, cost, now_ms}));
  if (rows.empty()) return Status::Internal("redemption: INSERT RETURNING gave no row");
  const int64_t id = rows[0].Int(0);
  PointsEntry hold;
  hold.person_id = person_id;
  hold.amount = -cost;
  hold.reason = "redeem_hold";
  hold.ref = std::to_string(id);
  hold.note = item_id;
  hold.actor = actor;
  hold.idem_key = "redeem:" + std::to_string(id);
  hold.created_at_ms = now_ms;
  // The balance guard: the ledger's conditional INSERT. Its refusal rolls the scope back, the
  // stock unit and the redemption row with it.
  LINLI_ASSIGN_OR_RETURN(AppendResult held, PointsStore::Append(db, hold));
  LINLI_RETURN_IF_ERROR(db.Exec("UPDATE redemptions SET hold_entry_id = ? WHERE id = ?",
                                {held.entry_id, id}));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  Redemption r;
  r.id = id;
  r.person_id = person_id;
  r.item_id = item_id;
  r.cost = cost;
  r.hold_entry_id = held.entry_id;
  r.requested_at_ms = now_ms;
  return r;
}

StatusOr<Redemption> RedemptionStore::MarkGiven(Database& db, int64_t id, const std::string& actor,
                                                int64_t now_ms) {
  return Close(db, id, RedemptionStatus::kGiven, actor, now_ms);
}

StatusOr<Redemption> RedemptionStore::Cancel(Database& db, int64_t id, const std::string& actor,
                                             int64_t now_ms) {
  internal::TxScope scope(db, "redeem_cancel");
  LINLI_RETURN_IF_ERROR(scope.status());
  LINLI_ASSIGN_OR_RETURN(Redemption r, Close(db, id, RedemptionStatus::kCancelled, actor, now_ms));
  PointsEntry release;
  release.person_id = r.person_id;
  release.amount = r.cost;
  release.reason = "redeem_release";
  release.ref = std::to_string(id);
  release.note = r.item_id;
  release.actor = actor;
  release.idem_key = "redeem_release:" + std::to_string(id);
  release.created_at_ms = now_ms;
  if (r.person_id > 0) {  // an erased person's hold has nobody to go back to
    LINLI_ASSIGN_OR_RETURN(AppendResult released, PointsStore::Append(db, release));
    r.release_entry_id = released.entry_id;
    LINLI_RETURN_IF_ERROR(db.Exec("UPDATE redemptions SET release_entry_id = ? WHERE id = ?",
                                  {released.entry_id, id}));
  }
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE catalogue_stock SET stock = stock + 1 WHERE item_id = ? AND stock >= 0", {r.item_id}));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return r;
}

StatusOr<std::optional<Redemption>> RedemptionStore::Find(Database& db, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kRedemptionColumns + " FROM redemptions WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<Redemption>();
  return std::optional<Redemption>(RedemptionFromRow(rows[0]));
}

StatusOr<std::vector<Redemption>> RedemptionStore::List(Database& db,
                                                        std::optional<RedemptionStatus> status,
                                                        int64_t person_id, int limit) {
  std::string sql = std::string("SELECT ") + kRedemptionColumns + " FROM redemptions WHERE 1 = 1";
  std::vector<Value> params;
  if (status) {
    sql += " AND status = ?";
    params.emplace_back(std::string(RedemptionStatusName(*status)));
  }
  if (person_id > 0) {
    sql += " AND person_id = ?";
    params.emplace_back(person_id);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(int64_t{limit < 0 ? 0 : limit});
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  std::vector<Redemption> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(RedemptionFromRow(r));
  return out;
}

}  // namespace linli::storage
