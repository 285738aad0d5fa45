// Numbered schema migrations, applied in order at start and by `linli migrate`. Each runs in
// its own transaction and is recorded in schema_migrations(version, applied_at).
#pragma once

#include <vector>

#include "storage/database.h"

namespace linli::storage {

// Applies every migration newer than the database's version. Returns the resulting version.
StatusOr<int> Migrate(Database& db);
// Applies the migrations newer than the database's version up to and including `version`
// (tests: a database as an older build left it, to check how a migration treats its rows).
// Returns the resulting version; a database already past `version` is left as it is.
StatusOr<int> MigrateTo(Database& db, int version);
// The database's schema version without changing anything (read-only connections: `linli
// status`): 0 when it has no schema_migrations table yet. Errors: the database's.
StatusOr<int> SchemaVersion(Database& db);
// The newest version this build knows.
int LatestSchemaVersion();
// Every version this build knows, ascending (numbers are assigned per change, so a build may
// lack some below the newest until the changes that own them are merged).
std::vector<int> SchemaVersions();

}  // namespace linli::storage
