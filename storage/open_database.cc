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

bool IsPostgresql(const std::string& backend) {
  return backend == "postgresql" || backend == "postgres";
}

StatusOr<std::unique_ptr<Database>> OpenBackend(const DatabaseOptions& options) {
  if (options.backend == "sqlite") return OpenSqlite(options.sqlite);
  if (IsPostgresql(options.backend)) {
    return OpenPostgres(options.postgresql);
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
  if (IsPostgresql(options.backend)) {
    DatabaseOptions reader = options;
    reader.postgresql.read_only = true;
    return OpenBackend(reader);
  }
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenBackend(options));
  LINLI_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = ON", {}));
  return db;
}

std::string DescribeDatabase(const DatabaseOptions& options) {
  if (IsPostgresql(options.backend)) {
    std::string where = DescribePostgresDsn(options.postgresql.dsn);
    if (where.empty()) return "postgresql (a DSN libpq cannot parse)";
    if (!options.postgresql.schema.empty()) where += " (schema " + options.postgresql.schema + ")";
    return where;
  }
  return options.sqlite.path;
}

std::vector<std::string> KnownBackends() { return {"sqlite", "postgresql"}; }

}  // namespace linli::storage
