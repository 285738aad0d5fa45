// Micro-wishes (微心愿, issue 9): the wish, its claims and its history. The store writes what
// it is told in the caller's transaction; the rules (who may, what is posted, points) are
// domain/wishes/wish_service.h's. A claim race is decided here, by the database: Claim is one
// conditional INSERT whose affected-row count says whether the claim won.
//
// Personal data: contact_name, contact_phone, contact_unit and the text are the requester's;
// they are shown only to the requester, staff and - privately - the helpers who claimed it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

// pending(待审核) -> open(待认领) -> claimed(已认领: helpers_needed active claims) -> done
// (待确认: every claim done) -> confirmed(已完成). rejected(已驳回), cancelled(已撤销).
enum class WishStatus { kPending, kOpen, kClaimed, kDone, kConfirmed, kRejected, kCancelled };
inline constexpr WishStatus kAllWishStatuses[] = {
    WishStatus::kPending, WishStatus::kOpen,     WishStatus::kClaimed,  WishStatus::kDone,
    WishStatus::kConfirmed, WishStatus::kRejected, WishStatus::kCancelled};
std::string NameOf(WishStatus status);  // "pending", "open", ...
std::optional<WishStatus> ParseWishStatus(std::string_view name);

struct Wish {
  int64_t number = 0;                 // the wish's public number (its id)
  int64_t requester_person_id = 0;    // whom it is for (0: a household without a person)
  int64_t requester_household_id = 0; // the roster household it is for (0: none known)
  int64_t posted_by_person_id = 0;    // who typed it: the requester, or staff (代许愿)
  std::string channel;                // where it was posted from
  std::string category;               // a config wishes.categories id
  std::string text;                   // what is wished, as typed (masked when published)
  std::string building;               // building id, "" if unknown (the only place shown)
  std::string contact_name, contact_phone, contact_unit;  // for the helpers, privately
  std::string deadline;               // "YYYY-MM-DD" or ""
  int64_t helpers_needed = 1;
  WishStatus status = WishStatus::kPending;
  std::string reject_reason;
  int64_t created_at_ms = 0, updated_at_ms = 0, done_at_ms = 0;

  // Posted by staff for someone else.
  bool acted_for() const { return posted_by_person_id != requester_person_id; }
};

// active (认领中) -> done (已完成, waiting for the confirmation) -> confirmed; or released (放弃,
// or by the release job).
enum class ClaimStatus { kActive, kDone, kConfirmed, kReleased };
std::string NameOf(ClaimStatus status);

struct WishClaim {
  int64_t id = 0;
  int64_t wish_number = 0;
  int64_t person_id = 0;
  ClaimStatus status = ClaimStatus::kActive;
  int64_t hours_tenths = 0;   // hours the helper reported, x10
  std::string photo_ref;
  int64_t claimed_at_ms = 0;
  int64_t progress_at_ms = 0; // the last sign of progress (claim, done); reminders count from it
  int64_t reminded_at_ms = 0;
  int64_t done_at_ms = 0;
  int64_t ended_at_ms = 0;    // released or confirmed
  int64_t rating = 0;         // the requester's rating 1..5 of a confirmed claim; 0 = none
  int64_t rated_at_ms = 0;
};

struct WishEvent {
  int64_t id = 0;
  int64_t wish_number = 0;
  std::string kind;           // posted|approved|rejected|claimed|taken|released|reminded|done|
                              // confirmed|auto_confirmed|credited
  int64_t actor_person_id = 0;
  std::string actor_name;     // staff name, "system", or a volunteer's display name
  std::string note;
  int64_t at_ms = 0;
};

struct WishFilter {
  std::vector<WishStatus> statuses;  // empty = any
  std::string category;              // "" = any
  std::string building;              // "" = any
  int64_t requester_person_id = 0;   // 0 = anyone
  int64_t claimed_by_person_id = 0;  // 0 = anyone: wishes with a claim of this person
  int limit = 50;
};

// What Claim decided.
enum class ClaimResult {
  kClaimed,   // the claim was inserted (or a released claim of the same person re-activated)
  kFull,      // helpers_needed claims are active or done already: nothing written
  kAlready,   // this person has an active or done claim on it: nothing written
  kNotOpen,   // the wish is not open/claimed (pending, done, ...) or missing: nothing written
};

class WishStore {
 public:
  // Inserts `w` (number ignored) and returns it with its number.
  static StatusOr<Wish> Create(Database& db, const Wish& w);
  static StatusOr<std::optional<Wish>> Find(Database& db, int64_t number);
  // Newest first.
  static StatusOr<std::vector<Wish>> List(Database& db, const WishFilter& filter);
  // Sets the status (and reject_reason, done_at when given) only if the wish is in one of
  // `from`; returns whether it was (the affected-row count decides a race).
  static StatusOr<bool> Transition(Database& db, int64_t number, std::vector<WishStatus> from,
                                   WishStatus to, int64_t now_ms,
                                   const std::string* reject_reason = nullptr);

  // The claim race: one INSERT ... SELECT that writes a row only while the wish is open or
  // claimed and has fewer than helpers_needed active or done claims (UNIQUE (wish, person)
  // keeps one row per person); a person's released claim is re-activated under the same
  // condition. Call in the caller's transaction.
  static StatusOr<ClaimResult> Claim(Database& db, int64_t number, int64_t person_id,
                                     int64_t now_ms);
  // The claims of a wish, oldest first; `statuses` empty = all.
  static StatusOr<std::vector<WishClaim>> Claims(Database& db, int64_t number,
                                                 std::vector<ClaimStatus> statuses = {});
  static StatusOr<std::optional<WishClaim>> FindClaim(Database& db, int64_t number,
                                                      int64_t person_id);
  // Moves the claim of (number, person) from one of `from` to `to`; returns whether it did.
  // kDone records hours and photo and done_at; kReleased / kConfirmed record ended_at.
  static StatusOr<bool> SetClaim(Database& db, int64_t number, int64_t person_id,
                                 std::vector<ClaimStatus> from, ClaimStatus to, int64_t now_ms,
                                 int64_t hours_tenths = 0, const std::string& photo_ref = "");
  // The requester's rating (1..5) of wish `number`: set on every confirmed, not yet rated
  // claim of it; returns how many claims it rated (0: none confirmed, or rated already - the
  // affected-row count decides two answers racing).
  static StatusOr<int64_t> Rate(Database& db, int64_t number, int64_t rating, int64_t now_ms);
  static Status MarkReminded(Database& db, int64_t claim_id, int64_t now_ms);
  // Active claims whose last progress was before `before_ms`, oldest first, at most `limit`.
  static StatusOr<std::vector<WishClaim>> StaleClaims(Database& db, int64_t before_ms, int limit);
  // Wishes in kDone since before `before_ms`, at most `limit`.
  static StatusOr<std::vector<Wish>> DoneBefore(Database& db, int64_t before_ms, int limit);

  static Status AddEvent(Database& db, const WishEvent& e);
  static StatusOr<std::vector<WishEvent>> Events(Database& db, int64_t number);

  // Service record (h/points' domain/volunteers/service_record.h): confirmed claims of
  // `person_id` ended in [from_ms, to_ms): how many and their hours x10.
  struct Served {
    int64_t wishes = 0;
    int64_t hours_tenths = 0;
  };
  static StatusOr<Served> ServedBy(Database& db, int64_t person_id, int64_t from_ms,
                                   int64_t to_ms);
  // Those claims themselves, oldest first.
  static StatusOr<std::vector<WishClaim>> ConfirmedClaimsOf(Database& db, int64_t person_id,
                                                            int64_t from_ms, int64_t to_ms);
  // The ratings `person_id`'s claims received in [from_ms, to_ms) (by rated_at): how many
  // and their sum.
  struct Ratings {
    int64_t count = 0;
    int64_t sum = 0;
  };
  static StatusOr<Ratings> RatingsOf(Database& db, int64_t person_id, int64_t from_ms,
                                     int64_t to_ms);
};

}  // namespace linli::storage
