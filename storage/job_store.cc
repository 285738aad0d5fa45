#include "storage/job_store.h"

namespace linli::storage {
namespace {

constexpr const char* kJobColumns =
    "name, last_period_start, last_run_at, runs, failures, last_failed_at, last_error";

JobRun JobFromRow(const Row& r) {
  return JobRun{r.Text(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5), r.Text(6)};
}

std::string Cut(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

}  // namespace

StatusOr<std::optional<JobRun>> JobStore::Find(Database& db, const std::string& name) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kJobColumns + " FROM job_runs WHERE name = ? AND runs > 0",
                          {name}));
  if (rows.empty()) return std::optional<JobRun>();
  return std::optional<JobRun>(JobFromRow(rows[0]));
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

Status JobStore::RecordFailure(Database& db, const std::string& name, int64_t at_ms,
                               const std::string& error) {
  return db.Exec(
      "INSERT INTO job_runs (name, last_period_start, last_run_at, runs, failures, "
      "last_failed_at, last_error) VALUES (?, 0, 0, 0, 1, ?, ?) "
      "ON CONFLICT (name) DO UPDATE SET failures = job_runs.failures + 1, "
      "last_failed_at = excluded.last_failed_at, last_error = excluded.last_error",
      {name, at_ms, Cut(error, kMaxErrorBytes)});
}

StatusOr<std::vector<JobRun>> JobStore::List(Database& db) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kJobColumns + " FROM job_runs ORDER BY name"));
  std::vector<JobRun> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(JobFromRow(r));
  return out;
}

}  // namespace linli::storage
