#include "domain/media/ticket_media.h"

#include <filesystem>

#include "storage/media_store.h"

namespace linli::domain::media {

Status QueueTicketPhoto(storage::Database& db, int64_t ticket_id, const std::string& channel,
                        const std::string& ref, const std::string& message_id, int64_t now_ms) {
  if (ref.empty()) return Status::Ok();
  return storage::MediaStore::Enqueue(db, ticket_id, channel, ref, message_id, now_ms).status();
}

StatusOr<std::optional<TicketMedia>> TicketMediaFor(storage::Database& db,
                                                    const config::MediaConfig& config,
                                                    int64_t ticket_id) {
  LINLI_ASSIGN_OR_RETURN(auto item, storage::MediaStore::FetchedForTicket(db, ticket_id));
  if (!item || item->local_path.empty()) return std::optional<TicketMedia>();
  const std::filesystem::path path = std::filesystem::path(config.dir) / item->local_path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::optional<TicketMedia>();
  return std::optional<TicketMedia>(
      TicketMedia{path.string(), item->content_type, item->bytes, item->sha256, item->fetched_at_ms});
}

}  // namespace linli::domain::media
