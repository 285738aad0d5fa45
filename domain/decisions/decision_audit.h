// The audit export of a closed covenant (`linli covenant export <id>`, issue 10 point 7): the
// engine's records as domain/decisions/audit.h's AuditInput - one row per household of the
// electorate (how its counted ballot was cast, the ballots it replaced, for secret ballots
// the commitment and receipt, for open ballots the choice), the rule, the stored result as
// announced and the frozen text's hash - written with WriteAuditCsv.
#pragma once

#include <string>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"

namespace linli::domain::decisions {

// The audit CSV of covenant `id`. kNotFound decision.not_found; kFailedPrecondition
// decision.not_closed_covenant for a decision that is no closed covenant. Read-only.
StatusOr<std::string> ExportAudit(storage::Database& db, const Deps& s, int64_t id);

}  // namespace linli::domain::decisions
