// One-time codes that link a person's identities across channels ("关联"): shown on one
// channel, entered on another. Codes expire, are used once, and wrong guesses are limited per
// identity so a code cannot be brute-forced into someone else's account.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace linli::storage {

class LinkStore {
 public:
  // Stores `code` for `person_id`, valid until `expires_at_ms`; replaces the person's previous
  // code. kAlreadyExists if the code is taken (the caller draws another).
  static Status CreateCode(Database& db, const std::string& code, int64_t person_id,
                           int64_t now_ms, int64_t expires_at_ms);
  // Consumes `code`: returns its person if it exists and has not expired (and deletes it);
  // nullopt otherwise.
  static StatusOr<std::optional<int64_t>> ConsumeCode(Database& db, const std::string& code,
                                                      int64_t now_ms);
  // Wrong guesses by (channel, user_id) within the current window of `window_ms`.
  static StatusOr<int> Failures(Database& db, const std::string& channel,
                                const std::string& user_id, int64_t now_ms, int64_t window_ms);
  static Status RecordFailure(Database& db, const std::string& channel, const std::string& user_id,
                              int64_t now_ms, int64_t window_ms);
};

}  // namespace linli::storage
