// Numbered schema migrations, applied in order at start and by `linli migrate`. Each runs in
// its own transaction and is recorded in schema_migrations(version, applied_at).
#pragma once

#include "storage/database.h"

namespace linli::storage {

// Applies every migration newer than the database's version. Returns the resulting version.
StatusOr<int> Migrate(Database& db);
// The newest version this build knows.
int LatestSchemaVersion();

}  // namespace linli::storage
