// The durable outbox. Every asynchronous or proactive send is a row here, written in the same
// transaction as the turn that caused it. Messages to one destination (channel + chat) are
// delivered in order: only the oldest undelivered message of a destination is ever due.
//
// Several instances on one database (issue 14 point 3, PostgreSQL): a claim ('sending') names
// its owner (an instance id) and a lease. Claims never overlap - PostgreSQL's ClaimDue locks its
// candidates FOR UPDATE SKIP LOCKED and rechecks them, so concurrent claims by other
// connections get other rows, and a destination's next message is claimed by nobody while one
// of its rows is 'sending' or being claimed. When a lease runs out (the owner was killed or
// hangs) another instance takes the row back (RecoverExpired) and sends it again; the old
// owner's Mark* then fails instead of overwriting the new claim. Lease times are the callers'
// clocks: the instances' clocks must agree to well within a lease.
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
  // The last claim (ClaimDue): its owner and when its lease runs out. While the row is
  // 'sending' they identify the claim the Mark* calls must come from.
  std::string claimed_by;
  int64_t lease_until_ms = 0;
};

class OutboxStore {
 public:
  // The Signal topic (storage/notifier.h) of Enqueue: other instances' workers wake on it.
  static constexpr const char* kWakeTopic = "outbox";

  // Adds a pending message due at `now_ms`, and signals kWakeTopic (delivered to other
  // instances when the transaction commits; nothing on SQLite). Returns its id.
  static StatusOr<int64_t> Enqueue(Database& db, const OutboundMessage& message, int64_t now_ms);
  // Marks up to `limit` due messages 'sending' (attempts + 1), claimed by `owner` until
  // now_ms + lease_ms, and returns them in due order: for each destination with nothing
  // 'sending', its oldest 'pending' message if next_attempt_at <= now. Safe against concurrent
  // ClaimDue on other connections (every row is claimed by one of them only; on PostgreSQL a
  // row another transaction is claiming is skipped, not waited for). kInvalidArgument for an
  // empty `owner` or a lease_ms <= 0.
  static StatusOr<std::vector<OutboxItem>> ClaimDue(Database& db, int64_t now_ms, int limit,
                                                    const std::string& owner, int64_t lease_ms);
  // The Mark* calls record the outcome of the claim `claimed` came from (ClaimDue; its id,
  // claimed_by and lease_until_ms are used): kNotFound for an unknown id, kFailedPrecondition
  // when the row is no longer under that claim - in another state (e.g. recovered by
  // RecoverInFlight), or taken back after its lease and claimed again (by another instance,
  // or by the same one). The row is then left as it is.
  static Status MarkSent(Database& db, const OutboxItem& claimed,
                         const std::string& platform_message_id, int64_t now_ms);
  // Back to 'pending', due at `next_attempt_at_ms`. `backoff`: the time is our own backoff
  // after a failed attempt (RetryBackoffNow may bring it forward); false when the platform
  // named it (a Retry-After), which is always waited out.
  static Status MarkRetry(Database& db, const OutboxItem& claimed, int64_t next_attempt_at_ms,
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
  static Status MarkPaced(Database& db, const OutboxItem& claimed, int64_t next_attempt_at_ms,
                          const std::string& error);
  static Status MarkFailed(Database& db, const OutboxItem& claimed, const std::string& error);
  // Parked until the user next contacts us (ReleaseDeferred).
  static Status MarkDeferred(Database& db, const OutboxItem& claimed, const std::string& error);
  // True if a message to (channel, chat_id) is still to be sent (pending, sending or
  // deferred): a reply that would bypass the outbox must then queue behind it.
  static StatusOr<bool> HasUnsent(Database& db, const std::string& channel,
                                  const std::string& chat_id);
  // Deferred messages of (channel, user) become pending, due now. Returns how many.
  static StatusOr<int64_t> ReleaseDeferred(Database& db, const std::string& channel,
                                           const std::string& user_id, int64_t now_ms);
  // At start, before this process claims anything: 'sending' rows whose owner is gone go back
  // to 'pending', due at `now_ms` (the send may have happened - the caller logs them as
  // possibly duplicated). On SQLite, whose file one `linli serve` uses, that is every
  // 'sending' row; on PostgreSQL, which several instances share, only those whose lease has
  // run out by `now_ms` (a live instance's claims stay its own). Returns how many.
  static StatusOr<int64_t> RecoverInFlight(Database& db, int64_t now_ms);
  // While running: 'sending' rows whose lease ran out by `now_ms` (lease_until <= now_ms) go
  // back to 'pending', due at `now_ms` - their owner was killed or hangs, and the send may have
  // happened. Rows claimed by `except_owner` are left alone (the caller's own claims: it knows
  // whether their sends are still under way); "" spares none. On PostgreSQL rows another
  // transaction is changing are skipped (taken by a later call if still expired). Returns the
  // ids taken back, for the caller to log each.
  static StatusOr<std::vector<int64_t>> RecoverExpired(Database& db, int64_t now_ms,
                                                       const std::string& except_owner);
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
