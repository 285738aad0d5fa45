// Fixed-window counters for abuse limits (issue 8): how many messages an identity sent in the
// window that began with its first message. Kept in the database, so a restart does not reset
// a limit and several instances on one store share it.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.h"

namespace linli::storage {

class RateStore {
 public:
  // Counts one hit for `key` at `now_ms` and returns the hits in the current window,
  // this one included. A window that has run out (`window_ms` after its first hit) starts
  // again at this hit. Database errors only.
  static StatusOr<int64_t> Hit(Database& db, const std::string& key, int64_t now_ms,
                               int64_t window_ms);
  // Drops windows that ended before `before_ms` (housekeeping). Returns how many.
  static StatusOr<int64_t> Prune(Database& db, int64_t before_ms);
};

}  // namespace linli::storage
