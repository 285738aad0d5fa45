// Micro-wishes (微心愿, issue 9): post, approve, broadcast a card to the configured groups,
// claim, release, complete, confirm and credit points, and the jobs' tick. Every front end
// (the chat flows in dialogs/wish_*.cc, the admin HTTP API, the scheduler) calls these with
// the same Deps; each call checks the actor itself, writes the wish, its claims, its history
// event, the pushes (outbox) and the points in the caller's open transaction: on an error the
// caller rolls back and nothing of the call remains.
//
// What reaches a group (the card, its edits) is group-safe: number, category, building, the
// wish text through the masking module, the deadline, how to claim, and helpers' display
// names - never a unit, room, name or phone. The requester's contact details go to the
// claiming helper's private conversation only (domain::PrivateRef).
//
// Errors (user-facing ones carry a text key in `message()`, see WishService::ErrorKey):
//   kPermissionDenied   not staff ("wish.denied"), not the claimer ("wish.not_yours"), not
//                       the requester / poster / staff ("wish.not_requester")
//   kNotFound           no such wish ("wish.not_found")
//   kFailedPrecondition the wish's state does not allow it ("wish.bad_state")
//   kInvalidArgument    a missing or malformed argument ("wish.bad_args")
// Anything else is a database error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/message.h"
#include "bot/status.h"
#include "config/texts.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/wish_store.h"

namespace linli::domain {

inline constexpr const char* kWishCardKind = "wish";
inline constexpr const char* kWishConfirmQuestion = "wish_confirm";
// The confirmation question's values.
inline constexpr const char* kWishConfirmYes = "yes";
inline constexpr const char* kWishConfirmNo = "no";
// The requester's rating of a confirmed wish, asked after they confirm it: values "1".."5"
// (in that display order, so the number typed is the score) and kWishRateSkip.
inline constexpr const char* kWishRateQuestion = "wish_rate";
inline constexpr const char* kWishRateSkip = "skip";

// What a new wish says. The requester is the posting person unless `for_person_id` or
// `for_household_id` is set (代许愿: staff only).
struct WishDraft {
  std::string category;           // a config wishes.categories id
  std::string text;               // 2..300 characters
  std::string deadline;           // "YYYY-MM-DD" (not before today) or ""
  int64_t helpers_needed = 1;     // 1..20
  int64_t for_person_id = 0;
  int64_t for_household_id = 0;
  std::string channel;            // where it is posted from
};

// What a claim attempt came to.
struct ClaimOutcome {
  enum class Kind {
    kClaimed,       // the caller holds a claim now
    kNotVolunteer,  // not an active volunteer: nothing changed (tell them how to register)
    kTaken,         // helpers_needed claims are held: nothing changed; `holders` says by whom
    kAlready,       // the caller already holds a claim on it
    kNotOpen,       // pending approval, done, confirmed, rejected or cancelled
    kOwnWish,       // the caller asked for it (or posted it)
  };
  Kind kind = Kind::kClaimed;
  storage::Wish wish;
  std::vector<std::string> holders;  // display names of the helpers holding it, claim order
};

// The rating question's text and buttons, for the caller to send where it was recorded.
struct RateQuestion {
  std::string text;
  std::vector<Choice> choices;
};

// What one Tick did.
struct WishTickResult {
  int auto_confirmed = 0;
  int reminded = 0;
  int released = 0;
};

class WishService {
 public:
  // A new wish by `actor` (a person). With wishes.require_approval it waits (pending) for
  // staff; otherwise it is open and its card goes out at once. 代许愿 (draft.for_*) needs staff.
  static StatusOr<storage::Wish> Post(storage::Database& db, const Deps& s, Actor actor,
                                      const WishDraft& draft, int64_t now_ms);
  // Staff: pending -> open, the card is posted to every group that takes wishes of its
  // building, the requester is told.
  static StatusOr<storage::Wish> Approve(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, int64_t now_ms);
  // Staff: pending -> rejected with a reason (required), sent to the requester privately.
  static StatusOr<storage::Wish> Reject(storage::Database& db, const Deps& s, Actor actor,
                                        int64_t number, const std::string& reason,
                                        int64_t now_ms);
  // Staff: any state before done -> cancelled; the cards say so.
  static StatusOr<storage::Wish> Cancel(storage::Database& db, const Deps& s, Actor actor,
                                        int64_t number, int64_t now_ms);

  // A volunteer claims (the database decides the race: storage::WishStore::Claim). On success
  // the cards show the claim, the claimer gets the requester's contact privately and the
  // requester is told who will come. Nothing is written for any other outcome. kNotFound for
  // an unknown wish (as a user error).
  static StatusOr<ClaimOutcome> Claim(storage::Database& db, const Deps& s, int64_t person_id,
                                      int64_t number, int64_t now_ms);
  // 放弃: the claimer gives up their active claim; the wish is open again and the cards say
  // so.
  static StatusOr<storage::Wish> Release(storage::Database& db, const Deps& s, int64_t person_id,
                                         int64_t number, int64_t now_ms);
  // 完成: the claimer marks their claim done (hours x10 >= 0, a photo may be ""). When no
  // claim is active any more the wish is done and the requester (or, when staff posted it
  // for someone without the bot, the poster) gets the confirmation question.
  static StatusOr<storage::Wish> Complete(storage::Database& db, const Deps& s,
                                          int64_t person_id, int64_t number,
                                          int64_t hours_tenths, const std::string& photo_ref,
                                          int64_t now_ms);
  // The requester, the poster or staff confirm a done wish: it is confirmed, every done claim
  // is credited (storage::PointsStore::Append with reason "wish" and, for reported hours,
  // "hours"; idem_key "wish:<n>:person:<id>" and "...:hours", so a second call credits
  // nothing), the helpers are told and the cards say 已完成. When staff confirm, the
  // requester side is pushed the rating question (kWishRateQuestion); the requester confirming
  // themselves is asked by the caller (AskRate, in its reply); the job's confirmation asks
  // nobody. A wish already confirmed is
  // kFailedPrecondition (nothing written). `auto_confirmed` records the job's confirmation.
  static StatusOr<storage::Wish> Confirm(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, int64_t now_ms,
                                         bool auto_confirmed = false);
  // The requester (or the poster who asked for them) rates the confirmed wish 1..5; the score
  // is stored on each confirmed claim (the helpers' service record counts it) and the
  // helpers are told privately. Staff may not rate ("wish.rate_denied"); a wish not
  // confirmed is "wish.bad_state"; rated already (or two answers racing: the database
  // decides) is kFailedPrecondition "wish.already_rated" with nothing written; a score
  // outside 1..5 is kInvalidArgument "wish.bad_args".
  // Records the rating question for wish `number` on `to` (a private conversation) in
  // `locale` and returns what to send there. Database errors only.
  static StatusOr<RateQuestion> AskRate(storage::Database& db, const Deps& s, int64_t number,
                                        const ConversationRef& to, const std::string& locale,
                                        int64_t now_ms);
  static StatusOr<storage::Wish> Rate(storage::Database& db, const Deps& s, Actor actor,
                                      int64_t number, int64_t score, int64_t now_ms);
  // The requester says it is not done yet: the done claims are active again (the helpers are
  // told) and the wish is claimed again.
  static StatusOr<storage::Wish> Dispute(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t number, int64_t now_ms);

  // The scheduler's job: done wishes unconfirmed for wishes.auto_confirm_days are confirmed;
  // active claims without progress for wishes.claim_reminder_days get one private reminder,
  // and after wishes.claim_release_days are released (the cards say so). Bounded per call.
  static StatusOr<WishTickResult> Tick(storage::Database& db, const Deps& s, int64_t now_ms);

  // The history of a wish, oldest first.
  static StatusOr<std::vector<storage::WishEvent>> History(storage::Database& db,
                                                           int64_t number);

  // The text key of a user-facing error above ("wish.not_found", ...), "" for a database
  // error; and its arguments ("number", "status").
  static std::string ErrorKey(const Status& status);
  static config::TextArgs ErrorArgs(const Status& status);
};

// The card text for a group (pure apart from the texts): number, category label, building,
// the (already masked) text, the deadline and how to claim, plus the state line for a wish
// that is no longer simply open. `holders` are display names.
std::string WishCardText(const Deps& s, const std::string& locale, const storage::Wish& w,
                         const std::string& masked_text, const std::vector<std::string>& holders);

}  // namespace linli::domain
