#include "storage/wish_store.h"

#include <utility>

#include "storage/store_util.h"

namespace linli::storage {

namespace {

constexpr const char* kWishColumns =
    "id, requester_person_id, requester_household_id, posted_by_person_id, channel, category, "
    "text, building, contact_name, contact_phone, contact_unit, deadline, helpers_needed, "
    "status, reject_reason, created_at, updated_at, done_at";

constexpr const char* kClaimColumns =
    "id, wish_id, person_id, status, hours_tenths, photo_ref, claimed_at, progress_at, "
    "reminded_at, done_at, ended_at, rating, rated_at";

// What counts against helpers_needed.
constexpr const char* kHolding = "('active', 'done', 'confirmed')";

Wish WishFromRow(const Row& r) {
  Wish w;
  w.number = r.Int(0);
  w.requester_person_id = r.Int(1);
  w.requester_household_id = r.Int(2);
  w.posted_by_person_id = r.Int(3);
  w.channel = r.Text(4);
  w.category = r.Text(5);
  w.text = r.Text(6);
  w.building = r.Text(7);
  w.contact_name = r.Text(8);
  w.contact_phone = r.Text(9);
  w.contact_unit = r.Text(10);
  w.deadline = r.Text(11);
  w.helpers_needed = r.Int(12);
  w.status = ParseWishStatus(r.Text(13)).value_or(WishStatus::kPending);
  w.reject_reason = r.Text(14);
  w.created_at_ms = r.Int(15);
  w.updated_at_ms = r.Int(16);
  w.done_at_ms = r.Int(17);
  return w;
}

ClaimStatus ParseClaimStatus(const std::string& s) {
  if (s == "done") return ClaimStatus::kDone;
  if (s == "confirmed") return ClaimStatus::kConfirmed;
  if (s == "released") return ClaimStatus::kReleased;
  return ClaimStatus::kActive;
}

WishClaim ClaimFromRow(const Row& r) {
  WishClaim c;
  c.id = r.Int(0);
  c.wish_number = r.Int(1);
  c.person_id = r.Int(2);
  c.status = ParseClaimStatus(r.Text(3));
  c.hours_tenths = r.Int(4);
  c.photo_ref = r.Text(5);
  c.claimed_at_ms = r.Int(6);
  c.progress_at_ms = r.Int(7);
  c.reminded_at_ms = r.Int(8);
  c.done_at_ms = r.Int(9);
  c.ended_at_ms = r.Int(10);
  c.rating = r.Int(11);
  c.rated_at_ms = r.Int(12);
  return c;
}

// "(?, ?, ...)" with the names of `statuses` appended to `params`.
template <typename S>
std::string InList(const std::vector<S>& statuses, std::vector<Value>& params) {
  std::string out = "(";
  for (size_t i = 0; i < statuses.size(); ++i) {
    out += i == 0 ? "?" : ", ?";
    params.emplace_back(NameOf(statuses[i]));
  }
  return out + ")";
}

}  // namespace

std::string NameOf(WishStatus status) {
  switch (status) {
    case WishStatus::kPending: return "pending";
    case WishStatus::kOpen: return "open";
    case WishStatus::kClaimed: return "claimed";
    case WishStatus::kDone: return "done";
    case WishStatus::kConfirmed: return "confirmed";
    case WishStatus::kRejected: return "rejected";
    case WishStatus::kCancelled: return "cancelled";
  }
  return "pending";
}

std::optional<WishStatus> ParseWishStatus(std::string_view name) {
  for (WishStatus s : kAllWishStatuses) {
    if (NameOf(s) == name) return s;
  }
  return std::nullopt;
}

std::string NameOf(ClaimStatus status) {
  switch (status) {
    case ClaimStatus::kActive: return "active";
    case ClaimStatus::kDone: return "done";
    case ClaimStatus::kConfirmed: return "confirmed";
    case ClaimStatus::kReleased: return "released";
  }
  return "active";
}

StatusOr<Wish> WishStore::Create(Database& db, const Wish& w) {
  if (w.category.empty() || w.text.empty() || w.helpers_needed < 1) {
    return Status::InvalidArgument("wish: category, text and helpers_needed >= 1 are required");
  }
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO wishes (requester_person_id, requester_household_id, "
               "posted_by_person_id, channel, category, text, building, contact_name, "
               "contact_phone, contact_unit, deadline, helpers_needed, status, reject_reason, "
               "created_at, updated_at, done_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {w.requester_person_id, w.requester_household_id, w.posted_by_person_id,
                w.channel, w.category, w.text, w.building, w.contact_name, w.contact_phone,
                w.contact_unit, w.deadline, w.helpers_needed, NameOf(w.status), w.reject_reason,
                w.created_at_ms, w.updated_at_ms, w.done_at_ms}));
  if (rows.empty()) return Status::Internal("wish: insert returned no id");
  Wish out = w;
  out.number = rows[0].Int(0);
  return out;
}

StatusOr<std::optional<Wish>> WishStore::Find(Database& db, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kWishColumns + " FROM wishes WHERE id = ?", {number}));
  if (rows.empty()) return std::optional<Wish>();
  return std::optional<Wish>(WishFromRow(rows[0]));
}

StatusOr<std::vector<Wish>> WishStore::List(Database& db, const WishFilter& f) {
  std::string sql = std::string("SELECT ") + kWishColumns + " FROM wishes WHERE 1 = 1";
  std::vector<Value> params;
  if (!f.statuses.empty()) sql += " AND status IN " + InList(f.statuses, params);
  if (!f.category.empty()) {
    sql += " AND category = ?";
    params.emplace_back(f.category);
  }
  if (!f.building.empty()) {
    sql += " AND building = ?";
    params.emplace_back(f.building);
  }
  if (f.requester_person_id > 0) {
    sql += " AND (requester_person_id = ? OR posted_by_person_id = ?)";
    params.emplace_back(f.requester_person_id);
    params.emplace_back(f.requester_person_id);
  }
  if (f.claimed_by_person_id > 0) {
    sql += " AND id IN (SELECT wish_id FROM wish_claims WHERE person_id = ?)";
    params.emplace_back(f.claimed_by_person_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(int64_t{f.limit > 0 ? f.limit : 50});
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  std::vector<Wish> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(WishFromRow(r));
  return out;
}

StatusOr<bool> WishStore::Transition(Database& db, int64_t number, std::vector<WishStatus> from,
                                     WishStatus to, int64_t now_ms,
                                     const std::string* reject_reason) {
  std::vector<Value> params = {NameOf(to), now_ms};
  std::string sql = "UPDATE wishes SET status = ?, updated_at = ?";
  if (reject_reason != nullptr) {
    sql += ", reject_reason = ?";
    params.emplace_back(*reject_reason);
  }
  if (to == WishStatus::kDone) {
    sql += ", done_at = ?";
    params.emplace_back(now_ms);
  }
  sql += " WHERE id = ?";
  params.emplace_back(number);
  if (!from.empty()) sql += " AND status IN " + InList(from, params);
  LINLI_RETURN_IF_ERROR(db.Exec(sql, params));
  return db.changes() == 1;
}

StatusOr<ClaimResult> WishStore::Claim(Database& db, int64_t number, int64_t person_id,
                                       int64_t now_ms) {
  const std::string room =
      std::string("(SELECT COUNT(*) FROM wish_claims c WHERE c.wish_id = w.id AND c.status IN ") +
      kHolding + ") < w.helpers_needed AND w.status IN ('open', 'claimed')";
  // A new claim: the wish has room; UNIQUE (wish_id, person_id) leaves an existing row alone.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO wish_claims (wish_id, person_id, status, claimed_at, progress_at) "
      "SELECT w.id, ?, 'active', ?, ? FROM wishes w WHERE w.id = ? AND " + room +
          " ON CONFLICT (wish_id, person_id) DO NOTHING",
      {person_id, now_ms, now_ms, number}));
  if (db.changes() == 1) return ClaimResult::kClaimed;
  LINLI_ASSIGN_OR_RETURN(auto mine, FindClaim(db, number, person_id));
  if (mine && mine->status == ClaimStatus::kReleased) {
    // Claiming again after 放弃: the same condition, one conditional UPDATE.
    LINLI_RETURN_IF_ERROR(db.Exec(
        "UPDATE wish_claims SET status = 'active', claimed_at = ?, progress_at = ?, "
        "reminded_at = 0, ended_at = 0 WHERE id = ? AND status = 'released' AND EXISTS "
        "(SELECT 1 FROM wishes w WHERE w.id = ? AND " + room + ")",
        {now_ms, now_ms, mine->id, number}));
    if (db.changes() == 1) return ClaimResult::kClaimed;
  } else if (mine) {
    return ClaimResult::kAlready;
  }
  LINLI_ASSIGN_OR_RETURN(auto wish, Find(db, number));
  if (!wish || (wish->status != WishStatus::kOpen && wish->status != WishStatus::kClaimed)) {
    return ClaimResult::kNotOpen;
  }
  return ClaimResult::kFull;
}

StatusOr<std::vector<WishClaim>> WishStore::Claims(Database& db, int64_t number,
                                                   std::vector<ClaimStatus> statuses) {
  std::vector<Value> params = {number};
  std::string sql = std::string("SELECT ") + kClaimColumns + " FROM wish_claims WHERE wish_id = ?";
  if (!statuses.empty()) sql += " AND status IN " + InList(statuses, params);
  sql += " ORDER BY claimed_at, id";
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  std::vector<WishClaim> out;
  for (const Row& r : rows) out.push_back(ClaimFromRow(r));
  return out;
}

StatusOr<std::optional<WishClaim>> WishStore::FindClaim(Database& db, int64_t number,
                                                        int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kClaimColumns +
                              " FROM wish_claims WHERE wish_id = ? AND person_id = ?",
                          {number, person_id}));
  if (rows.empty()) return std::optional<WishClaim>();
  return std::optional<WishClaim>(ClaimFromRow(rows[0]));
}

StatusOr<bool> WishStore::SetClaim(Database& db, int64_t number, int64_t person_id,
                                   std::vector<ClaimStatus> from, ClaimStatus to, int64_t now_ms,
                                   int64_t hours_tenths, const std::string& photo_ref) {
  std::vector<Value> params = {NameOf(to)};
  std::string sql = "UPDATE wish_claims SET status = ?";
  if (to == ClaimStatus::kDone) {
    sql += ", hours_tenths = ?, photo_ref = ?, done_at = ?, progress_at = ?";
    params.emplace_back(hours_tenths);
    params.emplace_back(photo_ref);
    params.emplace_back(now_ms);
    params.emplace_back(now_ms);
  } else if (to == ClaimStatus::kReleased || to == ClaimStatus::kConfirmed) {
    sql += ", ended_at = ?";
    params.emplace_back(now_ms);
  }
  sql += " WHERE wish_id = ? AND person_id = ?";
  params.emplace_back(number);
  params.emplace_back(person_id);
  if (!from.empty()) sql += " AND status IN " + InList(from, params);
  LINLI_RETURN_IF_ERROR(db.Exec(sql, params));
  return db.changes() == 1;
}

StatusOr<int64_t> WishStore::Rate(Database& db, int64_t number, int64_t rating, int64_t now_ms) {
  if (rating < 1 || rating > 5) return Status::InvalidArgument("wish rating: must be 1..5");
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE wish_claims SET rating = ?, rated_at = ? "
      "WHERE wish_id = ? AND status = 'confirmed' AND rating = 0",
      {rating, now_ms, number}));
  return static_cast<int64_t>(db.changes());
}

Status WishStore::MarkReminded(Database& db, int64_t claim_id, int64_t now_ms) {
  return db.Exec("UPDATE wish_claims SET reminded_at = ? WHERE id = ?", {now_ms, claim_id});
}

StatusOr<std::vector<WishClaim>> WishStore::StaleClaims(Database& db, int64_t before_ms,
                                                        int limit) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kClaimColumns +
                              " FROM wish_claims WHERE status = 'active' AND progress_at < ? "
                              "ORDER BY progress_at, id LIMIT ?",
                          {before_ms, int64_t{limit}}));
  std::vector<WishClaim> out;
  for (const Row& r : rows) out.push_back(ClaimFromRow(r));
  return out;
}

StatusOr<std::vector<Wish>> WishStore::DoneBefore(Database& db, int64_t before_ms, int limit) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kWishColumns +
                              " FROM wishes WHERE status = 'done' AND done_at < ? "
                              "ORDER BY done_at, id LIMIT ?",
                          {before_ms, int64_t{limit}}));
  std::vector<Wish> out;
  for (const Row& r : rows) out.push_back(WishFromRow(r));
  return out;
}

Status WishStore::AddEvent(Database& db, const WishEvent& e) {
  if (e.kind.empty()) return Status::InvalidArgument("wish event: kind is required");
  return db.Exec(
      "INSERT INTO wish_events (wish_id, kind, actor_person_id, actor_name, note, at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {e.wish_number, e.kind, e.actor_person_id, e.actor_name, e.note, e.at_ms});
}

StatusOr<std::vector<WishEvent>> WishStore::Events(Database& db, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT id, wish_id, kind, actor_person_id, actor_name, note, at "
                          "FROM wish_events WHERE wish_id = ? ORDER BY id",
                          {number}));
  std::vector<WishEvent> out;
  for (const Row& r : rows) {
    out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Int(3), r.Text(4), r.Text(5), r.Int(6)});
  }
  return out;
}

StatusOr<WishStore::Served> WishStore::ServedBy(Database& db, int64_t person_id, int64_t from_ms,
                                                int64_t to_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT COUNT(*), COALESCE(SUM(hours_tenths), 0) FROM wish_claims "
                          "WHERE person_id = ? AND status = 'confirmed' AND ended_at >= ? AND "
                          "ended_at < ?",
                          {person_id, from_ms, to_ms}));
  Served s;
  if (!rows.empty()) {
    s.wishes = rows[0].Int(0);
    s.hours_tenths = rows[0].Int(1);
  }
  return s;
}

StatusOr<std::vector<WishClaim>> WishStore::ConfirmedClaimsOf(Database& db, int64_t person_id,
                                                              int64_t from_ms, int64_t to_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kClaimColumns +
                              " FROM wish_claims WHERE person_id = ? AND status = 'confirmed' AND "
                              "ended_at >= ? AND ended_at < ? ORDER BY ended_at, id",
                          {person_id, from_ms, to_ms}));
  std::vector<WishClaim> out;
  for (const Row& r : rows) out.push_back(ClaimFromRow(r));
  return out;
}

StatusOr<WishStore::Ratings> WishStore::RatingsOf(Database& db, int64_t person_id,
                                                  int64_t from_ms, int64_t to_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT COUNT(*), COALESCE(SUM(rating), 0) FROM wish_claims "
                          "WHERE person_id = ? AND rating > 0 AND rated_at >= ? AND rated_at < ?",
                          {person_id, from_ms, to_ms}));
  Ratings out;
  if (!rows.empty()) {
    out.count = rows[0].Int(0);
    out.sum = rows[0].Int(1);
  }
  return out;
}

}  // namespace linli::storage
