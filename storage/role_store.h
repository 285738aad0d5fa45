// Roles granted by the configuration file. Roles live in persons.role/tier; a role set from
// the config is marked (persons.role_source = 'config') so that a staff member removed from
// the config loses the role at the next start, while roles granted in the database
// (role_source '') are left alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct ConfigRole {
  std::string channel;
  std::string user_id;
  std::string role;  // staff|admin
  std::string tier;  // grid|property|community|street
};

struct RoleSyncResult {
  int64_t persons_created = 0;  // identities not seen before: person + identity created
  int64_t roles_changed = 0;    // persons whose role/tier was set
  int64_t roles_revoked = 0;    // config-granted roles no longer in the config: back to resident
};

class RoleStore {
 public:
  // Makes the database agree with `roles`, in one transaction: each (channel, user_id) gets a
  // person (created, never seen, if the identity is unknown) with that role and tier, marked
  // as config-granted; when several entries reach one person (linked identities) the
  // strongest role (admin over staff) wins. Persons whose role came from the config but who
  // are no longer listed become residents. Idempotent. kInvalidArgument for an unknown role
  // or tier.
  static StatusOr<RoleSyncResult> SyncConfigRoles(Database& db, const std::vector<ConfigRole>& roles,
                                                  int64_t now_ms);
};

}  // namespace linli::storage
