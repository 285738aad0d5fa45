#include "domain/tickets/ticket_cards.h"

#include <string>

#include "bot/message.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "storage/card_store.h"
#include "storage/outbox_store.h"

namespace linli::domain {

namespace {

ConversationRef GroupRef(const std::string& channel, const std::string& chat_id) {
  return {channel, chat_id, chat_id, ChatType::kGroup};
}

bool TakesTicket(const config::GroupConfig& g, const storage::Ticket& t) {
  return g.Posts("tickets") && g.Serves(t.building) && g.TakesCategory(t.category);
}

// Building and unit, or the (masked) place typed when there is no building.
StatusOr<std::string> Where(storage::Database& db, const Deps& s, const std::string& locale,
                            const storage::Ticket& t) {
  if (!t.building.empty()) return FormatLocation(t.building, t.unit, locale);
  if (t.location_text.empty()) return std::string("-");
  LINLI_ASSIGN_OR_RETURN(MaskedText m, MaskForPublic(db, s.config, t.location_text));
  return std::move(m.text);
}

StatusOr<std::string> CardText(storage::Database& db, const Deps& s, const storage::Ticket& t) {
  const std::string& l = s.config.locale;
  LINLI_ASSIGN_OR_RETURN(MaskedText desc, MaskForPublic(db, s.config, t.description));
  LINLI_ASSIGN_OR_RETURN(std::string where, Where(db, s, l, t));
  return s.texts.Get(l, "ticket.card",
                     {{"number", std::to_string(t.number)},
                      {"category", s.texts.Get(l, "category." + t.category)},
                      {"location", where},
                      {"description", desc.text},
                      {"status", s.texts.Get(l, "ticket.status." + storage::NameOf(t.status))},
                      {"tier", s.texts.Get(l, "push.tier." + storage::NameOf(t.tier))}});
}

}  // namespace

Status PostTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                       int64_t now_ms) {
  bool any = false;
  for (const auto& g : s.config.groups) any = any || TakesTicket(g, t);
  if (!any) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(std::string text, CardText(db, s, t));
  for (const auto& g : s.config.groups) {
    if (!TakesTicket(g, t)) continue;
    OutboundMessage m;
    m.to = GroupRef(g.channel, g.chat_id);
    m.text = text;
    m.card_kind = kTicketCardKind;
    m.card_ref = std::to_string(t.number);
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

Status UpdateTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                         int64_t now_ms) {
  bool any = false;
  for (const auto& g : s.config.groups) any = any || TakesTicket(g, t);
  if (!any) return Status::Ok();
  const std::string& l = s.config.locale;
  LINLI_ASSIGN_OR_RETURN(std::string text, CardText(db, s, t));
  const std::string follow_up =
      s.texts.Get(l, "ticket.card_update",
                  {{"number", std::to_string(t.number)},
                   {"status", s.texts.Get(l, "ticket.status." + storage::NameOf(t.status))},
                   {"tier", s.texts.Get(l, "push.tier." + storage::NameOf(t.tier))}});
  LINLI_ASSIGN_OR_RETURN(auto cards, storage::CardStore::ForRef(db, kTicketCardKind,
                                                                std::to_string(t.number)));
  for (const auto& g : s.config.groups) {
    if (!TakesTicket(g, t)) continue;
    OutboundMessage m;
    m.to = GroupRef(g.channel, g.chat_id);
    m.text = follow_up;
    for (const auto& c : cards) {
      if (c.channel == g.channel && c.chat_id == g.chat_id) {
        m.text = text;
        m.edit_of = c.platform_message_id;
        m.follow_up = follow_up;
      }
    }
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

Status PostEscalationCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                           int64_t now_ms) {
  const std::string& l = s.config.locale;
  const std::string tier = storage::NameOf(t.tier);
  for (const auto& g : s.config.groups) {
    if (!g.Posts("escalations") || !g.TakesTier(tier) || !g.Serves(t.building)) continue;
    OutboundMessage m;
    m.to = GroupRef(g.channel, g.chat_id);
    m.text = s.texts.Get(l, "ticket.card_escalated",
                         {{"number", std::to_string(t.number)},
                          {"category", s.texts.Get(l, "category." + t.category)},
                          {"building", t.building.empty() ? std::string("-")
                                                          : FormatLocation(t.building, "", l)},
                          {"tier", s.texts.Get(l, "push.tier." + tier)}});
    m.card_kind = kTicketCardKind;
    m.card_ref = std::to_string(t.number);
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

}  // namespace linli::domain
