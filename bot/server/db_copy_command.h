// linli db copy --from CONFIG_A --to CONFIG_B (issue 14 point 4): moves a community - every
// table of A's database into B's (SQLite and PostgreSQL either way, storage/db_copy.h) - and
// proves it: per table the row count and a SHA-256 over the rows in key order on both sides,
// printed as a table at the end. Both configs go through the normal start-up (LoadAndValidate;
// A's database is opened read-only and never migrated, B's is opened with OpenDatabase, which
// creates and migrates a new one). Refused, changing nothing in A and copying nothing: A and B
// the same database; A's schema version not this build's (run `linli migrate --config A`
// first); an SQLite A or B that another process has open (stop `linli serve` first: what is
// written after the copy's snapshot would not be copied); B holding any row beyond what its
// migrations insert (the table is named). Any error or checksum mismatch rolls B back.
// Progress goes to `err`: a bar redrawn in place on a terminal, else one line per table.
// Offline: no channel secret is needed. Messages in A's locale ("cli.db_copy_*").
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "storage/db_copy.h"

namespace linli {

// `args` are the words after "db". Returns the exit code: 0 copied and verified; 2 a usage
// error; 1 a config or database error, a refusal, or a verification mismatch (the message on
// `err`; the table of checks on `out` for a mismatch too). The progress is a bar when `err`
// is std::cerr on a terminal.
int RunDbCopyCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err);

// The same, the progress drawn as a bar (`terminal`) or as plain lines.
int RunDbCopyCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err, bool terminal);

// One redraw of the bar, without "\r": "<phase> [#######-------]  45%  1200/2667  tickets".
// `width` is the bar's inside in characters. Pure.
std::string CopyProgressBar(const storage::CopyProgress& progress, const std::string& phase,
                            int width);

}  // namespace linli
