#include "storage/referral_store.h"

namespace linli::storage {

namespace {

constexpr const char* kReferralColumns =
    "id, ticket_id, department_id, note, referred_at, remind_at, reminded_at, answered_at, answer";

Referral ReferralFromRow(const Row& r) {
  Referral x;
  x.id = r.Int(0);
  x.ticket_id = r.Int(1);
  x.department_id = r.Text(2);
  x.note = r.Text(3);
  x.referred_at_ms = r.Int(4);
  x.remind_at_ms = r.Int(5);
  x.reminded_at_ms = r.Int(6);
  x.answered_at_ms = r.Int(7);
  x.answer = r.Text(8);
  return x;
}

StatusOr<std::vector<Referral>> SelectReferrals(Database& db, const std::string& where,
                                       const std::vector<Value>& params) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kReferralColumns + " FROM referrals " + where, params));
  std::vector<Referral> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ReferralFromRow(r));
  return out;
}

}  // namespace

StatusOr<Referral> ReferralStore::Create(Database& db, const Referral& r) {
  if (r.ticket_id <= 0 || r.department_id.empty()) {
    return Status::InvalidArgument("referral: ticket id and department are required");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO referrals (ticket_id, department_id, note, referred_at, remind_at) "
               "VALUES (?, ?, ?, ?, ?) RETURNING id",
               {r.ticket_id, r.department_id, r.note, r.referred_at_ms, r.remind_at_ms}));
  if (rows.empty()) return Status::Internal("referral: insert returned no id");
  Referral out = r;
  out.id = rows[0].Int(0);
  out.reminded_at_ms = 0;
  out.answered_at_ms = 0;
  out.answer.clear();
  return out;
}

StatusOr<std::vector<Referral>> ReferralStore::ForTicket(Database& db, int64_t ticket_id) {
  return SelectReferrals(db, "WHERE ticket_id = ? ORDER BY id", {ticket_id});
}

StatusOr<std::optional<Referral>> ReferralStore::LatestOpen(Database& db, int64_t ticket_id) {
  LINLI_ASSIGN_OR_RETURN(auto rows,
                         SelectReferrals(db, "WHERE ticket_id = ? AND answered_at = 0 ORDER BY id DESC LIMIT 1",
                                {ticket_id}));
  if (rows.empty()) return std::optional<Referral>();
  return std::optional<Referral>(rows[0]);
}

StatusOr<std::vector<Referral>> ReferralStore::ListDueUnreminded(Database& db, int64_t now_ms,
                                                                 int limit) {
  return SelectReferrals(db,
                "WHERE answered_at = 0 AND reminded_at = 0 AND remind_at <= ? ORDER BY remind_at, "
                "id LIMIT ?",
                {now_ms, int64_t{limit}});
}

StatusOr<bool> ReferralStore::MarkRemindedOnce(Database& db, int64_t id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE referrals SET reminded_at = ? WHERE id = ? AND reminded_at = 0 AND answered_at = 0",
      {now_ms, id}));
  return db.changes() == 1;
}

StatusOr<bool> ReferralStore::MarkAnswered(Database& db, int64_t id, const std::string& answer,
                                           int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE referrals SET answered_at = ?, answer = ? WHERE id = ? AND answered_at = 0",
      {now_ms, answer, id}));
  return db.changes() == 1;
}

}  // namespace linli::storage
