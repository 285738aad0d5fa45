#include "domain/tickets/ticket_cards.h"

#include <set>
#include <string>
#include <utility>

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

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The card as a message to group `g`: text only (it is edited as the ticket moves); the text
// says whether a photo exists, and the photo follows as a reply (ticket_photos.h).
OutboundMessage CardMessage(const config::GroupConfig& g, const storage::Ticket& t,
                            std::string text) {
  OutboundMessage m;
  m.to = GroupRef(g.channel, g.chat_id);
  m.text = std::move(text);
  m.card_kind = kTicketCardKind;
  m.card_ref = std::to_string(t.number);
  return m;
}

std::string UpdateLine(const config::Texts& texts, const std::string& l, const storage::Ticket& t) {
  return texts.Get(l, "ticket.card_update",
                   {{"number", std::to_string(t.number)},
                    {"status", texts.Get(l, "ticket.status." + storage::NameOf(t.status))},
                    {"tier", texts.Get(l, "push.tier." + storage::NameOf(t.tier))}});
}

}  // namespace

bool SendOnlyChannel(const config::Config& config, const std::string& channel) {
  for (const auto& c : config.channels) {
    if (c.name == channel) return EndsWith(c.type, "_robot");
  }
  return true;
}

std::string CardLocation(const config::Config& config, const std::string& locale,
                         const storage::Ticket& t) {
  if (!t.building.empty()) return FormatLocation(t.building, t.unit, locale);
  for (const auto& p : config.compound.places) {
    if (!t.location_text.empty() && p.label == t.location_text) return p.label;
  }
  return "-";
}

std::string RenderTicketCard(const config::Texts& texts, const std::string& l,
                             const storage::Ticket& t, const TicketCard& card, bool two_way) {
  const std::string number = std::to_string(t.number);
  std::string text = card.header.empty() ? "" : card.header + "\n";
  text += texts.Get(
      l, "ticket.card",
      {{"number", number},
       {"category", texts.Get(l, "category." + t.category)},
       {"location", card.location},
       {"description", card.description.empty() ? std::string("-") : card.description},
       {"photo", card.photo_ref.empty()
                     ? texts.Get(l, "ticket.card_photo_none")
                     : texts.Get(l, two_way ? "ticket.card_photo_yes" : "ticket.card_photo_yes_robot",
                                 {{"number", number}})},
       {"status", texts.Get(l, "ticket.status." + storage::NameOf(t.status))},
       {"tier", texts.Get(l, "push.tier." + storage::NameOf(t.tier))}});
  text += "\n" + texts.Get(l, two_way ? "ticket.card_hint_reply" : "ticket.card_hint_robot",
                           {{"number", number}});
  return text;
}

StatusOr<TicketCard> PrepareTicketCard(storage::Database& db, const Deps& s,
                                       const storage::Ticket& t) {
  TicketCard card;
  LINLI_ASSIGN_OR_RETURN(MaskedText desc, MaskForPublic(db, s.config, t.description));
  card.description = std::move(desc.text);
  card.location = CardLocation(s.config, s.config.locale, t);
  card.photo_ref = t.photo_ref;
  return card;
}

bool TakesTicketCard(const config::GroupConfig& g, const storage::Ticket& t) {
  return g.Posts("tickets") && g.Serves(t.building) && g.TakesCategory(t.category);
}

bool TakesEscalationCard(const config::GroupConfig& g, const storage::Ticket& t) {
  return g.Posts("escalations") && g.Serves(t.building) && g.TakesTier(storage::NameOf(t.tier));
}

Status PostTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                       int64_t now_ms) {
  bool any = false;
  for (const auto& g : s.config.groups) any = any || TakesTicketCard(g, t);
  if (!any) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(TicketCard card, PrepareTicketCard(db, s, t));
  for (const auto& g : s.config.groups) {
    if (!TakesTicketCard(g, t)) continue;
    const bool two_way = !SendOnlyChannel(s.config, g.channel);
    OutboundMessage m =
        CardMessage(g, t, RenderTicketCard(s.texts, s.config.locale, t, card, two_way));
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

Status UpdateTicketCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                         int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto cards, storage::CardStore::ForRef(db, kTicketCardKind, std::to_string(t.number)));
  bool any = !cards.empty();
  for (const auto& g : s.config.groups) any = any || TakesTicketCard(g, t);
  if (!any) return Status::Ok();
  const std::string& l = s.config.locale;
  const std::string follow_up = UpdateLine(s.texts, l, t);
  LINLI_ASSIGN_OR_RETURN(TicketCard card, PrepareTicketCard(db, s, t));
  std::set<std::pair<std::string, std::string>> edited;  // (channel, chat_id)
  for (const auto& c : cards) {
    OutboundMessage m;
    m.to = GroupRef(c.channel, c.chat_id);
    m.text = RenderTicketCard(s.texts, l, t, card, !SendOnlyChannel(s.config, c.channel));
    m.edit_of = c.platform_message_id;
    m.follow_up = follow_up;
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
    edited.insert({c.channel, c.chat_id});
  }
  for (const auto& g : s.config.groups) {
    if (!TakesTicketCard(g, t) || edited.count({g.channel, g.chat_id}) > 0) continue;
    OutboundMessage m;
    m.to = GroupRef(g.channel, g.chat_id);
    m.text = follow_up;
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

Status PostEscalationCards(storage::Database& db, const Deps& s, const storage::Ticket& t,
                           int64_t now_ms) {
  bool any = false;
  for (const auto& g : s.config.groups) any = any || TakesEscalationCard(g, t);
  if (!any) return Status::Ok();
  const std::string& l = s.config.locale;
  LINLI_ASSIGN_OR_RETURN(TicketCard card, PrepareTicketCard(db, s, t));
  card.header = s.texts.Get(l, "ticket.card_escalated",
                            {{"number", std::to_string(t.number)},
                             {"tier", s.texts.Get(l, "push.tier." + storage::NameOf(t.tier))}});
  for (const auto& g : s.config.groups) {
    if (!TakesEscalationCard(g, t)) continue;
    const bool two_way = !SendOnlyChannel(s.config, g.channel);
    OutboundMessage m = CardMessage(g, t, RenderTicketCard(s.texts, l, t, card, two_way));
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  }
  return Status::Ok();
}

}  // namespace linli::domain
