#include "dialogs/ticket_view.h"

#include <string>

#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "domain/tickets/public_ticket.h"
#include "domain/tickets/ticket_cards.h"
#include "domain/tickets/ticket_history.h"
#include "storage/ticket_store.h"

namespace linli::dialogs {

namespace {

std::string JoinHistory(const TurnContext& ctx, const std::vector<domain::HistoryLine>& lines) {
  const std::string& tz = ctx.config().timezone;
  std::string history;
  for (const auto& l : lines) {
    if (!history.empty()) history += "\n";
    history += ctx.T("status.history_item",
                     {{"time", domain::FormatLocalTime(l.at_ms, tz)}, {"event", l.text}});
  }
  return history;
}

// Staff in a group: the public projection only.
Status ShowPublic(TurnContext& ctx, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto ticket, domain::LoadPublicTicket(ctx.db(), ctx.deps(), number));
  if (!ticket) {
    ctx.Reply(ctx.T("status.not_found", {{"number", std::to_string(number)}}));
    return Status::Ok();
  }
  // The public notes as events, worded as for residents.
  std::vector<storage::TicketEvent> events;
  storage::TicketEvent created;
  created.kind = "created";
  created.at_ms = ticket->created_at_ms;
  events.push_back(created);
  for (const auto& n : ticket->public_notes) {
    storage::TicketEvent e;
    e.at_ms = n.at_ms;
    e.kind = n.status.empty() ? "note" : "status";
    e.from_status = n.status.empty() ? "" : "-";
    e.to_status = n.status;
    e.note = n.note;
    e.is_public = true;
    events.push_back(std::move(e));
  }
  const std::string history = JoinHistory(
      ctx, domain::HistoryLines(ctx.deps().texts, ctx.locale(), events,
                                domain::HistoryAudience::kResident));
  const std::string building =
      ticket->building.empty() ? "-" : domain::FormatLocation(ticket->building, "", ctx.locale());
  const std::string& tz = ctx.config().timezone;
  ctx.Reply(ctx.T("status.detail", {{"number", std::to_string(ticket->number)},
                                    {"category", ctx.T("category." + ticket->category)},
                                    {"location", building},
                                    {"status", ctx.T("ticket.status." + storage::NameOf(ticket->status))},
                                    {"created", domain::FormatLocalTime(ticket->created_at_ms, tz)},
                                    {"history", history}}));
  return Status::Ok();
}

// The whole location for the reporter and staff: building, unit and room, or the place.
std::string FullLocation(const TurnContext& ctx, const storage::Ticket& t) {
  if (t.building.empty()) return t.location_text.empty() ? "-" : t.location_text;
  const std::string room = domain::RoomOf(t.location_text, ctx.config().compound);
  return domain::FormatLocationWithRoom(t.building, t.unit, room, ctx.locale());
}

// Whether this group is a staff work group: a configured group that is posted ticket or
// escalation cards (config groups[].posts "tickets" / "escalations").
bool InStaffGroup(const TurnContext& ctx) {
  const ConversationRef& c = ctx.in().conversation;
  for (const auto& g : ctx.config().groups) {
    if (g.channel == c.channel && g.chat_id == c.chat_id &&
        (g.Posts("tickets") || g.Posts("escalations"))) {
      return true;
    }
  }
  return false;
}

// Staff in a staff work group: the whole ticket as its card shows it (building and unit, the
// description and the staff history through the masking module, whether there is a photo -
// never the reporter, the room or the platform file id).
Status ShowInStaffGroup(TurnContext& ctx, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto ticket, storage::TicketStore::FindByNumber(ctx.db(), number));
  if (!ticket) {
    ctx.Reply(ctx.T("status.not_found", {{"number", std::to_string(number)}}));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(domain::TicketCard card,
                         domain::PrepareTicketCard(ctx.db(), ctx.deps(), *ticket));
  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(ctx.db(), ticket->id));
  std::vector<domain::HistoryLine> lines = domain::HistoryLines(
      ctx.deps().texts, ctx.locale(), events, domain::HistoryAudience::kStaff);
  for (auto& l : lines) {
    LINLI_ASSIGN_OR_RETURN(domain::MaskedText m, domain::MaskForPublic(ctx.db(), ctx.config(), l.text));
    l.text = std::move(m.text);
  }
  const std::string& tz = ctx.config().timezone;
  const std::string n = std::to_string(ticket->number);
  ctx.Reply(ctx.T("status.detail_staff",
                  {{"number", n},
                   {"category", ctx.T("category." + ticket->category)},
                   {"location", card.location},
                   {"status", ctx.T("ticket.status." + storage::NameOf(ticket->status))},
                   {"tier", ctx.T("push.tier." + storage::NameOf(ticket->tier))},
                   {"created", domain::FormatLocalTime(ticket->created_at_ms, tz)},
                   {"description", card.description.empty() ? std::string("-") : card.description},
                   {"photo", card.photo_ref.empty() ? ctx.T("status.photo_none")
                                                    : ctx.T("status.photo_group", {{"number", n}})},
                   {"history", JoinHistory(ctx, lines)}}));
  return Status::Ok();
}

}  // namespace

Status ShowTicket(TurnContext& ctx, int64_t number) {
  if (ctx.in_group()) {
    if (!ctx.is_staff()) return Status::Internal("ticket view: a resident's ticket in a group");
    if (InStaffGroup(ctx)) return ShowInStaffGroup(ctx, number);
    return ShowPublic(ctx, number);
  }
  LINLI_ASSIGN_OR_RETURN(auto ticket, storage::TicketStore::FindByNumber(ctx.db(), number));
  // Residents see only their own tickets; "not found" either way, so numbers leak nothing.
  if (!ticket || (ticket->reporter_person_id != ctx.person().id && !ctx.is_staff())) {
    ctx.Reply(ctx.T("status.not_found", {{"number", std::to_string(number)}}));
    return Status::Ok();
  }
  // The reporter follows this ticket from here now: its pushes come to this channel.
  const std::string& channel = ctx.in().conversation.channel;
  if (ticket->reporter_person_id == ctx.person().id && ticket->notify_channel != channel) {
    LINLI_RETURN_IF_ERROR(storage::TicketStore::SetNotifyChannel(ctx.db(), ticket->id, channel));
  }
  LINLI_ASSIGN_OR_RETURN(auto events, storage::TicketStore::Events(ctx.db(), ticket->id));
  const bool staff = ctx.is_staff();
  const std::string history = JoinHistory(
      ctx, domain::HistoryLines(ctx.deps().texts, ctx.locale(), events,
                                staff ? domain::HistoryAudience::kStaff
                                      : domain::HistoryAudience::kResident));
  const std::string& tz = ctx.config().timezone;
  config::TextArgs args = {{"number", std::to_string(ticket->number)},
                           {"category", ctx.T("category." + ticket->category)},
                           {"location", FullLocation(ctx, *ticket)},
                           {"status", ctx.T("ticket.status." + storage::NameOf(ticket->status))},
                           {"created", domain::FormatLocalTime(ticket->created_at_ms, tz)},
                           {"history", history}};
  if (!staff) {
    ctx.Reply(ctx.T("status.detail", args));
    return Status::Ok();
  }
  args["tier"] = ctx.T("push.tier." + storage::NameOf(ticket->tier));
  args["description"] = ticket->description;
  args["photo"] = ticket->photo_ref.empty() ? ctx.T("status.photo_none")
                                            : ctx.T("status.photo_ref", {{"ref", ticket->photo_ref}});
  ctx.Reply(ctx.T("status.detail_staff", args));
  return Status::Ok();
}

}  // namespace linli::dialogs
