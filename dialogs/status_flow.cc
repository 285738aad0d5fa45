// 进度 /status: the sender's tickets, or one ticket with its history ("进度 12").
// Where: the resident's own list and tickets are private-only (the engine refuses them in a
// group); staff may ask "进度 12" in a group and see there only the public projection
// (domain/tickets/public_ticket.h: building, category, status, public notes - never the unit,
// room, description, an internal note or a phone) - in a staff work group (posts "tickets" or
// "escalations") what its cards show plus the masked staff history; in a private chat staff
// see it all (dialogs/ticket_view.h).
#include <cstdlib>
#include <string>

#include "dialogs/flows.h"
#include "dialogs/ticket_view.h"
#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "domain/tickets/public_ticket.h"
#include "storage/ticket_store.h"

namespace linli::dialogs {

namespace {

constexpr int kStatusListLimit = 10;

std::string Location(const TurnContext& ctx, const storage::Ticket& t) {
  if (!t.building.empty()) return domain::FormatLocation(t.building, t.unit, ctx.locale());
  return t.location_text;
}

Status ShowOne(TurnContext& ctx, const std::string& arg) {
  char* end = nullptr;
  const long long number = std::strtoll(arg.c_str(), &end, 10);
  if (end == arg.c_str() || *end != '\0' || number <= 0) {
    ctx.Reply(ctx.T("status.bad_number"));
    return Status::Ok();
  }
  // Only staff get here from a group (FlowSpec::private_when below); checked again there.
  return ShowTicket(ctx, number);
}

Status ShowList(TurnContext& ctx) {
  LINLI_ASSIGN_OR_RETURN(auto tickets, storage::TicketStore::ListByReporter(
                                           ctx.db(), ctx.person().id, kStatusListLimit));
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
