#include "storage/points_store.h"

#include <string>
#include <utility>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kPointsColumns =
    "id, person_id, amount, reason, ref, note, actor, idem_key, created_at, hours_centi";

PointsEntry PointsFromRow(const Row& r) {
  PointsEntry e;
  e.id = r.Int(0);
  e.person_id = r.Int(1);
  e.amount = r.Int(2);
  e.reason = r.Text(3);
  e.ref = r.Text(4);
  e.note = r.Text(5);
  e.actor = r.Text(6);
  e.idem_key = r.IsNull(7) ? std::string() : r.Text(7);
  e.created_at_ms = r.Int(8);
  e.hours_centi = r.Int(9);
  return e;
}

StatusOr<std::optional<int64_t>> EntryWithKey(Database& db, const std::string& key) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT id FROM points_ledger WHERE idem_key = ?", {key}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

}  // namespace

StatusOr<AppendResult> PointsStore::Append(Database& db, const PointsEntry& e) {
  if (e.amount == 0) return Status::InvalidArgument("points: amount must not be 0");
  if (e.reason.empty()) return Status::InvalidArgument("points: reason is required");
  if (e.person_id <= 0) return Status::InvalidArgument("points: person_id must be positive");
  if (!e.idem_key.empty()) {
    LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> existing, EntryWithKey(db, e.idem_key));
    if (existing) return AppendResult{*existing, false};
  }
  const Value key = e.idem_key.empty() ? Value{nullptr} : Value{e.idem_key};
  // One statement decides: a credit always goes in; a debit only when the balance, read by the
  // same statement in the same transaction, covers it. CASTs keep the SELECT list typed for
  // PostgreSQL; the ON CONFLICT covers a key that appeared since the check above.
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO points_ledger "
               "(person_id, amount, reason, ref, note, actor, idem_key, hours_centi, created_at) "
               "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), "
               "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), "
               "CAST(? AS BIGINT) "
               "WHERE CAST(? AS BIGINT) > 0 OR (SELECT COALESCE(SUM(amount), 0) FROM points_ledger "
               "WHERE person_id = ?) + CAST(? AS BIGINT) >= 0 "
               "ON CONFLICT (idem_key) DO NOTHING RETURNING id",
               {e.person_id, e.amount, e.reason, e.ref, e.note, e.actor, key, e.hours_centi,
                e.created_at_ms, e.amount, e.person_id, e.amount}));
  if (!rows.empty()) return AppendResult{rows[0].Int(0), true};
  if (!e.idem_key.empty()) {
    LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> existing, EntryWithKey(db, e.idem_key));
    if (existing) return AppendResult{*existing, false};
  }
  return Status::FailedPrecondition("insufficient points");
}

StatusOr<int64_t> PointsStore::Balance(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM points_ledger WHERE person_id = ?",
                          {person_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

StatusOr<std::vector<PointsEntry>> PointsStore::Recent(Database& db, int64_t person_id, int limit) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kPointsColumns +
                              " FROM points_ledger WHERE person_id = ? ORDER BY id DESC LIMIT ?",
                          {person_id, int64_t{limit < 0 ? 0 : limit}}));
  std::vector<PointsEntry> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(PointsFromRow(r));
  return out;
}

StatusOr<std::optional<PointsEntry>> PointsStore::Find(Database& db, int64_t entry_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kPointsColumns + " FROM points_ledger WHERE id = ?", {entry_id}));
  if (rows.empty()) return std::optional<PointsEntry>();
  return std::optional<PointsEntry>(PointsFromRow(rows[0]));
}

StatusOr<std::vector<PointsEntry>> PointsStore::Between(Database& db, int64_t from_ms,
                                                        int64_t to_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kPointsColumns +
                              " FROM points_ledger WHERE created_at >= ? AND created_at < ? "
                              "ORDER BY id",
                          {from_ms, to_ms}));
  std::vector<PointsEntry> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(PointsFromRow(r));
  return out;
}

StatusOr<std::vector<PointsStore::Earned>> PointsStore::EarnedBetween(Database& db,
                                                                      int64_t from_ms,
                                                                      int64_t to_ms, int limit) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("SELECT person_id, CAST(SUM(amount) AS BIGINT) AS earned FROM points_ledger "
               "WHERE created_at >= ? AND created_at < ? AND person_id > 0 "
               "AND reason IN ('wish', 'hours', 'award', 'reversal') "
               "GROUP BY person_id HAVING SUM(amount) > 0 "
               "ORDER BY earned DESC, person_id LIMIT ?",
               {from_ms, to_ms, int64_t{limit < 0 ? 0 : limit}}));
  std::vector<Earned> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Int(0), r.Int(1)});
  return out;
}

}  // namespace linli::storage
