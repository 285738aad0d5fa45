#include "storage/roster_store.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kHouseholdColumns =
    "h.id, h.building, h.unit, h.room, h.area_centi, h.owner_name, h.phone, h.created_at, "
    "h.owner_key, h.developer";
constexpr size_t kHouseholdColumnCount = 10;
constexpr int kDrawAttempts = 20;

Household ToHousehold(const Row& r) {
  Household h;
  h.id = r.Int(0);
  h.building = r.Text(1);
  h.unit = r.Text(2);
  h.room = r.Text(3);
  h.area_centi = r.Int(4);
  h.area_m2 = static_cast<double>(h.area_centi) / 100.0;
  h.owner_name = r.Text(5);
  h.phone = r.Text(6);
  h.created_at_ms = r.Int(7);
  h.owner_key = r.Text(8);
  h.developer = r.Int(9) != 0;
  return h;
}

int64_t AreaCenti(const Household& h) {
  return h.area_centi != 0 ? h.area_centi : std::llround(h.area_m2 * 100.0);
}

// The owner key as stored: the given one, else the phone; '' is filled with "household:<id>"
// by kDefaultOwnerKey once the id is known.
std::string OwnerKey(const Household& h) { return !h.owner_key.empty() ? h.owner_key : h.phone; }

constexpr const char* kDefaultOwnerKey =
    "UPDATE households SET owner_key = 'household:' || CAST(id AS TEXT) "
    "WHERE building = ? AND unit = ? AND room = ? AND owner_key = ''";

std::string Where(const Household& h) {
  return "building " + h.building + " unit " + h.unit + " room " + h.room;
}

}  // namespace

Status RosterStore::Import(Database& db, const std::vector<Household>& households, bool update,
                           int64_t now_ms, int64_t* inserted, int64_t* updated) {
  internal::TxScope scope(db, "roster_import");
  LINLI_RETURN_IF_ERROR(scope.status());
  int64_t added = 0;
  int64_t changed = 0;
  for (const Household& h : households) {
    const int64_t centi = AreaCenti(h);
    const double m2 = static_cast<double>(centi) / 100.0;
    const int64_t developer = h.developer ? 1 : 0;
    LINLI_RETURN_IF_ERROR(db.Exec(
        "INSERT INTO households (building, unit, room, area_m2, owner_name, phone, created_at, "
        "area_centi, owner_key, developer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (building, unit, room) DO NOTHING",
        {h.building, h.unit, h.room, m2, h.owner_name, h.phone, now_ms, centi, OwnerKey(h),
         developer}));
    if (db.changes() == 1) {
      ++added;
    } else {
      if (!update) return Status::AlreadyExists("roster: " + Where(h) + " is already in the roster");
      LINLI_RETURN_IF_ERROR(db.Exec(
          "UPDATE households SET area_m2 = ?, area_centi = ?, owner_name = ?, phone = ?, "
          "owner_key = ?, developer = ? WHERE building = ? AND unit = ? AND room = ?",
          {m2, centi, h.owner_name, h.phone, OwnerKey(h), developer, h.building, h.unit, h.room}));
      ++changed;
    }
    LINLI_RETURN_IF_ERROR(db.Exec(kDefaultOwnerKey, {h.building, h.unit, h.room}));
  }
  if (added + changed > 0) {
    // Random rather than a counter: a counter would repeat across databases (every test's
    // starts at 1), and a cache keyed by it could hand one database's names to another.
    std::random_device rd;
    const int64_t token =
        static_cast<int64_t>(((uint64_t{rd()} << 32) | rd()) & 0x7fffffffffffffffULL) | 1;
    LINLI_RETURN_IF_ERROR(db.Exec("UPDATE roster_names_token SET token = ? WHERE id = 1", {token}));
  }
  LINLI_RETURN_IF_ERROR(scope.Commit());
  if (inserted != nullptr) *inserted = added;
  if (updated != nullptr) *updated = changed;
  return Status::Ok();
}

StatusOr<std::optional<Household>> RosterStore::FindHousehold(Database& db,
                                                              const std::string& building,
                                                              const std::string& unit,
                                                              const std::string& room) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kHouseholdColumns +
                              " FROM households h WHERE h.building = ? AND h.unit = ? AND h.room = ?",
                          {building, unit, room}));
  if (rows.empty()) return std::optional<Household>();
  return std::optional<Household>(ToHousehold(rows[0]));
}

StatusOr<std::optional<Household>> RosterStore::GetHousehold(Database& db, int64_t household_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kHouseholdColumns +
                                                 " FROM households h WHERE h.id = ?",
                                             {household_id}));
  if (rows.empty()) return std::optional<Household>();
  return std::optional<Household>(ToHousehold(rows[0]));
}

StatusOr<std::vector<HouseholdListing>> RosterStore::List(Database& db) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kHouseholdColumns +
               ", (SELECT COUNT(*) FROM person_households p WHERE p.household_id = h.id) "
               "FROM households h ORDER BY h.id"));
  std::vector<HouseholdListing> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({ToHousehold(r), r.Int(kHouseholdColumnCount)});
  return out;
}

StatusOr<std::vector<Household>> RosterStore::HouseholdsIn(
    Database& db, const std::vector<std::string>& buildings) {
  std::string sql = std::string("SELECT ") + kHouseholdColumns + " FROM households h";
  std::vector<Value> params;
  if (!buildings.empty()) {
    sql += " WHERE h.building IN (";
    for (size_t i = 0; i < buildings.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.push_back(buildings[i]);
    }
    sql += ")";
  }
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql + " ORDER BY h.id", params));
  std::vector<Household> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ToHousehold(r));
  return out;
}

StatusOr<std::vector<std::string>> RosterStore::OwnerNames(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT DISTINCT owner_name FROM households "
                                  "WHERE owner_name IS NOT NULL AND owner_name <> '' "
                                  "ORDER BY owner_name"));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(r.Text(0));
  return out;
}

StatusOr<int64_t> RosterStore::NamesToken(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT token FROM roster_names_token WHERE id = 1"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

StatusOr<std::vector<HouseholdCode>> RosterStore::EnsureCodes(
    Database& db, const std::string& building, int64_t now_ms,
    const std::function<std::string()>& draw) {
  internal::TxScope scope(db, "roster_codes");
  LINLI_RETURN_IF_ERROR(scope.status());
  std::string sql = std::string("SELECT ") + kHouseholdColumns +
                    ", (SELECT MIN(c.code) FROM invite_codes c "
                    "   WHERE c.household_id = h.id AND c.used_at IS NULL) FROM households h";
  std::vector<Value> params;
  if (!building.empty()) {
    sql += " WHERE h.building = ?";
    params.push_back(building);
  }
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql + " ORDER BY h.id", params));
  std::vector<HouseholdCode> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    HouseholdCode hc;
    hc.household = ToHousehold(r);
    hc.code = r.Text(kHouseholdColumnCount);
    for (int attempt = 0; hc.code.empty(); ++attempt) {
      if (attempt == kDrawAttempts) return Status::Internal("roster: could not draw a free invite code");
      const std::string candidate = draw();
      LINLI_RETURN_IF_ERROR(db.Exec(
          "INSERT INTO invite_codes (code, household_id, created_at) VALUES (?, ?, ?) "
          "ON CONFLICT (code) DO NOTHING",
          {candidate, hc.household.id, now_ms}));
      if (db.changes() == 1) {
        hc.code = candidate;
        hc.created = true;
      }
    }
    out.push_back(std::move(hc));
  }
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return out;
}

StatusOr<std::optional<Household>> RosterStore::PeekCode(Database& db, const std::string& code) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kHouseholdColumns +
                              " FROM invite_codes c JOIN households h ON h.id = c.household_id "
                              "WHERE c.code = ? AND c.used_at IS NULL",
                          {code}));
  if (rows.empty()) return std::optional<Household>();
  return std::optional<Household>(ToHousehold(rows[0]));
}

StatusOr<RedeemResult> RosterStore::RedeemCode(Database& db, const std::string& code,
                                               int64_t person_id, int64_t acted_by_person_id,
                                               int64_t now_ms, Household* household) {
  LINLI_ASSIGN_OR_RETURN(std::optional<Household> found, PeekCode(db, code));
  if (!found) return RedeemResult::kInvalid;
  if (household != nullptr) *household = *found;
  internal::TxScope scope(db, "roster_redeem");
  LINLI_RETURN_IF_ERROR(scope.status());
  LINLI_ASSIGN_OR_RETURN(
      Rows bound, db.Query("SELECT 1 FROM person_households WHERE person_id = ? AND household_id = ?",
                           {person_id, found->id}));
  if (!bound.empty()) return RedeemResult::kAlreadyBound;  // the scope rolls back (nothing written)
  // Marking the code used only if it still is unused makes a concurrent redemption lose.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE invite_codes SET used_at = ?, used_by_person_id = ? WHERE code = ? AND used_at IS NULL",
      {now_ms, person_id, code}));
  if (db.changes() != 1) return RedeemResult::kInvalid;
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO person_households (person_id, household_id, bound_at, bound_by_person_id) "
      "VALUES (?, ?, ?, ?)",
      {person_id, found->id, now_ms, acted_by_person_id}));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return RedeemResult::kBound;
}

StatusOr<std::vector<Binding>> RosterStore::BindingsOf(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kHouseholdColumns +
                              ", p.bound_at, p.bound_by_person_id FROM person_households p "
                              "JOIN households h ON h.id = p.household_id "
                              "WHERE p.person_id = ? ORDER BY p.bound_at, h.id",
                          {person_id}));
  std::vector<Binding> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    out.push_back({ToHousehold(r), r.Int(kHouseholdColumnCount), r.Int(kHouseholdColumnCount + 1)});
  }
  return out;
}

Status RosterStore::Unbind(Database& db, int64_t person_id, int64_t household_id) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM person_households WHERE person_id = ? AND household_id = ?",
                                {person_id, household_id}));
  if (db.changes() == 0) return Status::NotFound("roster: no such binding");
  return Status::Ok();
}

StatusOr<bool> RosterStore::IsVerified(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT 1 FROM person_households WHERE person_id = ? LIMIT 1", {person_id}));
  return !rows.empty();
}

StatusOr<int> RosterStore::Failures(Database& db, const std::string& channel,
                                    const std::string& user_id, int64_t now_ms, int64_t window_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT window_start, failures FROM bind_failures "
                          "WHERE channel = ? AND user_id = ?",
                          {channel, user_id}));
  if (rows.empty() || rows[0].Int(0) + window_ms <= now_ms) return 0;
  return static_cast<int>(rows[0].Int(1));
}

Status RosterStore::RecordFailure(Database& db, const std::string& channel,
                                  const std::string& user_id, int64_t now_ms, int64_t window_ms) {
  // A window that has run out starts again at this failure.
  return db.Exec(
      "INSERT INTO bind_failures (channel, user_id, window_start, failures) VALUES (?, ?, ?, 1) "
      "ON CONFLICT (channel, user_id) DO UPDATE SET "
      "failures = CASE WHEN bind_failures.window_start + ? <= ? THEN 1 "
      "ELSE bind_failures.failures + 1 END, "
      "window_start = CASE WHEN bind_failures.window_start + ? <= ? THEN ? "
      "ELSE bind_failures.window_start END",
      {channel, user_id, now_ms, window_ms, now_ms, window_ms, now_ms, now_ms});
}

}  // namespace linli::storage
