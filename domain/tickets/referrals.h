// Referral of a ticket to an outside department (联动处置, issue 11 point 8): matters the
// community cannot solve alone (城管, 派出所, 消防, 供水...) go to a department of config
// `departments` - its group robot or chat - and come back with the department's answer.
//
// Refer (转交 N 部门 备注): staff of the tier that owns the ticket or above (ActsOnTier,
// domain/tickets/authority.h) send the department, through the durable outbox, the ticket's
// public projection (number, category, building or a configured public place, the description
// through the masking module - never the reporter's name, phone, unit or room) and the staff
// note, masked; the referral is stored (storage/referral_store.h) and recorded as a "referred"
// event (residents read "已转交城管协同处理"; the note stays internal,
// domain/tickets/ticket_history.h); the reporter is told privately.
// RecordAnswer (部门答复 N 文字): the ticket's latest unanswered referral is answered; a
// "department_answered" event with the masked answer, which the reporter is told and reads in
// the history; its reminder stops. RemindUnanswered (the job "referral-reminders" every 10
// minutes): each referral unanswered for its department's remind_hours reminds the staff of
// the ticket's tier privately, once (decided by ReferralStore::MarkRemindedOnce).
//
// Errors (user-facing ones carry a text key in `message()`, TicketService::ErrorKey /
// DescribeRefusal): kPermissionDenied "staff.denied" (not staff) or "staff.tier_denied"
// (checked before anything is written); kNotFound "staff.not_found" (no such ticket) or
// "staff.referral_unknown" (no such department; args name, departments); kInvalidArgument
// "staff.need_note" (empty note or answer); kFailedPrecondition "staff.referral_none" (no
// unanswered referral to answer). Anything else is a database error. Every call writes in the
// caller's open transaction; on an error the caller rolls back. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

inline constexpr const char* kReferralRemindJobName = "referral-reminders";

// The department `word` names (its id or name, ids case-insensitively), nullptr if none. Pure.
const config::DepartmentConfig* FindDepartment(const config::Config& config,
                                               const std::string& word);

// What a department is sent: the public parts of the ticket, already masked by the caller.
struct ReferralCard {
  int64_t number = 0;
  std::string category;     // the label in the locale
  std::string location;     // building ("3号楼"), a configured place label, or "-"
  std::string description;  // masked
  std::string note;         // the staff note, masked
};

// The department's message (text referral.message in `locale`). Pure.
std::string RenderReferral(const config::Texts& texts, const std::string& locale,
                           const config::Config& config, const config::DepartmentConfig& department,
                           const ReferralCard& card);

struct ReferOutcome {
  storage::Ticket ticket;
  const config::DepartmentConfig* department = nullptr;  // into config.departments
  bool masked = false;  // the note or description was masked on the way out
};

StatusOr<ReferOutcome> Refer(storage::Database& db, const Deps& s, Actor actor, int64_t number,
                             const std::string& department, const std::string& note,
                             int64_t now_ms);

struct AnswerOutcome {
  storage::Ticket ticket;
  std::string department_name;
  bool masked = false;  // the answer as the reporter reads it was masked
};

StatusOr<AnswerOutcome> RecordAnswer(storage::Database& db, const Deps& s, Actor actor,
                                     int64_t number, const std::string& answer, int64_t now_ms);

// Returns how many referrals were reminded. Bounded work per call.
StatusOr<int> RemindUnanswered(storage::Database& db, const Deps& s, int64_t now_ms);

}  // namespace linli::domain
