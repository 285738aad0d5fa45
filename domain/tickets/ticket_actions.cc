#include "domain/tickets/ticket_actions.h"

#include <algorithm>

#include "bot/json.h"
#include "bot/text.h"
#include "domain/common/known_names.h"
#include "domain/common/masking.h"
#include "domain/tickets/authority.h"
#include "domain/tickets/ticket_service.h"

namespace linli::domain {

namespace {

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

Status Usage(const ChatCommand& command) {
  return Status(StatusCode::kInvalidArgument, command.usage_key);
}

Status Missing(const std::string& field) {
  return Status::InvalidArgument("missing field: " + field);
}

// A non-empty string field.
std::optional<std::string> Need(const nlohmann::json& body, const std::string& key) {
  auto v = GetString(body, key);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

std::vector<TicketAction> BuildActions() {
  using P = ParamKind;
  std::vector<TicketAction> a;
  a.push_back({"accept", {P::kNone}, Authority::kStaff,
               {{"staff_accept", {"/accept", "受理", "接单"}, "staff.usage.accept",
                 "staff.done.status"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs&, int64_t now) {
                 return TicketService::Accept(db, s, actor, n, now);
               }});
  a.push_back({"start", {P::kNone}, Authority::kStaff,
               {{"staff_begin", {"/begin", "处理", "处理中", "开始处理"}, "staff.usage.begin",
                 "staff.done.status"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs&, int64_t now) {
                 return TicketService::Start(db, s, actor, n, now);
               }});
  a.push_back({"note", {P::kNote}, Authority::kStaff,
               {{"staff_note", {"/note", "备注"}, "staff.usage.note", "staff.done.note", false},
                {"staff_pnote", {"/pnote", "公开备注"}, "staff.usage.pnote", "staff.done.pnote",
                 true}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::AddNote(db, s, actor, n, x.text, x.is_public, x.photo_ref,
                                               now);
               }});
  a.push_back({"resolve", {P::kText, "note"}, Authority::kStaff,
               {{"staff_resolve", {"/resolve", "解决", "办结"}, "staff.usage.resolve",
                 "staff.done.resolve"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::Resolve(db, s, actor, n, x.text, now);
               }});
  a.push_back({"defer", {P::kDeferral}, Authority::kStaff,
               {{"staff_defer", {"/defer", "暂缓"}, "staff.usage.defer", "staff.done.defer"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::Defer(db, s, actor, n, x.reason, x.plan, x.until, now);
               }});
  a.push_back({"escalate", {P::kText, "reason"}, Authority::kStaff,
               {{"staff_escalate", {"/escalate", "转办"}, "staff.usage.escalate",
                 "staff.done.escalate"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::Escalate(db, s, actor, n, x.text, now);
               }});
  a.push_back({"assign", {P::kAssignee}, Authority::kStaff,
               {{"staff_assign", {"/assign", "指派"}, "staff.usage.assign", "staff.done.assign"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::Assign(db, s, actor, n, x.assignee, now);
               }});
  a.push_back({"summary", {P::kText, "summary", /*json_non_empty=*/false}, Authority::kStaff,
               {{"staff_summary", {"/summary", "摘要", "公开摘要"}, "staff.usage.summary",
                 "staff.done.summary"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::SetSummary(db, s, actor, n, x.text, now);
               }});
  a.push_back({"merge", {P::kTicket, "into"}, Authority::kStaff,
               {{"staff_merge", {"/merge", "合并"}, "staff.usage.merge", "staff.done.merge"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const ActionArgs& x, int64_t now) {
                 return TicketService::Merge(db, s, actor, n, x.ticket, now);
               }});
  return a;
}

}  // namespace

const std::vector<TicketAction>& TicketActions() {
  static const auto* const k = new std::vector<TicketAction>(BuildActions());
  return *k;
}

std::vector<std::string> PublishedTexts(const TicketAction& action, const ActionArgs& args) {
  switch (action.param.kind) {
    case ParamKind::kNote:
      if (args.is_public) return {args.text};
      return {};
    case ParamKind::kDeferral:
      return {args.reason, args.plan};
    case ParamKind::kText:
      // resolve's note is public (the board and the push); escalate's reason is internal.
      if (action.name == "resolve" || action.name == "summary") return {args.text};
      return {};
    default:
      return {};
  }
}

StatusOr<bool> MaskedOnPublication(storage::Database& db, const Deps& deps,
                                   const TicketAction& action, const ActionArgs& args) {
  const std::vector<std::string> texts = PublishedTexts(action, args);
  if (texts.empty()) return false;
  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, deps.config));
  const MaskNames& names = *names_list;
  for (const auto& text : texts) {
    if (MaskFreeText(text, names).changed) return true;
  }
  return false;
}

const TicketAction* FindTicketAction(std::string_view name) {
  for (const auto& a : TicketActions()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

StatusOr<bool> Authorized(storage::Database& db, const Deps& deps, Actor actor,
                          Authority authority) {
  switch (authority) {
    case Authority::kStaff: {
      LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, deps.config, actor));
      return standing.has_value();
    }
  }
  return false;
}

StatusOr<ActionArgs> ArgsFromChat(const TicketAction& action, const ChatCommand& command,
                                  const std::string& rest, const std::string& photo_ref) {
  ActionArgs args;
  if (action.param.kind == ParamKind::kNone) return args;
  if (rest.empty()) return Usage(command);
  switch (action.param.kind) {
    case ParamKind::kNone:
      break;
    case ParamKind::kNote:
      args.text = rest;
      args.is_public = command.is_public;
      args.photo_ref = photo_ref;
      break;
    case ParamKind::kText:
      args.text = rest;
      break;
    case ParamKind::kDeferral: {
      const auto parts = SplitBars(rest);
      if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
        return Usage(command);
      }
      args.reason = parts[0];
      args.plan = parts[1];
      args.until = parts[2];
      break;
    }
    case ParamKind::kAssignee: {
      const auto words = ChatWords(rest);
      if (words.size() != 1) return Usage(command);
      args.assignee = words[0];
      break;
    }
    case ParamKind::kTicket: {
      // "合并 5 3", "合并 5 到 3", "/merge 5 into #3": the last word is the target.
      const auto words = ChatWords(rest);
      const int64_t into = words.empty() ? 0 : ParseTicketNumber(words.back());
      if (into <= 0 || words.size() > 2) return Usage(command);
      args.ticket = into;
      break;
    }
  }
  return args;
}

StatusOr<ActionArgs> ArgsFromJson(const TicketAction& action, const nlohmann::json& body) {
  ActionArgs args;
  switch (action.param.kind) {
    case ParamKind::kNone:
      break;
    case ParamKind::kNote: {
      auto note = Need(body, "note");
      if (!note) return Missing("note");
      args.text = *note;
      args.is_public = GetBool(body, "public").value_or(false);
      args.photo_ref = GetString(body, "photo_ref").value_or("");
      break;
    }
    case ParamKind::kText: {
      const std::string& f = action.param.json_field;
      auto text = action.param.json_non_empty ? Need(body, f) : GetString(body, f);
      if (!text) return Missing(f);
      args.text = *text;
      break;
    }
    case ParamKind::kDeferral: {
      auto reason = Need(body, "reason");
      auto plan = Need(body, "plan");
      auto until = Need(body, "until");
      if (!reason) return Missing("reason");
      if (!plan) return Missing("plan");
      if (!until) return Missing("until");
      args.reason = *reason;
      args.plan = *plan;
      args.until = *until;
      break;
    }
    case ParamKind::kAssignee: {
      std::optional<std::string> who = Need(body, "assignee_user_id");
      if (!who) {
        if (auto id = GetInt64(body, "assignee_person_id"); id && *id > 0) {
          who = std::to_string(*id);
        }
      }
      if (!who) return Missing("assignee_user_id");
      args.assignee = *who;
      break;
    }
    case ParamKind::kTicket: {
      const std::string& f = action.param.json_field;
      auto into = GetInt64(body, f);
      if (!into || *into <= 0) return Missing(f);
      args.ticket = *into;
      break;
    }
  }
  return args;
}

std::optional<Refusal> DescribeRefusal(const config::Texts& texts, const std::string& locale,
                                       const Status& status) {
  const std::string key = TicketService::ErrorKey(status);
  if (key.empty()) return std::nullopt;
  config::TextArgs args = TicketService::ErrorArgs(status);
  if (auto it = args.find("status"); it != args.end()) {
    it->second = texts.Get(locale, "ticket.status." + it->second);
  }
  if (auto it = args.find("tier"); it != args.end()) {
    it->second = texts.Get(locale, "push.tier." + it->second);
  }
  return Refusal{key, texts.Get(locale, key, args)};
}

std::vector<std::string> ChatWords(const std::string& text) {
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

int64_t ParseTicketNumber(std::string s) {
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

std::pair<int64_t, std::string> NumberAndRest(const std::string& args) {
  const std::string t = TrimText(args);
  size_t end = 0;
  while (end < t.size() && t[end] != ' ' && t[end] != '\t' && t.compare(end, 3, "\u3000") != 0) {
    ++end;
  }
  return {ParseTicketNumber(t.substr(0, end)), TrimText(t.substr(end))};
}

}  // namespace linli::domain
