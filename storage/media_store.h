// Ticket photos fetched from the platforms (issue 11 point 4). A row is written in the intake
// transaction (state pending) and is the media worker's durable queue
// (bot/server/media_worker.h): the worker claims due rows, fetches, and records the outcome.
// The file itself lives in the media folder (config `media.dir`) under the name in
// local_path - always one the service made (domain/media/media_files.h), never the platform's.
//
// States: pending (due at next_attempt_at) -> fetching (claimed; back to pending at start if
// the process stopped) -> fetched (local_path, bytes, sha256, content_type, fetched_at set) |
// failed (permanent: last_error holds the platform error; the ticket keeps its photo_ref) |
// refused (over media.max_bytes or not an image: nothing stored) | erased (the resident's
// data was erased: the retention job deletes the file, then the row).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

enum class MediaState { kPending, kFetching, kFetched, kFailed, kRefused, kErased };
const char* NameOf(MediaState state);

struct MediaItem {
  int64_t id = 0;
  int64_t ticket_id = 0;
  std::string channel;       // the channel the photo came from (its adapter fetches it)
  std::string platform_ref;  // Attachment::ref
  std::string message_id;    // Attachment::message_id (Feishu)
  MediaState state = MediaState::kPending;
  std::string local_path;    // file name inside media.dir; "" until fetched
  int64_t bytes = 0;
  std::string sha256;        // lowercase hex of the stored bytes
  std::string content_type;  // from the bytes' magic number ("image/jpeg")
  int attempts = 0;          // fetch attempts so far (the claim counts one)
  int64_t next_attempt_at_ms = 0;
  std::string last_error;    // the platform's error code/message; no secrets
  int64_t created_at_ms = 0;
  int64_t fetched_at_ms = 0;
};

class MediaStore {
 public:
  // Queues a photo of `ticket_id` for fetching now. kInvalidArgument when the ticket id,
  // channel or ref is empty. Returns the row id.
  static StatusOr<int64_t> Enqueue(Database& db, int64_t ticket_id, const std::string& channel,
                                   const std::string& platform_ref, const std::string& message_id,
                                   int64_t now_ms);
  // Claims up to `limit` pending rows due at `now_ms` (oldest first): each becomes fetching
  // with attempts + 1, its claim leased until now_ms + lease_ms (kept in next_attempt_at,
  // which a fetching row does not otherwise use). Each row is taken by a conditional UPDATE,
  // so two workers - two instances on one PostgreSQL database too - never claim one row.
  static StatusOr<std::vector<MediaItem>> ClaimDue(Database& db, int64_t now_ms, int limit,
                                                   int64_t lease_ms = 0);
  // At start: rows left fetching go back to pending, due now. On SQLite (one process owns the
  // file) every fetching row; on PostgreSQL only those whose lease ran out - another live
  // instance may be fetching the rest (RecoverExpired). Returns how many.
  static StatusOr<int64_t> RecoverInFlight(Database& db, int64_t now_ms);
  // Fetching rows whose claim's lease ran out by `now_ms` (their instance died or hangs) go
  // back to pending, due now; every worker pass runs it. Returns how many.
  static StatusOr<int64_t> RecoverExpired(Database& db, int64_t now_ms);
  // Outcomes of a claimed row (kNotFound when the row is not fetching any more, e.g. erased
  // meanwhile - the caller then deletes a file it wrote).
  static Status MarkFetched(Database& db, int64_t id, const std::string& local_path, int64_t bytes,
                            const std::string& sha256, const std::string& content_type,
                            int64_t now_ms);
  static Status MarkRetry(Database& db, int64_t id, int64_t due_ms, const std::string& error);
  static Status MarkFailed(Database& db, int64_t id, const std::string& error);
  static Status MarkRefused(Database& db, int64_t id, const std::string& error);

  // The ticket's fetched photo (the newest, if several), or nullopt.
  static StatusOr<std::optional<MediaItem>> FetchedForTicket(Database& db, int64_t ticket_id);
  // Every row of the ticket, oldest first (any state).
  static StatusOr<std::vector<MediaItem>> ForTicket(Database& db, int64_t ticket_id);
  static StatusOr<std::optional<MediaItem>> Find(Database& db, int64_t id);

  // Rows the retention job removes: created before `cutoff_ms` (any state), or erased. Up to
  // `limit`, oldest first.
  static StatusOr<std::vector<MediaItem>> Expired(Database& db, int64_t cutoff_ms, int limit);
  static Status Delete(Database& db, int64_t id);
};

}  // namespace linli::storage
