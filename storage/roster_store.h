// The compound roster (households: building -> unit -> room, with area, owner and phone),
// the one-time invite codes staff hand out on paper, and the bindings of persons to
// households ("绑定"). A person bound to at least one household is a verified resident.
//
// Owner names and phones are personal data (SECURITY.md, Privacy): callers mask them in
// anything shown (domain/common/masking.h) and never log them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct Household {
  int64_t id = 0;
  std::string building;    // config compound building id, e.g. "3"
  std::string unit;        // unit id within the building, e.g. "2"
  std::string room;        // e.g. "301"
  // Exclusive floor area (专有面积), exactly, in hundredths of a m² (8950 = 89.50 m²): what
  // the decision rule counts. Import: when 0, taken from area_m2 rounded to 0.01 m².
  int64_t area_centi = 0;
  // The same area in m² for display and older callers: always area_centi / 100 when read.
  double area_m2 = 0;
  std::string owner_name;  // may be empty
  std::string phone;       // 11-digit mobile or empty
  // Households with the same owner_key are one owner by headcount (domain/decisions/rule.h).
  // Import: when empty, the phone, or "household:<id>" when there is no phone. Personal data
  // (it is usually the phone): never shown or logged.
  std::string owner_key;
  bool developer = false;  // unsold / undelivered, held by the developer (all count as one owner)
  int64_t created_at_ms = 0;
};

// A household with how many persons are bound to it.
struct HouseholdListing {
  Household household;
  int64_t bound_persons = 0;
};

// One person's binding to a household.
struct Binding {
  Household household;
  int64_t bound_at_ms = 0;
  int64_t bound_by_person_id = 0;  // 0 = the person bound themselves; else who acted for them
};

// A household with its current unused invite code.
struct HouseholdCode {
  Household household;
  std::string code;
  bool created = false;  // drawn by this call (false: an existing unused code)
};

// Outcome of a code redemption.
enum class RedeemResult {
  kBound,          // the code was valid; it is now used and the person is bound
  kAlreadyBound,   // the person is already bound to the code's household; code left unused
  kInvalid,        // no such code, or already used
};

class RosterStore {
 public:
  // Imports `households` (ids and created_at ignored) in one transaction: all or nothing.
  // With `update` false an existing (building, unit, room) is kAlreadyExists naming it; with
  // `update` true its area, owner, phone, owner key and developer flag are replaced (bindings
  // and codes stay). Area and owner key defaults: see Household. Sets
  // *inserted / *updated (may be null) to the counts. Draws a new NamesToken when anything
  // was added or changed.
  static Status Import(Database& db, const std::vector<Household>& households, bool update,
                       int64_t now_ms, int64_t* inserted, int64_t* updated);

  static StatusOr<std::optional<Household>> FindHousehold(Database& db, const std::string& building,
                                                          const std::string& unit,
                                                          const std::string& room);
  static StatusOr<std::optional<Household>> GetHousehold(Database& db, int64_t household_id);
  // Every household with its bound-person count, in no particular order (callers sort).
  static StatusOr<std::vector<HouseholdListing>> List(Database& db);
  // The households of `buildings` (every household when empty), by id - the electorate of a
  // decision (domain/decisions/electorate.h).
  static StatusOr<std::vector<Household>> HouseholdsIn(Database& db,
                                                      const std::vector<std::string>& buildings);
  // The distinct non-empty owner names of all households, sorted (one cheap query; the
  // masking module's known names).
  static StatusOr<std::vector<std::string>> OwnerNames(Database& db);
  // A value that changes whenever the roster's owner names may have changed (every Import that
  // adds or changes a household draws a new random one, in its transaction; 0 before the first
  // Import): the key under which a reader may keep OwnerNames (domain::KnownNames does). One
  // row read.
  static StatusOr<int64_t> NamesToken(Database& db);

  // For each household (of `building` only, unless empty) returns its unused invite code,
  // drawing one with `draw` where there is none. `draw` returns a fresh candidate code each
  // call; a candidate already taken is discarded and another drawn (up to 20 times per
  // household, then kInternal). One transaction.
  static StatusOr<std::vector<HouseholdCode>> EnsureCodes(Database& db, const std::string& building,
                                                          int64_t now_ms,
                                                          const std::function<std::string()>& draw);
  // The household an unused `code` belongs to, if any (nothing changes).
  static StatusOr<std::optional<Household>> PeekCode(Database& db, const std::string& code);
  // Redeems `code` for `person_id`: marks it used by that person and binds the person to its
  // household, recording `acted_by_person_id` (0 = the person themselves). *household (may be
  // null) is set for kBound and kAlreadyBound. Composes with the caller's transaction.
  static StatusOr<RedeemResult> RedeemCode(Database& db, const std::string& code, int64_t person_id,
                                           int64_t acted_by_person_id, int64_t now_ms,
                                           Household* household);

  // The person's bindings, oldest first.
  static StatusOr<std::vector<Binding>> BindingsOf(Database& db, int64_t person_id);
  // Removes one binding. kNotFound if there was none.
  static Status Unbind(Database& db, int64_t person_id, int64_t household_id);
  // Whether the person is bound to at least one household (a verified resident). Ticket code
  // shows unbound reporters as unverified.
  static StatusOr<bool> IsVerified(Database& db, int64_t person_id);

  // Wrong invite codes entered by (channel, user_id) within the current window of `window_ms`.
  static StatusOr<int> Failures(Database& db, const std::string& channel, const std::string& user_id,
                                int64_t now_ms, int64_t window_ms);
  static Status RecordFailure(Database& db, const std::string& channel, const std::string& user_id,
                              int64_t now_ms, int64_t window_ms);
};

}  // namespace linli::storage
