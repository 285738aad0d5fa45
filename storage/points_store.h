// The points ledger (积分, issue 9; table `points_ledger`, migration 15). Append-only: every
// credit and debit is one entry with a reason and a reference; a correction is a new
// compensating entry, never an edit. A person's balance is the sum of their entries and never
// goes negative: the guard is one conditional INSERT ... SELECT ... WHERE balance + amount >= 0
// run in the caller's transaction, so the database decides. In the server every write runs on
// the one write-queue connection, so two debits are serialised; a deployment with several
// writing connections on PostgreSQL must run them SERIALIZABLE for the same guarantee.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct PointsEntry {
  int64_t id = 0;
  int64_t person_id = 0;
  int64_t amount = 0;          // points, signed: credit > 0, debit/hold < 0
  std::string reason;          // "wish" | "hours" | "award" | "redeem_hold" | "redeem_release" | "reversal"
  std::string ref;             // what it is for: wish number, redemption id, entry id reversed
  std::string note;            // staff's words, may be empty
  std::string actor;           // who caused it ("system", a staff name, an API key name)
  std::string idem_key;        // non-empty: at most one entry with this key ever ("wish:12:person:7")
  int64_t created_at_ms = 0;
  // Hours of service x 100 this entry records (reason "wish" or "hours"; 150 = 1.5 h), else 0.
  // Counted by the volunteers report (domain/volunteers/service_record.h).
  int64_t hours_centi = 0;
};
struct AppendResult { int64_t entry_id = 0; bool appended = false; };  // false: idem_key existed

class PointsStore {
 public:
  // Appends `e` (id ignored). A negative amount that would make the person's balance negative
  // is kFailedPrecondition "insufficient points" and writes nothing - decided by the database in
  // the caller's transaction (one conditional INSERT), so concurrent debits cannot overdraw.
  // A non-empty idem_key seen before returns {existing id, false} and writes nothing.
  // kInvalidArgument for amount 0, empty reason or person_id <= 0.
  static StatusOr<AppendResult> Append(Database&, const PointsEntry& e);
  // The sum of the person's entries (0 for none). Read-only.
  static StatusOr<int64_t> Balance(Database&, int64_t person_id);
  // Newest first, at most `limit`.
  static StatusOr<std::vector<PointsEntry>> Recent(Database&, int64_t person_id, int limit);

  // One entry by id; nullopt when there is none. Read-only.
  static StatusOr<std::optional<PointsEntry>> Find(Database&, int64_t entry_id);
  // Entries created in [from_ms, to_ms), oldest first (every person). Read-only.
  static StatusOr<std::vector<PointsEntry>> Between(Database&, int64_t from_ms, int64_t to_ms);

  struct Earned {
    int64_t person_id = 0;
    int64_t points = 0;
  };
  // Points earned in [from_ms, to_ms): per person, the sum of the entries that earn or correct
  // earnings ("wish", "hours", "award" - a staff deduction is a negative "award" - and
  // "reversal"), redemptions left out; persons with a positive total only, highest first
  // (ties: lower person id first), at most `limit`. Erased persons (person_id 0) never appear.
  // Read-only.
  static StatusOr<std::vector<Earned>> EarnedBetween(Database&, int64_t from_ms, int64_t to_ms,
                                                     int limit);
};

}  // namespace linli::storage
