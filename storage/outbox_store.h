// The durable outbox. Every asynchronous or proactive send is a row here, written in the same
// transaction as the turn that caused it. Messages to one destination (channel + chat) are
// delivered in order: only the oldest undelivered message of a destination is ever due.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/message.h"
#include "storage/database.h"

namespace linli::storage {

struct OutboxItem {
  int64_t id = 0;
  OutboundMessage message;
  std::string status;  // pending|sending|sent|failed|deferred
  int attempts = 0;
  int64_t created_at_ms = 0;
  int64_t next_attempt_at_ms = 0;
  std::string last_error;
  std::string platform_message_id;  // set when sent
};

class OutboxStore {
 public:
  // Adds a pending message due at `now_ms`. Returns its id.
  static StatusOr<int64_t> Enqueue(Database& db, const OutboundMessage& message, int64_t now_ms);
  // Marks up to `limit` due messages 'sending' (attempts + 1) and returns them: for each
  // destination with nothing 'sending', its oldest 'pending' message if next_attempt_at <= now.
  static StatusOr<std::vector<OutboxItem>> ClaimDue(Database& db, int64_t now_ms, int limit);
  // The Mark* calls apply to a claimed ('sending') row: kNotFound for an unknown id,
  // kFailedPrecondition for a row in any other state (e.g. recovered by RecoverInFlight).
  static Status MarkSent(Database& db, int64_t id, const std::string& platform_message_id,
                         int64_t now_ms);
  // Back to 'pending', due at `next_attempt_at_ms`. `backoff`: the time is our own backoff
  // after a failed attempt (RetryBackoffNow may bring it forward); false when the platform
  // named it (a Retry-After), which is always waited out.
  static Status MarkRetry(Database& db, int64_t id, int64_t next_attempt_at_ms,
                          const std::string& error, bool backoff = true);
  // `channel` answers again: its pending messages waiting out a backoff (MarkRetry with
  // backoff) whose failed attempt was claimed before `claimed_before_ms` are due at `now_ms`,
  // still one at a time per destination in order (ClaimDue). A message that failed in the
  // same pass as the success is left to its backoff (its failure is its own, not an outage's),
  // and messages held by a rate limit or a platform's Retry-After keep their time. Returns how
  // many.
  static StatusOr<int64_t> RetryBackoffNow(Database& db, const std::string& channel,
                                           int64_t claimed_before_ms, int64_t now_ms);
  // Back to 'pending', due at `next_attempt_at_ms`, and the claim's attempt given back: a
  // send held by the destination's rate limit (the outbox's pacing, a platform's rate-limit
  // answer) is not a failed attempt and never brings the message nearer max_attempts.
  static Status MarkPaced(Database& db, int64_t id, int64_t next_attempt_at_ms,
                          const std::string& error);
  static Status MarkFailed(Database& db, int64_t id, const std::string& error);
  // Parked until the user next contacts us (ReleaseDeferred).
  static Status MarkDeferred(Database& db, int64_t id, const std::string& error);
  // True if a message to (channel, chat_id) is still to be sent (pending, sending or
  // deferred): a reply that would bypass the outbox must then queue behind it.
  static StatusOr<bool> HasUnsent(Database& db, const std::string& channel,
                                  const std::string& chat_id);
  // Deferred messages of (channel, user) become pending, due now. Returns how many.
  static StatusOr<int64_t> ReleaseDeferred(Database& db, const std::string& channel,
                                           const std::string& user_id, int64_t now_ms);
  // After a crash: 'sending' rows go back to 'pending' (the send may have happened - the
  // caller logs each as possibly duplicated). Returns how many.
  static StatusOr<int64_t> RecoverInFlight(Database& db, int64_t now_ms);
  // The earliest next_attempt_at of pending rows, if any. Only rows ClaimDue could return
  // once due count (the oldest pending row of a destination with nothing 'sending'), so a
  // poller never wakes for a message that is blocked behind an earlier one.
  static StatusOr<std::optional<int64_t>> NextDueAt(Database& db);
  static StatusOr<std::optional<OutboxItem>> Find(Database& db, int64_t id);
  static StatusOr<int64_t> CountByStatus(Database& db, const std::string& status);
  // Up to `limit` rows with `status`, oldest first; an empty `status` lists every row that is
  // not 'sent' (what staff look at: pending, sending, deferred, failed). For `linli outbox`.
  static StatusOr<std::vector<OutboxItem>> ListByStatus(Database& db, const std::string& status,
                                                        int limit);
  // Deletes sent messages (and their texts) sent before `before_ms`. Returns how many.
  static StatusOr<int64_t> PruneSent(Database& db, int64_t before_ms);
};

}  // namespace linli::storage
