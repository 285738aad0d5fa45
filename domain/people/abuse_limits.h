// Abuse limits (issue 8, point 9), decided in the database so restarts and several instances
// share them. Limits come from config.limits.
//
// Messages: per identity, at most `messages_per_minute` turns (messages and taps; platform
// events are not counted) within a window that starts with the first of them. The first turn
// beyond the limit gets one friendly "please wait"; later ones get silence until the window
// has passed. Nothing of a refused turn is processed.
//
// New tickets: per bound household (all its members together) and per person bound to no
// household, at most the configured number within the last 24 hours. Staff are not limited.
#pragma once

#include <cstdint>

#include "bot/message.h"
#include "bot/status.h"
#include "config/config.h"
#include "storage/database.h"

namespace linli::domain {

enum class Admission {
  kAdmit,     // process the turn
  kSlowDown,  // the first turn over the limit: answer "please wait", process nothing
  kSilent,    // over the limit again: answer nothing, process nothing
};

// Counts the turn `in` and decides. Writes in the caller's transaction; database errors only.
StatusOr<Admission> AdmitTurn(storage::Database& db, const config::LimitsConfig& limits,
                              const InboundMessage& in, int64_t now_ms);

// Whether `person_id` may open another ticket now. Database errors only.
StatusOr<bool> MayOpenTicket(storage::Database& db, const config::Config& config,
                             int64_t person_id, int64_t now_ms);

}  // namespace linli::domain
