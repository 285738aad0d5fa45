#include "domain/volunteers/volunteers.h"

#include <optional>
#include <utility>

#include "domain/tickets/authority.h"
#include "domain/volunteers/notice.h"
#include "storage/identity_store.h"

namespace linli::domain {

using storage::Volunteer;
using storage::VolunteerStatus;
using storage::VolunteerStore;

namespace {

StatusOr<Volunteer> Reload(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(std::optional<Volunteer> v, VolunteerStore::Find(db, person_id));
  if (!v) return Status::NotFound("no such volunteer");
  return *v;
}

// Moves a record from `from` to `to` for staff and tells the person `key`.
StatusOr<Volunteer> Decide(storage::Database& db, const Deps& deps, Actor actor, int64_t person_id,
                           VolunteerStatus from, VolunteerStatus to, const std::string& key,
                           int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  LINLI_RETURN_IF_ERROR(Reload(db, person_id).status());  // kNotFound for no record
  LINLI_ASSIGN_OR_RETURN(bool moved,
                         VolunteerStore::Transition(db, person_id, from, to, name, now_ms));
  if (!moved) return Status::FailedPrecondition("not pending");
  LINLI_RETURN_IF_ERROR(TellPerson(db, deps, person_id, key, {}, now_ms));
  return Reload(db, person_id);
}

}  // namespace

StatusOr<bool> IsVolunteer(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(std::optional<Volunteer> v, VolunteerStore::Find(db, person_id));
  return v.has_value() && v->status == VolunteerStatus::kActive;
}

StatusOr<std::string> VolunteerDisplayName(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(std::optional<Volunteer> v, VolunteerStore::Find(db, person_id));
  if (v.has_value() && !v->display_name.empty()) return v->display_name;
  return "志愿者" + std::to_string(person_id);
}

StatusOr<storage::VolunteerSyncResult> SyncVolunteersFromConfig(storage::Database& db,
                                                                const config::Config& config,
                                                                int64_t now_ms) {
  std::vector<storage::ConfigVolunteer> entries;
  entries.reserve(config.volunteers.size());
  for (const auto& v : config.volunteers) {
    entries.push_back({v.channel, v.user_id, v.name, v.organisation});
  }
  return VolunteerStore::SyncConfigVolunteers(db, entries, now_ms);
}

StatusOr<std::string> StaffName(storage::Database& db, const Deps& deps, Actor actor) {
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, deps.config, actor));
  if (!standing) return Status::PermissionDenied("staff only");
  return standing->name;
}

StatusOr<Volunteer> RegisterVolunteer(storage::Database& db, int64_t person_id,
                                      const Registration& r, int64_t now_ms) {
  if (r.display_name.empty()) return Status::InvalidArgument("display name required");
  LINLI_ASSIGN_OR_RETURN(std::optional<Volunteer> existing, VolunteerStore::Find(db, person_id));
  Volunteer v = existing.value_or(Volunteer{});
  v.person_id = person_id;
  v.display_name = r.display_name;
  v.organisation = r.organisation;
  v.skills = r.skills;
  v.buildings = r.buildings;
  if (!existing || existing->status == VolunteerStatus::kRemoved) {
    v.status = VolunteerStatus::kPending;
    v.source = "chat";
    v.registered_at_ms = now_ms;
    v.confirmed_at_ms = 0;
    v.confirmed_by.clear();
  }
  LINLI_RETURN_IF_ERROR(VolunteerStore::Upsert(db, v));
  return v;
}

StatusOr<Volunteer> ConfirmVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                     int64_t person_id, int64_t now_ms) {
  return Decide(db, deps, actor, person_id, VolunteerStatus::kPending, VolunteerStatus::kActive,
                "volunteer.told_confirmed", now_ms);
}

StatusOr<Volunteer> DeclineVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                     int64_t person_id, int64_t now_ms) {
  return Decide(db, deps, actor, person_id, VolunteerStatus::kPending, VolunteerStatus::kRemoved,
                "volunteer.told_declined", now_ms);
}

StatusOr<Volunteer> SetVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                 int64_t person_id, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  if (!person) return Status::NotFound("no such person");
  LINLI_ASSIGN_OR_RETURN(std::optional<Volunteer> existing, VolunteerStore::Find(db, person_id));
  Volunteer v = existing.value_or(Volunteer{});
  if (!existing) {
    v.person_id = person_id;
    v.source = "staff";
    v.registered_at_ms = now_ms;
  }
  v.status = VolunteerStatus::kActive;
  v.confirmed_at_ms = now_ms;
  v.confirmed_by = name;
  LINLI_RETURN_IF_ERROR(VolunteerStore::Upsert(db, v));
  LINLI_RETURN_IF_ERROR(TellPerson(db, deps, person_id, "volunteer.told_confirmed", {}, now_ms));
  return Reload(db, person_id);
}

StatusOr<Volunteer> RemoveVolunteer(storage::Database& db, const Deps& deps, Actor actor,
                                    int64_t person_id, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  LINLI_ASSIGN_OR_RETURN(Volunteer v, Reload(db, person_id));
  if (v.status == VolunteerStatus::kRemoved) return Status::FailedPrecondition("not a volunteer");
  LINLI_ASSIGN_OR_RETURN(bool moved, VolunteerStore::Transition(db, person_id, v.status,
                                                                VolunteerStatus::kRemoved, name,
                                                                now_ms));
  if (!moved) return Status::FailedPrecondition("not a volunteer");
  LINLI_RETURN_IF_ERROR(TellPerson(db, deps, person_id, "volunteer.told_removed", {}, now_ms));
  return Reload(db, person_id);
}

}  // namespace linli::domain
