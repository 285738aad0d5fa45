// One person, many channels (关联): a person shows a one-time code on one channel and enters it
// on another; both identities become one person (tickets, bindings and history follow). The
// chat flow (dialogs/link_flow.cc) is a front end of these two calls.
//
// Codes are 8 digits, valid 10 minutes, used once, and shown and accepted only in a private
// chat: a code posted in a group could be typed by anyone there. Five wrong codes within an
// hour lock the entering identity out for the rest of the hour, so a code cannot be guessed
// into someone else's account. A link never touches roles: one that would join a staff member
// (config or database role) with another person is refused, so a stranger can never become
// staff by linking. Both calls write in the caller's open transaction.
#pragma once

#include <cstdint>
#include <string>

#include "bot/message.h"
#include "bot/status.h"
#include "config/config.h"
#include "storage/database.h"

namespace linli::domain {

inline constexpr int64_t kLinkCodeTtlMs = 10 * 60 * 1000;
inline constexpr int kLinkCodeDigits = 8;

struct LinkCodeOutcome {
  enum class Result {
    kIssued,       // `code` is the fresh code
    kPrivateOnly,  // asked in a group: no code is drawn
    kStaff,        // the person is staff: staff identities are not linked
  };
  Result result = Result::kIssued;
  std::string code;
};

// Draws a fresh code for `person_id` asking from `from` (replacing the person's previous
// code). kInternal if no free code could be drawn; otherwise database errors only.
StatusOr<LinkCodeOutcome> IssueLinkCode(storage::Database& db, const config::Config& config,
                                        const ConversationRef& from, int64_t person_id,
                                        int64_t now_ms);

struct LinkOutcome {
  enum class Result {
    kLinked,     // `person_id` joined the code's person; `identities` is the person's count
    kInvalid,    // not 8 digits (not counted), or no such code / expired (a wrong guess)
    kLocked,     // too many wrong codes from this identity within the hour
    kSamePerson, // the code belongs to the sender's own person: nothing to do
    kPrivateOnly,  // entered in a group: refused, the code is not consumed
    kStaff,        // one side is staff: refused (the code is consumed), roles unchanged
  };
  Result result = Result::kInvalid;
  int64_t identities = 0;
};

// The identity `from` of person `person_id` enters `code`. Database errors only; every
// user-facing outcome is a LinkOutcome.
StatusOr<LinkOutcome> RedeemLinkCode(storage::Database& db, const config::Config& config,
                                     const ConversationRef& from, int64_t person_id,
                                     const std::string& code, int64_t now_ms);

}  // namespace linli::domain
