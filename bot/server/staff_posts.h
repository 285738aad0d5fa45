// What the scheduled staff-group posts (issue 11 points 5-6: the daily digest, the monthly
// agenda) share between their jobs (bot/server/jobs.cc) and `linli digest --preview`: the
// digest's window, its text for a group, and posting a text to a group in parts.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "storage/database.h"

namespace linli {

inline constexpr const char* kDigestJobName = "digest";
inline constexpr const char* kAgendaJobName = "agenda";

// When "the last digest" was: the run time of the digest job's last completed period
// (storage/job_store.h), or 24 hours before `now_ms` when it never ran. Database errors only.
StatusOr<int64_t> DigestSince(storage::Database& db, int64_t now_ms);

// The digest text of `group` at `now_ms` covering [since_ms, now_ms) in config.locale
// (domain/reports/digest_snapshot.h, digest.h). Database errors only.
StatusOr<std::string> DigestText(storage::Database& db, const config::Config& config,
                                 const config::Texts& texts, const config::GroupConfig& group,
                                 int64_t since_ms, int64_t now_ms);

// Enqueues `text` for `group` (its channel and chat) in the durable outbox, in parts within
// the channel type's limit (bot/server/group_text.h), in order. Returns how many messages.
// Database errors only.
StatusOr<int> PostToGroup(storage::Database& db, const config::Config& config,
                          const config::GroupConfig& group, const std::string& text,
                          int64_t now_ms);

}  // namespace linli
