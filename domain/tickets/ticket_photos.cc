#include "domain/tickets/ticket_photos.h"

#include <string>

#include "bot/message.h"
#include "domain/media/ticket_media.h"
#include "domain/tickets/ticket_cards.h"
#include "storage/outbox_store.h"
#include "storage/ticket_store.h"

namespace linli::domain {

Status PostTicketPhoto(storage::Database& db, const Deps& s, const storage::MediaItem& item,
                       int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto ticket, storage::TicketStore::FindById(db, item.ticket_id));
  if (!ticket) return Status::Ok();
  bool any = false;
  for (const auto& g : s.config.groups) any = any || TakesTicketCard(g, *ticket);
  if (!any) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(auto rows, storage::MediaStore::ForTicket(db, item.ticket_id));
  for (const auto& r : rows) {
    if (r.id != item.id && r.state == storage::MediaState::kFetched) return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto media, media::TicketMediaFor(db, s.config.media, item.ticket_id));
  if (!media) return Status::Ok();

  const std::string& l = s.config.locale;
  const std::string number = std::to_string(ticket->number);
  const config::TextArgs vars = {{"number", number},
                               {"category", s.texts.Get(l, "category." + ticket->category)}};
  for (const auto& g : s.config.groups) {
    if (!TakesTicketCard(g, *ticket)) continue;
    OutboundMessage m;
    m.to = {g.channel, g.chat_id, g.chat_id, ChatType::kGroup};
    m.text = s.texts.Get(l, "ticket.photo_fallback", vars);
    m.reply_card_kind = kTicketCardKind;
    m.reply_card_ref = number;
    m.image = OutboundImage{media->path, media->content_type, item.platform_ref, item.channel,
                            s.texts.Get(l, "ticket.photo_caption", vars)};
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

}  // namespace linli::domain
