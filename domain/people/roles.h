// Roles come from the config and from the database (issue 4): config.staff entries are made
// persons with their role and tier at start-up; roles granted in the database stay as they
// are. Every staff action still checks the role server-side (TurnContext::is_staff()).
#pragma once

#include <cstdint>

#include "bot/status.h"
#include "config/config.h"
#include "storage/database.h"
#include "storage/role_store.h"

namespace linli::domain {

// Gives every config.staff entry a person (and identity, if it never wrote to the bot) with
// its role (staff|admin) and tier, and returns persons whose role came from an earlier
// config but who are no longer listed to resident. Idempotent; one transaction. Call at
// start-up after migrations (bot/server/app.cc). Errors: database errors, kInvalidArgument for an
// entry the config loader should have rejected.
StatusOr<storage::RoleSyncResult> SyncStaffFromConfig(storage::Database& db,
                                                      const config::Config& config, int64_t now_ms);

}  // namespace linli::domain
