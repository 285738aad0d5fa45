#include "domain/people/roles.h"

#include <vector>

namespace linli::domain {

StatusOr<storage::RoleSyncResult> SyncStaffFromConfig(storage::Database& db,
                                                      const config::Config& config, int64_t now_ms) {
  std::vector<storage::ConfigRole> roles;
  roles.reserve(config.staff.size());
  for (const auto& s : config.staff) roles.push_back({s.channel, s.user_id, s.role, s.tier});
  return storage::RoleStore::SyncConfigRoles(db, roles, now_ms);
}

}  // namespace linli::domain
