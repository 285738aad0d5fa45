#include "domain/tickets/ticket_intake.h"

#include "domain/media/ticket_media.h"
#include "domain/tickets/ticket_cards.h"
#include "domain/tickets/ticket_service.h"

namespace linli::domain {

StatusOr<storage::Ticket> OpenTicket(storage::Database& db, const Deps& deps,
                                     const NewTicket& report, int64_t now_ms) {
  storage::Ticket t;
  t.reporter_person_id = report.reporter_person_id;
  t.channel = report.channel;
  t.category = report.category;
  t.building = report.building;
  t.unit = report.unit;
  t.location_text = report.location_text;
  t.description = report.description;
  t.photo_ref = report.photo_ref;
  t.status = storage::TicketStatus::kNew;
  t.created_at_ms = now_ms;
  t.updated_at_ms = now_ms;
  TicketService::PrepareNew(deps.config, t, now_ms);  // tier and deadlines
  LINLI_ASSIGN_OR_RETURN(storage::Ticket stored, storage::TicketStore::Create(db, t));
  // Fetched from the platform after the commit (bot/server/media_worker.h).
  LINLI_RETURN_IF_ERROR(media::QueueTicketPhoto(db, stored.id, t.channel, t.photo_ref,
                                                report.photo_message, now_ms));
  // The card in the staff groups, in the same transaction as the ticket.
  LINLI_RETURN_IF_ERROR(PostTicketCards(db, deps, stored, now_ms));
  return stored;
}

}  // namespace linli::domain
