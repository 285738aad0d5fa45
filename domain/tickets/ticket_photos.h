// A ticket's photo in the staff groups (issue 11 point 3: "... and the photo"). The card
// itself stays text (it is edited with editMessageText as the ticket moves); the photo follows
// it as a message of its own, replying to the card.
//
//   intake -> card enqueued (ticket_cards.h) and the photo queued (domain/media/ticket_media.h)
//   media worker: fetched -> MediaStore::MarkFetched + PostTicketPhoto, one transaction
//   outbox: the card goes first (one destination's messages go in order); the photo replies
//   to the card's recorded message (OutboundMessage::reply_card_kind) - by file upload or the
//   platform's own id (Telegram sendPhoto), as an image message (WeCom group robot), or as
//   the text ticket.photo_fallback where the platform takes no pictures (DingTalk and Feishu
//   robots, ...).
#pragma once

#include <cstdint>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/media_store.h"

namespace linli::domain {

// Enqueues the photo `item` (a media row just marked fetched) of its ticket to every group
// that takes the ticket's new-ticket card (TakesTicketCard: posts "tickets", its categories
// and buildings) - never to another kind of group. Each message: OutboundMessage::image (the
// file under media.dir, its content type, the platform ref valid on item.channel, caption
// ticket.photo_caption: number and category only), text ticket.photo_fallback, replying to
// the ticket's card in that group.
//
// Once per group per ticket: run it in the transaction of MediaStore::MarkFetched, whose
// conditional update succeeds once per row (a restart refetches only rows never marked); a
// ticket with another photo already fetched (posted then) gets nothing more. Nothing either
// when the file is not there (TicketMediaFor), the ticket is unknown, or no group takes it.
// Errors: database errors.
Status PostTicketPhoto(storage::Database& db, const Deps& s, const storage::MediaItem& item,
                       int64_t now_ms);

}  // namespace linli::domain
