#include "storage/open_database.h"

#include <utility>

#include "storage/migrations.h"
#include "storage/sqlite_backup.h"

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

// OK for a backend built here; an error naming the known ones for any other.
Status OpenBackendCheck(const DatabaseOptions& options) {
  if (options.backend == "sqlite" || IsPostgresql(options.backend)) return Status::Ok();
  return Status::InvalidArgument("storage.backend: unknown backend \"" + options.backend +
                                 "\" (known: " + KnownList() + ")");
}

StatusOr<std::unique_ptr<Database>> OpenBackend(const DatabaseOptions& options) {
  LINLI_RETURN_IF_ERROR(OpenBackendCheck(options));
  if (IsPostgresql(options.backend)) return OpenPostgres(options.postgresql);
  return OpenSqlite(options.sqlite);
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

StatusOr<std::unique_ptr<Notifier>> OpenNotifier(const DatabaseOptions& options,
                                                 std::string_view topic) {
  LINLI_RETURN_IF_ERROR(OpenBackendCheck(options));
  if (IsPostgresql(options.backend)) return OpenPostgresNotifier(options.postgresql, topic);
  if (!IsNotifierTopic(topic)) {
    return Status::InvalidArgument("notifier: bad topic \"" + std::string(topic) + "\"");
  }
  return std::unique_ptr<Notifier>();
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

namespace {

// The backends whose databases are files here; an error for the others.
Status CheckFileBackend(const DatabaseOptions& options, const char* what) {
  if (options.backend != "sqlite") {
    LINLI_RETURN_IF_ERROR(OpenBackendCheck(options));
    return Status::FailedPrecondition(std::string("storage.backend: ") + what +
                                      " is for sqlite; on PostgreSQL use its own tools "
                                      "(pg_dump, pg_restore, pg_database_size)");
  }
  if (options.sqlite.path == ":memory:" || options.sqlite.path.rfind("file:", 0) == 0) {
    return Status::FailedPrecondition("storage.sqlite.path: \"" + options.sqlite.path +
                                      "\" is not a file: " + what + " needs a database file");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<BackupResult> BackupDatabase(const DatabaseOptions& options, const std::string& to,
                                      const BackupOptions& backup) {
  LINLI_RETURN_IF_ERROR(CheckFileBackend(options, "a backup"));
  return BackupSqlite(options.sqlite, to, backup);
}

StatusOr<RestoreOutcome> RestoreDatabase(const DatabaseOptions& options, const std::string& from,
                                         const std::string& stamp) {
  LINLI_RETURN_IF_ERROR(CheckFileBackend(options, "a restore"));
  if (stamp.empty() || stamp.find_first_not_of("0123456789-") != std::string::npos) {
    return Status::InvalidArgument("restore: bad stamp \"" + stamp + "\"");
  }
  return RestoreSqlite(options.sqlite, from, stamp);
}

StatusOr<DatabaseFileSize> DatabaseSize(const DatabaseOptions& options) {
  LINLI_RETURN_IF_ERROR(CheckFileBackend(options, "the size"));
  return SqliteFileSize(options.sqlite);
}

std::vector<std::string> KnownBackends() { return {"sqlite", "postgresql"}; }

}  // namespace linli::storage
