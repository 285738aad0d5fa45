// linli status --config FILE [--locale L]: one screen for the operator (issue 15 point 7) -
// the database file and its size (+ WAL; on PostgreSQL the database's URL without password,
// the schema's size and the whole database's), the schema version against this build's, tickets
// by state and tier (with the overdue ones), the outbox backlog (pending, sending, deferred)
// and dead letters (failed) by channel, and the last run of every scheduled job (with
// failures). Counts, names of channels and jobs, times and paths only: no personal data.
// Read-only: the database is opened read-only (storage::OpenReader), so it works while
// `linli serve` runs and never creates or migrates anything. Offline: no channel secret is
// needed. Texts in the config's locale or --locale ("cli.status_*").
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "config/texts.h"
#include "domain/common/schedule.h"
#include "domain/common/time_zone.h"
#include "storage/backup.h"
#include "storage/job_store.h"
#include "storage/metrics_counts.h"

namespace linli {

// What the screen shows, gathered from the database (GatherStatus) or built by a test.
struct StatusSnapshot {
  std::string database;  // the path shown (PostgreSQL: storage::DescribeDatabase, no password)
  storage::DatabaseFileSize size;  // SQLite
  std::optional<storage::PostgresSize> postgres;  // PostgreSQL: shown instead of `size`
  int schema_version = 0;
  int build_schema_version = 0;  // storage::LatestSchemaVersion()
  std::vector<storage::TicketCount> tickets;
  std::vector<storage::OpenTicketCount> open_tickets;  // for the overdue column
  std::vector<storage::OutboxDepth> outbox;
  struct JobLine {
    std::string name;
    // nullopt for a recorded job the config no longer lists. Shown in words of the locale
    // (cli.status_schedule_*), an instant in the config's time zone.
    std::optional<domain::Schedule> schedule;
    std::optional<storage::JobRun> record;  // nullopt: never ran nor failed
  };
  std::vector<JobLine> jobs;  // the configured jobs in their order, then other recorded ones
};

// The screen, lines ending in '\n'. Times in `zone`; columns aligned by display width (a
// CJK character takes two columns). Pure.
std::string RenderStatus(const StatusSnapshot& snapshot, const config::Texts& texts,
                         const std::string& locale, const domain::TimeZone& zone,
                         int64_t now_ms);

// Terminal columns of UTF-8 text: 2 for East Asian wide and full-width characters, 1 for the
// others. Pure.
size_t DisplayWidth(const std::string& text);

// `args` are the words after "status". Returns the exit code: 0 shown; 2 a usage error or an
// unknown --locale; 1 a config error, no database yet, or a read error (message on `err`).
int RunStatusCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err);

}  // namespace linli
