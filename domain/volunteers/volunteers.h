// Volunteers (志愿者, issue 9 point 6): who may claim wishes and earns points. A person is a
// volunteer when their record in storage/volunteer_store.h is active: listed in the config's
// `volunteers` (synced at start), confirmed by staff after 报到 (RegisterVolunteer +
// ConfirmVolunteer), or set by staff (SetVolunteer, 设为志愿者). Staff decisions are told to the
// person privately (domain/volunteers/notice.h). Every write runs in the caller's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "domain/actor.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/volunteer_store.h"

namespace linli::domain {

// True when `person_id` has an active volunteer record. Database errors as is.
StatusOr<bool> IsVolunteer(storage::Database&, int64_t person_id);
// The name shown for a volunteer ("志愿者" + person id when the record has none). Read-only.
StatusOr<std::string> VolunteerDisplayName(storage::Database&, int64_t person_id);

// Gives every config.volunteers entry a person and an active record (see
// storage::VolunteerStore::SyncConfigVolunteers). Call at start-up after the staff sync.
StatusOr<storage::VolunteerSyncResult> SyncVolunteersFromConfig(storage::Database& db,
                                                                const config::Config& config,
                                                                int64_t now_ms);

// What 报到 collects.
struct Registration {
  std::string display_name;            // required, 1..20 characters
  std::string organisation;            // may be ""
  std::string skills;                  // may be ""
  std::vector<std::string> buildings;  // building ids of config.compound; empty = any
};

// 报到: the person's registration, pending until staff confirm. An active volunteer who
// registers again updates their details and stays active; a removed one is pending again.
// Returns the record written. kInvalidArgument "display name required" for an empty name.
StatusOr<storage::Volunteer> RegisterVolunteer(storage::Database& db, int64_t person_id,
                                               const Registration& r, int64_t now_ms);

// Staff decisions. Each checks that `actor` is staff (kPermissionDenied "staff only"), tells the
// person privately, and returns the record after the change.
//   ConfirmVolunteer: pending -> active; kNotFound "no such volunteer" when the person has no
//     record, kFailedPrecondition "not pending" otherwise (decided by a conditional UPDATE).
//   DeclineVolunteer: pending -> removed; errors as ConfirmVolunteer.
//   SetVolunteer: 设为志愿者 - any person becomes an active volunteer (a new record has source
//     "staff" and the name "志愿者<id>" until they 报到); kNotFound "no such person".
//   RemoveVolunteer: 取消志愿者 - pending or active -> removed; kNotFound "no such volunteer",
//     kFailedPrecondition "not a volunteer" when removed already.
StatusOr<storage::Volunteer> ConfirmVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                              int64_t person_id, int64_t now_ms);
StatusOr<storage::Volunteer> DeclineVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                              int64_t person_id, int64_t now_ms);
StatusOr<storage::Volunteer> SetVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                          int64_t person_id, int64_t now_ms);
StatusOr<storage::Volunteer> RemoveVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                             int64_t person_id, int64_t now_ms);

// The name `actor` acts under when it is staff ("system", a key's name, config.staff name or
// "staff #<id>"); kPermissionDenied "staff only" when it is not. Read-only.
StatusOr<std::string> StaffName(storage::Database& db, const Deps& deps, Actor actor);

}  // namespace linli::domain
