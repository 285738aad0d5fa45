// Ticket cards in staff groups (issue 11 points 2 and 3): the card posted to each group of
// `groups` whose posts has "tickets" (and whose buildings / categories take the ticket) when a
// ticket is created, its update after a staff action, and the short card to groups with
// "escalations" (and the tier in their tiers) when a ticket moves up a tier.
//
// A card shows the number, category, building and unit (staff groups may see the unit), the
// description through MaskFreeText with KnownNames, the status and the reply words - never the
// reporter's name or phone. The outbox records each sent card (card_kind kTicketCardKind,
// card_ref the number; storage/card_store.h), so a reply to it in a two-way group reaches the
// staff card flow (dialogs/staff_flow.cc); a send-only robot only shows it.
//
// Every call enqueues into the caller's open transaction; database errors as is.
#pragma once

#include <cstdint>

#include "bot/status.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

inline constexpr const char* kTicketCardKind = "ticket";

// Posts the new-ticket card of `t` (as created) to every group that takes it.
Status PostTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                       int64_t now_ms);
// Updates the card of `t` in every group it was posted to: an edit of the recorded card (the
// outbox posts the short ticket.card_update line instead where the platform cannot edit), or
// the short line where no card was recorded.
Status UpdateTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                         int64_t now_ms);
// Posts the short escalation card of `t` (now at its new tier) to every group with
// "escalations" taking that tier (and its building).
Status PostEscalationCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                           int64_t now_ms);

}  // namespace linli::domain
