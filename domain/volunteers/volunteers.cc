#include "domain/volunteers/volunteers.h"

#include <optional>

#include "storage/volunteer_store.h"

namespace linli::domain {

StatusOr<bool> IsVolunteer(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::Volunteer> v,
                         storage::VolunteerStore::Find(db, person_id));
  return v.has_value() && v->status == storage::VolunteerStatus::kActive;
}

StatusOr<std::string> VolunteerDisplayName(storage::Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(std::optional<storage::Volunteer> v,
                         storage::VolunteerStore::Find(db, person_id));
  if (v.has_value() && !v->display_name.empty()) return v->display_name;
  return "志愿者" + std::to_string(person_id);
}

}  // namespace linli::domain
