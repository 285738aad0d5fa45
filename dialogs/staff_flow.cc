// Staff commands in chat (issue 4, point 4), one one-shot flow per command, Chinese and
// English: 工单 /tickets [filters], 受理 /accept N, 处理 /begin N, 备注 /note N 文字,
// 公开备注 /pnote N 文字, 解决 /resolve N 说明, 暂缓 /defer N 原因|计划|YYYY-MM-DD,
// 转办 /escalate N 原因, 指派 /assign N <user id>, 合并 /merge N M, 摘要 /summary N 文字 (the
// public board's summary), 工单帮助 /staffhelp.
// (/start is Telegram's greeting and a global menu command, so "start handling" is /begin.)
// Parsing and the reply live here; the transition, the role check and the pushes live in
// TicketService, so the admin API gets the same rules.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/common/location.h"
#include "domain/tickets/ticket_service.h"
#include "storage/ticket_store.h"

namespace linli::dialogs {

namespace {

constexpr int kListLimit = 20;

// Splits on ASCII and full-width spaces.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      ++i;
    } else if (text.compare(i, 3, "\u3000") == 0) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      i += 3;
    } else {
      cur.push_back(text[i++]);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// "12", "#12", "＃12", "１２" -> 12; 0 if not a ticket number.
int64_t ParseNumber(std::string s) {
  if (s.rfind("#", 0) == 0) s = s.substr(1);
  if (s.rfind("＃", 0) == 0) s = s.substr(3);
  std::string digits;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= '0' && c <= '9') {
      digits.push_back(static_cast<char>(c));
      ++i;
    } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
               static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(s[i + 2]) <= 0x99) {
      digits.push_back(static_cast<char>('0' + static_cast<unsigned char>(s[i + 2]) - 0x90));
      i += 3;
    } else {
      return 0;
    }
  }
  if (digits.empty() || digits.size() > 12) return 0;
  return std::stoll(digits);
}

// "N rest of the text": the number and the rest (trimmed). number 0 if missing/malformed.
// Also accepts the number glued to the text after it ("12 已派人" only; "12已派人" is not).
std::pair<int64_t, std::string> NumberAndRest(const std::string& args) {
  const std::string t = TrimText(args);
  size_t end = 0;
  while (end < t.size() && t[end] != ' ' && t[end] != '\t' && t.compare(end, 3, "\u3000") != 0) ++end;
  return {ParseNumber(t.substr(0, end)), TrimText(t.substr(end))};
}

// Replies with the service's user-facing error, or passes a database error up.
Status ReplyError(TurnContext& ctx, const Status& st) {
  const std::string key = domain::TicketService::ErrorKey(st);
  if (key.empty()) return st;
  TextArgs args = domain::TicketService::ErrorArgs(st);
  if (auto it = args.find("status"); it != args.end()) it->second = ctx.T("ticket.status." + it->second);
  ctx.Reply(ctx.T(key, args));
  return Status::Ok();
}

// Refuses non-staff before parsing anything (the service checks again).
StatusOr<bool> Allowed(TurnContext& ctx) {
  if (ctx.is_staff()) return true;
  LINLI_ASSIGN_OR_RETURN(bool staff,
                         domain::TicketService::IsStaff(ctx.db(), ctx.config(), ctx.person().id));
  if (!staff) ctx.Reply(ctx.T("staff.denied"));
  return staff;
}

std::string Age(const TurnContext& ctx, int64_t created_ms) {
  const int64_t hours = std::max<int64_t>(0, (ctx.now_ms() - created_ms) / (3600LL * 1000));
  if (hours < 48) return ctx.T("staff.age_hours", {{"n", std::to_string(hours)}});
  return ctx.T("staff.age_days", {{"n", std::to_string(hours / 24)}});
}

const std::vector<std::string>& AllStatuses() {
  static const auto* const k = new std::vector<std::string>{
      "new", "accepted", "in_progress", "resolved", "closed", "deferred", "escalated", "reopened"};
  return *k;
}

// Reads one filter word into `f`; false if it is none.
bool ReadFilter(const TurnContext& ctx, const std::string& word, storage::TicketFilter& f) {
  const std::string lower = [&] {
    std::string l = word;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  }();
  for (const auto& st : AllStatuses()) {
    if (lower == st || word == ctx.deps().texts.Get("zh-CN", "ticket.status." + st) ||
        lower == ctx.deps().texts.Get("en", "ticket.status." + st)) {
      f.statuses.push_back(st);
      return true;
    }
  }
  if (lower == "open" || word == "未办结" || word == "未完成") return true;  // the default
  if (lower == "all" || word == "全部") {
    f.statuses = AllStatuses();
    return true;
  }
  for (const auto& tier : domain::TicketService::Tiers()) {
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
  // A building: "3号楼", "3栋", "3", "b3".
  const domain::ParsedLocation loc = domain::ParseLocation(word, ctx.config().compound);
  if (loc.result == domain::ParsedLocation::Result::kOk && loc.unit.empty()) {
    f.building = loc.building;
    return true;
  }
  return false;
}

Status ListTickets(TurnContext& ctx, const std::string& args) {
  storage::TicketFilter filter;
  filter.limit = kListLimit;
  for (const auto& w : Words(args)) {
    if (!ReadFilter(ctx, w, filter)) {
      ctx.Reply(ctx.T("staff.bad_filter", {{"word", w}}) + "\n" + ctx.T("staff.usage.tickets"));
      return Status::Ok();
    }
  }
  if (filter.statuses.empty()) {
    filter.statuses = {"new", "accepted", "in_progress", "deferred", "escalated", "reopened"};
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
                          {"building", t.building.empty() ? "-" : domain::FormatLocation(t.building, "", ctx.locale())},
                          {"status", ctx.T("ticket.status." + t.status)},
                          {"age", Age(ctx, t.created_at_ms)},
                          {"tier", ctx.T("push.tier." + t.tier)}});
  }
  if (static_cast<int>(tickets.size()) >= kListLimit) text += "\n" + ctx.T("staff.list_more");
  ctx.Reply(std::move(text));
  return Status::Ok();
}

using Action = std::function<StatusOr<storage::Ticket>(TurnContext&, domain::Actor, int64_t number,
                                                       const std::string& rest)>;

// A command "<trigger> N [rest]": refuses non-staff, checks syntax (usage hint on error),
// runs `action`, replies with `done_key` (args: number, status, tier, rest).
FlowSpec Command(std::string name, std::vector<std::string> triggers, std::string usage_key,
                 bool rest_required, std::string done_key, Action action) {
  FlowSpec flow;
  flow.name = std::move(name);
  flow.triggers = std::move(triggers);
  flow.on_start = [usage_key, rest_required, done_key, action](TurnContext& ctx,
                                                              const std::string& args) -> Status {
    LINLI_ASSIGN_OR_RETURN(bool allowed, Allowed(ctx));
    if (!allowed) return Status::Ok();
    auto [number, rest] = NumberAndRest(args);
    if (number <= 0 || (rest_required && rest.empty())) {
      ctx.Reply(ctx.T(usage_key));
      return Status::Ok();
    }
    auto result = action(ctx, domain::Actor::Person(ctx.person().id), number, rest);
    if (!result.ok()) return ReplyError(ctx, result.status());
    ctx.Reply(ctx.T(done_key, {{"number", std::to_string(result->number)},
                               {"status", ctx.T("ticket.status." + result->status)},
                               {"tier", ctx.T("push.tier." + result->tier)},
                               {"rest", rest}}));
    return Status::Ok();
  };
  return flow;
}

std::string PhotoOf(const TurnContext& ctx) {
  for (const auto& a : ctx.in().attachments) {
    if (a.kind == Attachment::Kind::kPhoto) return a.ref;
  }
  return "";
}

// "原因|计划|日期" split on | or ｜ (or ；).
std::vector<std::string> SplitBars(const std::string& s) {
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '|') {
      parts.push_back(TrimText(cur));
      cur.clear();
      ++i;
    } else if (s.compare(i, 3, "｜") == 0 || s.compare(i, 3, "；") == 0) {
      parts.push_back(TrimText(cur));
      cur.clear();
      i += 3;
    } else {
      cur.push_back(s[i++]);
    }
  }
  parts.push_back(TrimText(cur));
  return parts;
}

}  // namespace

std::vector<FlowSpec> StaffFlows() {
  std::vector<FlowSpec> flows;

  FlowSpec list;
  list.name = "staff_tickets";
  list.triggers = {"/tickets", "工单", "tickets", "工单列表"};
  list.on_start = [](TurnContext& ctx, const std::string& args) -> Status {
    LINLI_ASSIGN_OR_RETURN(bool allowed, Allowed(ctx));
    if (!allowed) return Status::Ok();
    return ListTickets(ctx, args);
  };
  flows.push_back(std::move(list));

  FlowSpec help;
  help.name = "staff_help";
  help.triggers = {"/staffhelp", "工单帮助", "staffhelp"};
  help.on_start = [](TurnContext& ctx, const std::string&) -> Status {
    LINLI_ASSIGN_OR_RETURN(bool allowed, Allowed(ctx));
    if (allowed) ctx.Reply(ctx.T("staff.help"));
    return Status::Ok();
  };
  flows.push_back(std::move(help));

  flows.push_back(Command("staff_accept", {"/accept", "受理", "接单"}, "staff.usage.accept", false,
                          "staff.done.status",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string&) {
                            return domain::TicketService::Accept(ctx.db(), ctx.deps(), a, n,
                                                         ctx.now_ms());
                          }));
  flows.push_back(Command("staff_begin", {"/begin", "处理", "开始处理"}, "staff.usage.begin", false,
                          "staff.done.status",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string&) {
                            return domain::TicketService::Start(ctx.db(), ctx.deps(), a, n,
                                                        ctx.now_ms());
                          }));
  flows.push_back(Command("staff_note", {"/note", "备注"}, "staff.usage.note", true,
                          "staff.done.note",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) {
                            return domain::TicketService::AddNote(ctx.db(), ctx.deps(), a, n, rest,
                                                          false, PhotoOf(ctx), ctx.now_ms());
                          }));
  flows.push_back(Command("staff_pnote", {"/pnote", "公开备注"}, "staff.usage.pnote", true,
                          "staff.done.pnote",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) {
                            return domain::TicketService::AddNote(ctx.db(), ctx.deps(), a, n, rest,
                                                          true, PhotoOf(ctx), ctx.now_ms());
                          }));
  flows.push_back(Command("staff_resolve", {"/resolve", "解决", "办结"}, "staff.usage.resolve", true,
                          "staff.done.resolve",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) {
                            return domain::TicketService::Resolve(ctx.db(), ctx.deps(), a, n, rest,
                                                          ctx.now_ms());
                          }));
  flows.push_back(Command(
      "staff_defer", {"/defer", "暂缓"}, "staff.usage.defer", true, "staff.done.defer",
      [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) -> StatusOr<storage::Ticket> {
        const auto parts = SplitBars(rest);
        if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
          return Status(StatusCode::kInvalidArgument, "staff.usage.defer");
        }
        return domain::TicketService::Defer(ctx.db(), ctx.deps(), a, n, parts[0], parts[1], parts[2],
                                    ctx.now_ms());
      }));
  flows.push_back(Command("staff_escalate", {"/escalate", "转办"}, "staff.usage.escalate",
                          true, "staff.done.escalate",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) {
                            return domain::TicketService::Escalate(ctx.db(), ctx.deps(), a, n, rest,
                                                           ctx.now_ms());
                          }));
  flows.push_back(Command("staff_assign", {"/assign", "指派"}, "staff.usage.assign", true,
                          "staff.done.assign",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest)
                              -> StatusOr<storage::Ticket> {
                            const auto words = Words(rest);
                            if (words.size() != 1) {
                              return Status(StatusCode::kInvalidArgument, "staff.usage.assign");
                            }
                            return domain::TicketService::Assign(ctx.db(), ctx.deps(), a, n, words[0],
                                                         ctx.now_ms());
                          }));
  flows.push_back(Command("staff_summary", {"/summary", "摘要", "公开摘要"}, "staff.usage.summary",
                          true, "staff.done.summary",
                          [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) {
                            return domain::TicketService::SetSummary(ctx.db(), ctx.deps(), a, n, rest,
                                                             ctx.now_ms());
                          }));
  flows.push_back(Command(
      "staff_merge", {"/merge", "合并"}, "staff.usage.merge", true, "staff.done.merge",
      [](TurnContext& ctx, domain::Actor a, int64_t n, const std::string& rest) -> StatusOr<storage::Ticket> {
        // "合并 5 3", "合并 5 到 3", "/merge 5 into #3": the last word is the target.
        const auto words = Words(rest);
        const int64_t into = words.empty() ? 0 : ParseNumber(words.back());
        if (into <= 0 || words.size() > 2) {
          return Status(StatusCode::kInvalidArgument, "staff.usage.merge");
        }
        return domain::TicketService::Merge(ctx.db(), ctx.deps(), a, n, into, ctx.now_ms());
      }));
  return flows;
}

}  // namespace linli::dialogs
