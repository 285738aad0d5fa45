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

// OK for a backend built here; OpenBackend's errors for the others.
Status OpenBackendCheck(const DatabaseOptions& options) {
  if (options.backend == "sqlite") return Status::Ok();
  if (options.backend == "postgresql" || options.backend == "postgres") {
    return Status::FailedPrecondition("storage.backend: \"" + options.backend +
                                      "\" is not built into this binary (known: " + KnownList() +
                                      ")");
  }
  return Status::InvalidArgument("storage.backend: unknown backend \"" + options.backend +
                                 "\" (known: " + KnownList() + ")");
}

StatusOr<std::unique_ptr<Database>> OpenBackend(const DatabaseOptions& options) {
  LINLI_RETURN_IF_ERROR(OpenBackendCheck(options));
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
  LINLI_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenBackend(options));
  LINLI_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = ON", {}));
  return db;
}

namespace {

// The backends whose databases are files here; an error for the others.
Status CheckFileBackend(const DatabaseOptions& options, const char* what) {
  if (options.backend != "sqlite") {
    LINLI_RETURN_IF_ERROR(OpenBackendCheck(options));
    return Status::FailedPrecondition(std::string("storage.backend: ") + what + " is for sqlite");
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

std::vector<std::string> KnownBackends() { return {"sqlite"}; }

}  // namespace linli::storage
