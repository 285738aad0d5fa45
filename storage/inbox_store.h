// Inbound dedupe: one row per processed webhook (channel, platform message id), holding the
// acknowledgement that was sent, so a redelivery is answered identically and not processed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/http.h"
#include "storage/database.h"

namespace linli::storage {

class InboxStore {
 public:
  static StatusOr<std::optional<HttpResponse>> Find(Database& db, const std::string& channel,
                                                    const std::string& platform_message_id);
  // kAlreadyExists if the pair was recorded before.
  static Status Record(Database& db, const std::string& channel,
                       const std::string& platform_message_id, int64_t now_ms,
                       const HttpResponse& ack);
  // Deletes records older than `before_ms`; returns how many.
  static StatusOr<int64_t> Prune(Database& db, int64_t before_ms);
  static StatusOr<int64_t> Count(Database& db);
};

}  // namespace linli::storage
