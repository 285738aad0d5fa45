#include "storage/role_store.h"

#include <map>
#include <string>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

int Rank(const std::string& role) { return role == "admin" ? 2 : role == "staff" ? 1 : 0; }

bool ValidRoleTier(const std::string& tier) {
  return tier == "grid" || tier == "property" || tier == "community" || tier == "street";
}

}  // namespace

StatusOr<RoleSyncResult> RoleStore::SyncConfigRoles(Database& db,
                                                    const std::vector<ConfigRole>& roles,
                                                    int64_t now_ms) {
  for (const ConfigRole& r : roles) {
    if (r.channel.empty() || r.user_id.empty()) {
      return Status::InvalidArgument("roles: channel and user_id are required");
    }
    if (Rank(r.role) == 0) return Status::InvalidArgument("roles: unknown role '" + r.role + "'");
    if (!ValidRoleTier(r.tier)) return Status::InvalidArgument("roles: unknown tier '" + r.tier + "'");
  }
  internal::TxScope scope(db, "roles_sync");
  LINLI_RETURN_IF_ERROR(scope.status());
  RoleSyncResult result;
  std::map<int64_t, const ConfigRole*> wanted;  // person -> strongest entry (first on a tie)
  for (const ConfigRole& r : roles) {
    bool created = false;
    LINLI_ASSIGN_OR_RETURN(int64_t person,
                           internal::PersonForIdentity(db, r.channel, r.user_id, now_ms, &created));
    if (created) ++result.persons_created;
    auto [it, inserted] = wanted.emplace(person, &r);
    if (!inserted && Rank(r.role) > Rank(it->second->role)) it->second = &r;
  }
  for (const auto& [person, r] : wanted) {
    LINLI_RETURN_IF_ERROR(db.Exec(
        "UPDATE persons SET role = ?, tier = ?, role_source = 'config' "
        "WHERE id = ? AND (role <> ? OR tier <> ? OR role_source <> 'config')",
        {r->role, r->tier, person, r->role, r->tier}));
    result.roles_changed += db.changes();
  }
  LINLI_ASSIGN_OR_RETURN(Rows granted,
                         db.Query("SELECT id FROM persons WHERE role_source = 'config'"));
  for (const Row& row : granted) {
    const int64_t person = row.Int(0);
    if (wanted.count(person) != 0) continue;
    LINLI_RETURN_IF_ERROR(db.Exec(
        "UPDATE persons SET role = 'resident', tier = '', role_source = '' WHERE id = ?", {person}));
    ++result.roles_revoked;
  }
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return result;
}

}  // namespace linli::storage
