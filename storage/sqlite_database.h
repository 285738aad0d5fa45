// SQLite backend of the Database seam. WAL mode, foreign keys on, busy timeout, and the
// configured synchronous level (FULL by default: an acknowledged webhook survives power loss).
#pragma once

#include <memory>
#include <string>

#include "storage/database.h"

namespace linli::storage {

struct SqliteOptions {
  std::string path;                  // file path, or ":memory:" (tests)
  std::string synchronous = "FULL";  // "FULL" | "NORMAL" | "OFF"
  int busy_timeout_ms = 5000;
};

// Opens (creating if missing) the database. Errors: kInvalidArgument for a bad option,
// kUnavailable if the file cannot be opened (message names the path).
StatusOr<std::unique_ptr<Database>> OpenSqlite(const SqliteOptions& options);

}  // namespace linli::storage
