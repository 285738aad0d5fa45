// THE SEAM for showing a ticket's photo (issue 11 point 4): the new-ticket card, staff 工单 N
// and the web console ask here for the local file of a ticket's photo. The photo itself is
// fetched from the platform after intake by the media worker (bot/server/media_worker.h)
// into the media folder (config `media`); until then, or when the fetch failed, there is no
// local media and the ticket keeps only its platform ref (tickets.photo_ref).
//
//   intake (dialogs/report_flow.cc, in the ticket's transaction) -> QueueTicketPhoto
//   media worker: claim -> Adapter::FetchMedia -> AcceptFetched (cap, image check, file) -> row
//   anyone: TicketMediaFor(ticket id) -> {path, content type} or nullopt
//   retention job (bot/server/jobs.cc "retention", hourly) -> PurgeExpiredMedia
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "storage/database.h"

namespace linli::domain::media {

// A ticket's photo on local disk.
struct TicketMedia {
  std::string path;          // absolute or cwd-relative path of the file (media.dir + name)
  std::string content_type;  // "image/jpeg" | "image/png" | "image/gif" | "image/webp"
  int64_t bytes = 0;
  std::string sha256;        // lowercase hex of the file's bytes
  int64_t fetched_at_ms = 0;
};

// Queues the photo `ref` (Attachment::ref; `message_id` = Attachment::message_id) of ticket
// `ticket_id`, sent on `channel`, for fetching. Writes in the caller's transaction (the
// ticket's), so the fetch is never lost nor queued for a ticket that was rolled back. An empty
// ref queues nothing. Errors: database errors.
Status QueueTicketPhoto(storage::Database& db, int64_t ticket_id, const std::string& channel,
                        const std::string& ref, const std::string& message_id, int64_t now_ms);

// The ticket's fetched photo, or nullopt when there is none (no photo, not fetched yet,
// failed, refused, erased, or its file is missing from media.dir). Read-only; any thread that
// owns `db`. Errors: database errors.
StatusOr<std::optional<TicketMedia>> TicketMediaFor(storage::Database& db,
                                                    const config::MediaConfig& config,
                                                    int64_t ticket_id);

}  // namespace linli::domain::media
