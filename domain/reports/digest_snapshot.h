// Gathers a daily digest's snapshot (domain/reports/digest.h) for one staff group from the
// stores: the only part of the digest that reads the database. Reads in the caller's
// transaction (the job's write-queue unit, or the CLI's connection); writes nothing.
#pragma once

#include <cstdint>

#include "bot/status.h"
#include "config/config.h"
#include "domain/reports/digest.h"
#include "storage/database.h"

namespace linli::domain {

// The snapshot at `now_ms` for `group`, covering [since_ms, now_ms) for what is "since the last
// digest" (new tickets, ratings, fulfilled wishes). Only tickets and wishes of the group's
// buildings when it lists some (groups[].buildings; a ticket or wish with no building - a
// public place - goes to every group), and decisions whose electorate meets them (a
// compound-wide decision goes to every group). Titles pass the masking module with the
// roster's and staff's names. Errors are database errors.
StatusOr<DigestSnapshot> GatherDigest(storage::Database& db, const config::Config& config,
                                      const config::GroupConfig& group, int64_t since_ms,
                                      int64_t now_ms);

}  // namespace linli::domain
