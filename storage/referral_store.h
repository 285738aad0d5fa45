// Referrals of tickets to outside departments (联动处置, issue 11 point 8; the service is
// domain/tickets/referrals.h). One row per 转交: the department (config departments[].id), the
// staff note as typed (staff-only; what the department got was masked), when it was sent and
// when a reminder is due (referred_at + the department's remind_hours). reminded_at and
// answered_at are 0 until the reminder was sent / staff recorded the department's answer.
//
// Every call runs in the caller's open transaction; database errors as is. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct Referral {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string department_id;
  std::string note;
  int64_t referred_at_ms = 0;
  int64_t remind_at_ms = 0;
  int64_t reminded_at_ms = 0;  // 0 = not reminded
  int64_t answered_at_ms = 0;  // 0 = not answered
  std::string answer;
};

class ReferralStore {
 public:
  // Records a referral of `r.ticket_id` to `r.department_id` (referred_at, remind_at, note);
  // the id, reminded_at, answered_at and answer of `r` are ignored. Returns the row as stored.
  // kInvalidArgument for a missing ticket id or department.
  static StatusOr<Referral> Create(Database& db, const Referral& r);
  // The ticket's referrals, oldest first.
  static StatusOr<std::vector<Referral>> ForTicket(Database& db, int64_t ticket_id);
  // The ticket's latest unanswered referral, nullopt if none.
  static StatusOr<std::optional<Referral>> LatestOpen(Database& db, int64_t ticket_id);
  // Up to `limit` referrals neither answered nor reminded whose remind_at <= now_ms, oldest first.
  static StatusOr<std::vector<Referral>> ListDueUnreminded(Database& db, int64_t now_ms, int limit);
  // Marks referral `id` reminded at `now_ms` if it is still neither reminded nor answered;
  // true when this call did (decided by the conditional UPDATE: one reminder per referral,
  // whatever runs twice).
  static StatusOr<bool> MarkRemindedOnce(Database& db, int64_t id, int64_t now_ms);
  // Records the answer of referral `id` if it is still unanswered; true when this call did.
  static StatusOr<bool> MarkAnswered(Database& db, int64_t id, const std::string& answer,
                                     int64_t now_ms);
};

}  // namespace linli::storage
