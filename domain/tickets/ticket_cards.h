// Ticket cards in staff groups (issue 11 points 2 and 3).
//
// Routing (config `groups`): a group whose posts has "tickets" gets a card per new ticket of
// the categories of its `categories` and the buildings of its `buildings` (each empty = all); a
// group whose posts has "escalations" gets a card when a ticket moves up to a tier of its
// `tiers` (empty = all) - by 转办, the SLA job, or a reopening after 不满意 - and of its
// buildings. A group is two-way (telegram, feishu, dingtalk, wecom app: staff act by replying to
// the card) or send-only (a channel whose type ends in "_robot": the card tells staff to send
// the command with the number instead).
//
// A card (RenderTicketCard) shows the number, category, building and unit (staff groups may see
// the unit; a place ticket shows the configured place, never the room), the description through
// the masking module with KnownNames (domain/common/known_names.h), whether a photo exists, the
// status and tier and how to act - never the reporter's name, phone or platform id. The photo
// itself follows the card as a message of its own, replying to it, once the media worker has
// fetched it (domain/tickets/ticket_photos.h): the card stays text, so it can be edited.
//
// The outbox records each sent card (card_kind kTicketCardKind, card_ref the number;
// storage/card_store.h), so a reply to it in a two-way group reaches the staff card flow
// (dialogs/staff_flow.cc "staff_ticket_card"), which runs the declared ticket actions
// (domain/tickets/ticket_actions.h) with the tier table (domain/tickets/authority.h) checked by
// TicketService for the replying person.
//
// Every call enqueues into the caller's open transaction (so a card leaves with the commit of
// what it shows); database errors as is. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

inline constexpr const char* kTicketCardKind = "ticket";

// What a card shows beyond the ticket's own fields, prepared by the caller (the database-bound
// masking), so the rendering is pure.
struct TicketCard {
  std::string description;  // the description as MaskForPublic returned it
  std::string location;     // "3号楼2单元", a configured place label, or "-"
  std::string photo_ref;    // the ticket's photo (platform media id); "" none. The card says
                            // whether there is one; ticket_photos.h posts the picture
  std::string header;       // "" for the card; an escalation card's first line
};

// Whether `channel` (a channels[].name) is a send-only robot: its type ends in "_robot".
// Unknown channels count as send-only (nothing would read a reply there).
bool SendOnlyChannel(const config::Config& config, const std::string& channel);

// The location a staff group may see: building and unit (FormatLocation), else the ticket's
// place when it is a configured compound.places label, else "-". Never the room. Pure.
std::string CardLocation(const config::Config& config, const std::string& locale,
                         const storage::Ticket& t);

// The card text in `locale` (keys ticket.card*): `card` as prepared, the status and tier of `t`,
// the reply hint of a two-way group (`two_way`) or the command hint of a robot. Pure.
std::string RenderTicketCard(const config::Texts& texts, const std::string& locale,
                             const storage::Ticket& t, const TicketCard& card, bool two_way);

// The card of `t` with its description masked (MaskForPublic) and its location (CardLocation).
StatusOr<TicketCard> PrepareTicketCard(storage::Database& db, const Deps& s,
                                       const storage::Ticket& t);

// Whether group `g` takes new-ticket cards of `t` (posts "tickets", its categories and
// buildings) / escalation cards of `t` at its current tier (posts "escalations", tiers,
// buildings). Pure.
bool TakesTicketCard(const config::GroupConfig& g, const storage::Ticket& t);
bool TakesEscalationCard(const config::GroupConfig& g, const storage::Ticket& t);

// Posts the new-ticket card of `t` (as created) to every group that takes it.
Status PostTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                       int64_t now_ms);
// After a change of status or tier of `t`: every recorded card of `t` (storage/card_store.h,
// kind kTicketCardKind) is edited to show it (OutboundMessage::edit_of; where the platform
// cannot edit, the outbox posts the short ticket.card_update line instead), and every group
// that takes `t` but has no recorded card of it (a robot returns no message id) gets the
// short line.
Status UpdateTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                         int64_t now_ms);
// Posts the escalation card of `t` (now at its new tier) to every group that takes it.
Status PostEscalationCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                           int64_t now_ms);

}  // namespace linli::domain
