#include "storage/job_store.h"

namespace linli::storage {
namespace {

constexpr const char* kColumns = "name, last_period_start, last_run_at, runs";

JobRun FromRow(const Row& r) { return JobRun{r.Text(0), r.Int(1), r.Int(2), r.Int(3)}; }

}  // namespace

StatusOr<std::optional<JobRun>> JobStore::Find(Database& db, const std::string& name) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kColumns + " FROM job_runs WHERE name = ?",
                          {name}));
  if (rows.empty()) return std::optional<JobRun>();
  return std::optional<JobRun>(FromRow(rows[0]));
}

Status JobStore::Record(Database& db, const std::string& name, int64_t period_start_ms,
                        int64_t run_at_ms) {
  // One statement: a concurrent or repeated run of the same period changes no row.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO job_runs (name, last_period_start, last_run_at, runs) VALUES (?, ?, ?, 1) "
      "ON CONFLICT (name) DO UPDATE SET last_period_start = excluded.last_period_start, "
      "last_run_at = excluded.last_run_at, runs = job_runs.runs + 1 "
      "WHERE job_runs.last_period_start < excluded.last_period_start",
      {name, period_start_ms, run_at_ms}));
  if (db.changes() == 0) {
    return Status::AlreadyExists("job " + name + ": period " + std::to_string(period_start_ms) +
                                 " already ran");
  }
  return Status::Ok();
}

StatusOr<std::vector<JobRun>> JobStore::List(Database& db) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kColumns + " FROM job_runs ORDER BY name"));
  std::vector<JobRun> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace linli::storage
