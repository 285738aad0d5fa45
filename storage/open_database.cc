#include "storage/open_database.h"

#include <utility>

#include "storage/migrations.h"

namespace linli::storage {

namespace {

std::string KnownList() {
  std::string out;
  for (const auto& b : KnownBackends()) out += (out.empty() ? "" : ", ") + b;
  return out;
}

StatusOr<std::unique_ptr<Database>> OpenBackend(const DatabaseOptions& options) {
  if (options.backend == "sqlite") return OpenSqlite(options.sqlite);
  if (options.backend == "postgresql" || options.backend == "postgres") {
    return Status::FailedPrecondition("storage.backend: \"" + options.backend +
                                      "\" is not built into this binary (known: " + KnownList() +
                                      ")");
  }
  return Status::InvalidArgument("storage.backend: unknown backend \"" + options.backend +
                                 "\" (known: " + KnownList() + ")");
}

}  // namespace

StatusOr<OpenedDatabase> OpenDatabase(const DatabaseOptions& options) {
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenBackend(options));
  auto version = Migrate(*db);
  if (!version.ok()) {
    return Status(version.status().code(),
                  "migration failed: " + version.status().message());
  }
  return OpenedDatabase{std::move(db), *version};
}

StatusOr<std::unique_ptr<Database>> OpenReader(const DatabaseOptions& options) {
  if (options.backend == "sqlite" && options.sqlite.path == ":memory:") {
    return Status::FailedPrecondition("storage.sqlite.path: \":memory:\" has no second reader");
  }
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenBackend(options));
  LINLI_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = ON", {}));
  return db;
}

std::vector<std::string> KnownBackends() { return {"sqlite"}; }

}  // namespace linli::storage
