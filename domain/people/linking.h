// One person, many channels (关联): a person shows a one-time code on one channel and enters it
// on another; both identities become one person (tickets, bindings and history follow). The
// chat flow (dialogs/link_flow.cc) is a front end of these two calls.
//
// Codes are 8 digits, valid 10 minutes, used once. Five wrong codes within an hour lock the
// entering identity out for the rest of the hour, so a code cannot be guessed into someone
// else's account. Both calls write in the caller's open transaction.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "storage/database.h"

namespace linli::domain {

inline constexpr int64_t kLinkCodeTtlMs = 10 * 60 * 1000;
inline constexpr int kLinkCodeDigits = 8;

// Draws a fresh code for `person_id` (replacing the person's previous one) and returns it.
// kInternal if no free code could be drawn; otherwise database errors only.
StatusOr<std::string> IssueLinkCode(storage::Database& db, int64_t person_id, int64_t now_ms);

struct LinkOutcome {
  enum class Result {
    kLinked,     // `person_id` joined the code's person; `identities` is the person's count
    kInvalid,    // not 8 digits (not counted), or no such code / expired (a wrong guess)
    kLocked,     // too many wrong codes from this identity within the hour
    kSamePerson, // the code belongs to the sender's own person: nothing to do
  };
  Result result = Result::kInvalid;
  int64_t identities = 0;
};

// The identity (channel, user_id) of person `person_id` enters `code`. Database errors only;
// every user-facing outcome is a LinkOutcome.
StatusOr<LinkOutcome> RedeemLinkCode(storage::Database& db, const std::string& channel,
                                     const std::string& user_id, int64_t person_id,
                                     const std::string& code, int64_t now_ms);

}  // namespace linli::domain
