// Volunteers (志愿者, issue 9 point 6): who may claim wishes and earns points. A person is a
// volunteer when their record in storage/volunteer_store.h is active: listed in the config's
// `volunteers` (synced at start), confirmed by staff after 报到, or set by staff (设为志愿者).
// Everything here is read-only unless it says otherwise.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "storage/database.h"

namespace linli::domain {

// True when `person_id` has an active volunteer record. Database errors as is.
StatusOr<bool> IsVolunteer(storage::Database&, int64_t person_id);
// The name shown for a volunteer ("志愿者" + person id when the record has none). Read-only.
StatusOr<std::string> VolunteerDisplayName(storage::Database&, int64_t person_id);

}  // namespace linli::domain
