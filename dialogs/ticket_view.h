// One ticket shown in chat, for 进度 N (status flow) and staff 工单 N (staff flow).
// In a private chat: the reporter sees their own ticket with the resident history
// (domain/tickets/ticket_history.h: no internal notes, assignments, summaries, reasons);
// staff see the whole ticket - description, photo reference, location with the room, tier
// and the staff history with localized tier names. In a staff work group (a config group whose
// posts has "tickets" or "escalations") staff see what the ticket's card shows
// (domain/tickets/ticket_cards.h: building and unit, the masked description, whether there is
// a photo) with the staff history through the masking module - never the reporter, the room or
// the platform file id. In any other group (staff only; the flows ensure it) the public
// projection only (building, category, status, public notes). Anyone else, or
// an unknown number: "not found" (numbers leak nothing).
#pragma once

#include <cstdint>

#include "bot/status.h"
#include "dialogs/flow.h"

namespace linli::dialogs {

Status ShowTicket(TurnContext& ctx, int64_t number);

}  // namespace linli::dialogs
