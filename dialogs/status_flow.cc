// 进度 /status: the sender's tickets, or one ticket with its history ("进度 12").
// Where: the resident's own list and tickets are private-only (the engine refuses them in a
// group); staff may ask "进度 12" in a (work) group and see there only the public projection
// (domain/tickets/public_ticket.h: building, category, status, public notes - never the unit,
// room, description, an internal note or a phone); in a private chat staff see it all.
#include <cstdlib>
#include <string>

#include "dialogs/flows.h"
#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "domain/tickets/public_ticket.h"
#include "storage/ticket_store.h"

namespace linli::dialogs {

namespace {

constexpr int kListLimit = 10;

std::string Location(const TurnContext& ctx, const storage::Ticket& t) {
  if (!t.building.empty()) return domain::FormatLocation(t.building, t.unit, ctx.locale());
  return t.location_text;
}

// Staff in a group: the public projection only.
Status ShowPublic(TurnContext& ctx, int64_t number) {
  LINLI_ASSIGN_OR_RETURN(auto ticket, domain::LoadPublicTicket(ctx.db(), ctx.deps(), number));
  if (!ticket) {
    ctx.Reply(ctx.T("status.not_found", {{"number", std::to_string(number)}}));
    return Status::Ok();
  }
  const std::string& tz = ctx.config().timezone;
  std::string history = ctx.T("status.history_item",
                              {{"time", domain::FormatLocalTime(ticket->created_at_ms, tz)},
                               {"event", ctx.T("ticket.event.created")}});
  for (const auto& n : ticket->public_notes) {
    std::string what = n.status.empty()
                           ? ctx.T("ticket.event." + n.kind)
                           : ctx.T("ticket.event.status", {{"status", ctx.T("ticket.status." + n.status)}});
    what += ": ";
    what += n.note;
    history += "\n";
    history += ctx.T("status.history_item", {{"time", domain::FormatLocalTime(n.at_ms, tz)}, {"event", what}});
  }
  const std::string building =
      ticket->building.empty() ? "-" : domain::FormatLocation(ticket->building, "", ctx.locale());
  ctx.Reply(ctx.T("status.detail", {{"number", std::to_string(ticket->number)},
                                    {"category", ctx.T("category." + ticket->category)},
                                    {"location", building},
                                    {"status", ctx.T("ticket.status." + storage::NameOf(ticket->status))},
                                    {"created", domain::FormatLocalTime(ticket->created_at_ms, tz)},
                                    {"history", history}}));
  return Status::Ok();
}

Status ShowOne(TurnContext& ctx, const std::string& arg) {
  char* end = nullptr;
  const long long number = std::strtoll(arg.c_str(), &end, 10);
  if (end == arg.c_str() || *end != '\0' || number <= 0) {
    ctx.Reply(ctx.T("status.bad_number"));
    return Status::Ok();
  }
  // Only staff get here from a group (FlowSpec::private_when below); checked again.
  if (ctx.in_group()) {
    if (!ctx.is_staff()) return Status::Internal("status: a resident's ticket in a group");
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
  const std::string& tz = ctx.config().timezone;
  std::string history;
  for (const auto& e : events) {
    std::string what;
    if (e.kind == "created") {
      what = ctx.T("ticket.event.created");
    } else if (e.kind == "status") {
      what = ctx.T("ticket.event.status", {{"status", ctx.T("ticket.status." + e.to_status)}});
    } else {
      what = ctx.T("ticket.event." + e.kind);
    }
    // Staff-only notes stay with staff.
    if (!e.note.empty() && (e.is_public || ctx.is_staff())) what += ": " + e.note;
    history += ctx.T("status.history_item", {{"time", domain::FormatLocalTime(e.at_ms, tz)}, {"event", what}});
    history += "\n";
  }
  if (!history.empty()) history.pop_back();
  ctx.Reply(ctx.T("status.detail", {{"number", std::to_string(ticket->number)},
                                    {"category", ctx.T("category." + ticket->category)},
                                    {"location", Location(ctx, *ticket)},
                                    {"status", ctx.T("ticket.status." + storage::NameOf(ticket->status))},
                                    {"created", domain::FormatLocalTime(ticket->created_at_ms, tz)},
                                    {"history", history}}));
  return Status::Ok();
}

Status ShowList(TurnContext& ctx) {
  LINLI_ASSIGN_OR_RETURN(auto tickets, storage::TicketStore::ListByReporter(
                                           ctx.db(), ctx.person().id, kListLimit));
  if (tickets.empty()) {
    ctx.Reply(ctx.T("status.none"));
    return Status::Ok();
  }
  std::string text = ctx.T("status.list_header");
  for (const auto& t : tickets) {
    // `text += "\n"; text += ...`, not `"\n" + ...`: GCC 12 at -O3 reports that operator+ as
    // an overlapping memcpy (-Werror=restrict false positive, GCC bug 105329).
    text += "\n";
    text += ctx.T("status.list_item", {{"number", std::to_string(t.number)},
                                       {"category", ctx.T("category." + t.category)},
                                       {"location", Location(ctx, t)},
                                       {"status", ctx.T("ticket.status." + storage::NameOf(t.status))}});
  }
  text += "\n";
  text += ctx.T("status.list_footer");
  ctx.Reply(std::move(text));
  return Status::Ok();
}

}  // namespace

FlowSpec StatusFlow() {
  FlowSpec flow;
  flow.name = "status";
  flow.where = Where::kAnywhere;
  flow.private_when = [](const TurnContext& ctx, const std::string& args) {
    return args.empty() || !ctx.is_staff();
  };
  flow.triggers = {"/status", "进度", "status", "查询", "我的报事"};
  flow.menu_label_key = "menu.status";
  flow.on_start = [](TurnContext& ctx, const std::string& args) {
    return args.empty() ? ShowList(ctx) : ShowOne(ctx, args);
  };
  return flow;
}

}  // namespace linli::dialogs
