// Staff commands in chat (issue 4, point 4), one one-shot flow per command, Chinese and
// English: 工单 /tickets [filters] (工单 N: one whole ticket), 受理 /accept N,
// 处理 (处理中) /begin N, 备注 /note N 文字, 公开备注 /pnote N 文字, 解决 /resolve N 说明, 暂缓 /defer N 原因|计划|YYYY-MM-DD,
// 转办 /escalate N 原因, 指派 /assign N <user id>, 合并 /merge N M, 摘要 /summary N 文字 (the
// public board's summary), 工单帮助 /staffhelp.
// (/start is Telegram's greeting and a global menu command, so "start handling" is /begin.)
// The ticket actions and their words, arguments and authority are declared once in
// domain/tickets/ticket_actions.h (the admin API is built from the same list); this file turns
// each into a flow and renders the replies. In a two-way staff group the same commands run as
// replies to a ticket card without the number (issue 11: flow staff_ticket_card, entry
// card_kinds {"ticket"}). The transition, the role check and the pushes
// live in TicketService.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "dialogs/ticket_view.h"
#include "bot/text.h"
#include "domain/common/location.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/tickets/ticket_cards.h"
#include "domain/tickets/ticket_service.h"
#include "storage/ticket_store.h"

namespace linli::dialogs {

namespace {

constexpr int kStaffListLimit = 20;

using domain::ChatWords;

// Replies with the service's user-facing refusal (the same sentence the admin API answers
// with), or passes a database error up.
Status ReplyStaffError(TurnContext& ctx, const Status& st) {
  auto refusal = domain::DescribeRefusal(ctx.deps().texts, ctx.locale(), st);
  if (!refusal) return st;
  ctx.Reply(std::move(refusal->text));
  return Status::Ok();
}

// Refuses those `authority` does not allow before parsing anything (the service checks again).
StatusOr<bool> Allowed(TurnContext& ctx, domain::Authority authority = domain::Authority::kStaff) {
  if (authority == domain::Authority::kStaff && ctx.is_staff()) return true;
  LINLI_ASSIGN_OR_RETURN(bool allowed,
                         domain::Authorized(ctx.db(), ctx.deps(),
                                            domain::Actor::Person(ctx.person().id), authority));
  if (!allowed) ctx.Reply(ctx.T("staff.denied"));
  return allowed;
}

std::string Age(const TurnContext& ctx, int64_t created_ms) {
  const int64_t hours = std::max<int64_t>(0, (ctx.now_ms() - created_ms) / (3600LL * 1000));
  if (hours < 48) return ctx.T("staff.age_hours", {{"n", std::to_string(hours)}});
  return ctx.T("staff.age_days", {{"n", std::to_string(hours / 24)}});
}

bool IsNumber(const std::string& w) {
  return !w.empty() && w.size() < 18 &&
         std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "12", "#12", "＃12": a ticket number, else 0.
int64_t TicketNumberWord(const std::string& word) {
  std::string w = word;
  if (w.rfind("#", 0) == 0) w = w.substr(1);
  if (w.rfind("＃", 0) == 0) w = w.substr(std::string("＃").size());
  return IsNumber(w) ? std::stoll(w) : 0;
}

// Reads one filter word into `f`; false if it is none.
bool ReadFilter(const TurnContext& ctx, const std::string& word, storage::TicketFilter& f) {
  const std::string lower = [&] {
    std::string l = word;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  }();
  for (storage::TicketStatus status : storage::kAllTicketStatuses) {
    const std::string st = storage::NameOf(status);
    if (lower == st || word == ctx.deps().texts.Get("zh-CN", "ticket.status." + st) ||
        lower == ctx.deps().texts.Get("en", "ticket.status." + st)) {
      f.statuses.push_back(st);
      return true;
    }
  }
  if (lower == "open" || word == "未办结" || word == "未完成") return true;  // the default
  if (lower == "all" || word == "全部") {
    f.statuses.clear();
    for (storage::TicketStatus status : storage::kAllTicketStatuses) {
      f.statuses.push_back(storage::NameOf(status));
    }
    return true;
  }
  for (storage::Tier t : storage::kAllTiers) {
    const std::string tier = storage::NameOf(t);
    if (lower == tier || word == ctx.deps().texts.Get("zh-CN", "staff.tier_word." + tier)) {
      f.tier = tier;
      return true;
    }
  }
  for (const auto& c : ctx.config().categories) {
    if (lower == c || word == ctx.deps().texts.Get("zh-CN", "category." + c) ||
        lower == [&] {
          std::string l = ctx.deps().texts.Get("en", "category." + c);
          for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          return l;
        }()) {
      f.category = c;
      return true;
    }
  }
  // A building, named as one: "3号楼", "3栋", "b3" - a bare "3" is ticket #3 (工单 N), and
  // "楼 3" / "building 3" is read by ListTickets.
  if (IsNumber(word)) return false;
  const domain::ParsedLocation loc = domain::ParseLocation(word, ctx.config().compound);
  if (loc.result == domain::ParsedLocation::Result::kOk && !loc.building.empty() &&
      loc.unit.empty()) {
    f.building = loc.building;
    return true;
  }
  return false;
}

// The building, or a configured public place (never a resident-typed text).
std::string BuildingOrPlace(const TurnContext& ctx, const storage::Ticket& t) {
  if (!t.building.empty()) return domain::FormatLocation(t.building, "", ctx.locale());
  for (const auto& p : ctx.config().compound.places) {
    if (p.label == t.location_text) return p.label;
  }
  return "-";
}

Status ListTickets(TurnContext& ctx, const std::string& args) {
  const std::vector<std::string> words = ChatWords(args);
  // 工单 N: one whole ticket (as 进度 N).
  if (words.size() == 1) {
    if (const int64_t number = TicketNumberWord(words[0]); number > 0) {
      return ShowTicket(ctx, number);
    }
  }
  storage::TicketFilter filter;
  filter.limit = kStaffListLimit;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    // "楼 3", "building 3": the building filter, by an explicit word.
    std::string lower = w;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((w == "楼" || w == "楼号" || lower == "building" || lower == "bldg") && i + 1 < words.size()) {
      const domain::ParsedLocation loc =
          domain::ParseLocation(words[i + 1], ctx.config().compound);
      if (loc.result == domain::ParsedLocation::Result::kOk && !loc.building.empty() &&
          loc.unit.empty()) {
        filter.building = loc.building;
        ++i;
        continue;
      }
      ctx.Reply(ctx.T("staff.bad_filter", {{"word", w + " " + words[i + 1]}}) + "\n" +
                ctx.T("staff.usage.tickets"));
      return Status::Ok();
    }
    if (!ReadFilter(ctx, w, filter)) {
      ctx.Reply(ctx.T("staff.bad_filter", {{"word", w}}) + "\n" + ctx.T("staff.usage.tickets"));
      return Status::Ok();
    }
  }
  if (filter.statuses.empty()) {  // open: all but resolved and closed
    using storage::TicketStatus;
    for (TicketStatus st : {TicketStatus::kNew, TicketStatus::kAccepted, TicketStatus::kInProgress,
                            TicketStatus::kDeferred, TicketStatus::kEscalated,
                            TicketStatus::kReopened}) {
      filter.statuses.push_back(storage::NameOf(st));
    }
  }
  LINLI_ASSIGN_OR_RETURN(auto tickets, storage::TicketStore::List(ctx.db(), filter));
  if (tickets.empty()) {
    ctx.Reply(ctx.T("staff.list_none"));
    return Status::Ok();
  }
  std::string text = ctx.T("staff.list_header", {{"count", std::to_string(tickets.size())}});
  for (const auto& t : tickets) {
    // Never the reporter, unit or room: staff groups may read this.
    text += "\n" + ctx.T("staff.list_item",
                         {{"number", std::to_string(t.number)},
                          {"category", ctx.T("category." + t.category)},
                          {"building", BuildingOrPlace(ctx, t)},
                          {"status", ctx.T("ticket.status." + storage::NameOf(t.status))},
                          {"age", Age(ctx, t.created_at_ms)},
                          {"tier", ctx.T("push.tier." + storage::NameOf(t.tier))}});
  }
  if (static_cast<int>(tickets.size()) >= kStaffListLimit) text += "\n" + ctx.T("staff.list_more");
  ctx.Reply(std::move(text));
  return Status::Ok();
}

std::string PhotoOf(const TurnContext& ctx) {
  for (const auto& a : ctx.in().attachments) {
    if (a.kind == Attachment::Kind::kPhoto) return a.ref;
  }
  return "";
}

// Runs chat command `command` of `action` on ticket `number` with `rest` as its arguments:
// refuses those its authority does not allow, reads the arguments (usage hint on error), runs
// the action (TicketService applies the tier table for the sender and tells the reporter
// privately), replies with the command's done key (args: number, status, tier, rest), plus the
// staff.masked line when its published text will be masked.
Status RunCommand(TurnContext& ctx, const domain::TicketAction& action,
                  const domain::ChatCommand& command, int64_t number, const std::string& rest) {
  LINLI_ASSIGN_OR_RETURN(bool allowed, Allowed(ctx, action.authority));
  if (!allowed) return Status::Ok();
  if (number <= 0) {
    ctx.Reply(ctx.T(command.usage_key));
    return Status::Ok();
  }
  auto args = domain::ArgsFromChat(action, command, rest, PhotoOf(ctx));
  if (!args.ok()) return ReplyStaffError(ctx, args.status());
  auto result = action.run(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), number,
                           *args, ctx.now_ms());
  if (!result.ok()) return ReplyStaffError(ctx, result.status());
  LINLI_ASSIGN_OR_RETURN(bool masked,
                         domain::MaskedOnPublication(ctx.db(), ctx.deps(), action, *args));
  // A tier move tells the truth about who was notified (issue 11): how many staff of the
  // new tier, or that none is configured there (the ticket moved all the same).
  const int notified = domain::TicketService::StaffCountAtTier(ctx.config(), result->tier);
  const std::string done_key = action.name == "escalate" && notified == 0
                                   ? std::string("staff.done.escalate_nobody")
                                   : command.done_key;
  std::string reply = ctx.T(done_key,
                            {{"number", std::to_string(result->number)},
                             {"status", ctx.T("ticket.status." + storage::NameOf(result->status))},
                             {"tier", ctx.T("push.tier." + storage::NameOf(result->tier))},
                             {"notified", std::to_string(notified)},
                             {"rest", rest}});
  // What staff typed is published masked: they are told so.
  if (masked) reply += "\n" + ctx.T("staff.masked");
  ctx.Reply(reply);
  return Status::Ok();
}

// The chat command "<word> N [arguments]" of `action` (RunCommand).
FlowSpec Command(const domain::TicketAction& action, const domain::ChatCommand& command) {
  FlowSpec flow;
  flow.name = command.flow;
  // Staff work groups: the replies name the number, status and tier only (and echo what the
  // staff member typed there).
  flow.where = Where::kAnywhere;
  flow.triggers = command.words;
  flow.on_start = [&action, &command](TurnContext& ctx, const std::string& text) -> Status {
    auto [number, rest] = domain::NumberAndRest(text);
    return RunCommand(ctx, action, command, number, rest);
  };
  return flow;
}

// "受理", "/accept", "/accept@linli_bot", "Accept" -> the form the chat words are declared in
// ("受理", "/accept"); the bare English word gets its "/".
std::string CommandWord(std::string word) {
  if (const size_t at = word.find('@'); at != std::string::npos && word.rfind("/", 0) == 0) {
    word = word.substr(0, at);
  }
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

bool IsViewWord(const std::string& w) {
  return w == "工单" || w == "进度" || w == "/tickets" || w == "tickets" || w == "/status" ||
         w == "status";
}

// A reply to a ticket card (domain/tickets/ticket_cards.h) in a staff group, the card's ticket
// being `number`: its first word is one of the ticket actions' chat words (with or without the
// leading "/"), the rest its arguments - run as that command on the card's ticket, with the
// authority and tier table checked for the sender (a non-staff or wrong-tier reply is refused
// in the group: the refusal names the ticket's number, status or tier only). 工单 / 进度 shows the
// ticket (dialogs/ticket_view.h). Anything else: the card_unknown hint to staff; chatter of
// others is ignored.
Status RunCardReply(TurnContext& ctx, int64_t number, const std::string& reply) {
  const std::string text = TrimText(reply);
  const std::vector<std::string> words = ChatWords(text);
  if (words.empty() || number <= 0) return Status::Ok();
  const std::string word = CommandWord(words[0]);
  const std::string rest = TrimText(text.substr(text.find(words[0]) + words[0].size()));
  for (const auto& action : domain::TicketActions()) {
    for (const auto& command : action.chat) {
      for (const auto& w : command.words) {
        if (w == word || w == "/" + word) return RunCommand(ctx, action, command, number, rest);
      }
    }
  }
  LINLI_ASSIGN_OR_RETURN(bool staff,
                         ctx.is_staff() ? StatusOr<bool>(true)
                                        : domain::Authorized(ctx.db(), ctx.deps(),
                                                             domain::Actor::Person(ctx.person().id),
                                                             domain::Authority::kStaff));
  if (!staff) return Status::Ok();
  if (IsViewWord(word)) return ShowTicket(ctx, number);
  ctx.Reply(ctx.T("ticket.card_unknown"));
  return Status::Ok();
}

FlowSpec CardReplyFlow() {
  FlowSpec flow;
  flow.name = "staff_ticket_card";
  // Staff work groups: the replies name the number, status and tier only (RunCardReply).
  flow.where = Where::kAnywhere;
  flow.entry.card_kinds = {domain::kTicketCardKind};
  flow.on_entry = [](TurnContext& ctx, const Entry& entry, Slots&) -> StatusOr<std::string> {
    LINLI_RETURN_IF_ERROR(RunCardReply(ctx, domain::ParseTicketNumber(entry.ref), entry.value));
    return std::string();
  };
  return flow;
}

}  // namespace

std::vector<FlowSpec> StaffFlows() {
  std::vector<FlowSpec> flows;

  FlowSpec list;
  list.name = "staff_tickets";
  list.where = Where::kAnywhere;  // building level only (ListTickets)
  list.triggers = {"/tickets", "工单", "tickets", "工单列表"};
  list.on_start = [](TurnContext& ctx, const std::string& args) -> Status {
    LINLI_ASSIGN_OR_RETURN(bool allowed, Allowed(ctx));
    if (!allowed) return Status::Ok();
    return ListTickets(ctx, args);
  };
  flows.push_back(std::move(list));

  FlowSpec help;
  help.name = "staff_help";
  help.where = Where::kAnywhere;
  help.triggers = {"/staffhelp", "工单帮助", "staffhelp"};
  help.on_start = [](TurnContext& ctx, const std::string&) -> Status {
    LINLI_ASSIGN_OR_RETURN(bool allowed, Allowed(ctx));
    if (allowed) ctx.Reply(ctx.T("staff.help"));
    return Status::Ok();
  };
  flows.push_back(std::move(help));

  // One command per chat command of each ticket action (domain/tickets/ticket_actions.h). The
  // list is static, so the references the flows keep stay valid.
  for (const auto& action : domain::TicketActions()) {
    for (const auto& command : action.chat) flows.push_back(Command(action, command));
  }
  flows.push_back(CardReplyFlow());
  return flows;
}

}  // namespace linli::dialogs
