// Scheduled jobs' progress: per job, the start of the last period it completed
// (domain/common/schedule.h), so a restart neither repeats nor loses a period. Record() is
// meant to run in the same write-queue unit as the job's effects: both commit or neither does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct JobRun {
  std::string name;
  int64_t last_period_start_ms = 0;  // start of the last completed period
  int64_t last_run_at_ms = 0;        // when that run happened
  int64_t runs = 0;                  // completed runs so far
  int64_t failures = 0;              // failed runs so far (RecordFailure)
  int64_t last_failed_at_ms = 0;     // when the last one failed (0: never)
  std::string last_error;            // why (the Status message, at most kMaxErrorBytes)
};

class JobStore {
 public:
  static constexpr size_t kMaxErrorBytes = 300;

  // The job's progress, or nullopt if it never completed a period (a job that only failed so
  // far has none either).
  static StatusOr<std::optional<JobRun>> Find(Database& db, const std::string& name);
  // Records that `name` completed the period starting at `period_start_ms`.
  // kAlreadyExists when that period or a later one is recorded already (the period ran): the
  // caller's unit must then roll back its effects. Other errors come from the database.
  static Status Record(Database& db, const std::string& name, int64_t period_start_ms,
                       int64_t run_at_ms);
  // Records a failed run of `name` at `at_ms` with its error (cut to kMaxErrorBytes at a
  // UTF-8 boundary): failures + 1, last_failed_at, last_error; the completed period is not
  // touched. Runs in a unit of its own after the failed unit rolled back. Errors: the
  // database's.
  static Status RecordFailure(Database& db, const std::string& name, int64_t at_ms,
                              const std::string& error);
  // Every job's progress, by name, including jobs that only failed so far (runs 0).
  static StatusOr<std::vector<JobRun>> List(Database& db);
};

}  // namespace linli::storage
